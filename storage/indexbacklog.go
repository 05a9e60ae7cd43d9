package storage

// IndexBacklog is how many committed versions the search index has not
// taken in yet. Search waits for them, and Close indexes them before it
// returns: after many versions that can take many seconds, which a command
// may want to say before it closes. (Merges write their own postings when
// the indexer is idle, so an import into HQ's vault normally leaves none;
// before that, 1M versions merged left up to half a minute.) A process
// stopped meanwhile loses nothing: the next Open indexes what is left.
func (v *Vault) IndexBacklog() int {
	ix := v.ix
	if ix == nil {
		return 0
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return int(ix.queued - ix.indexed)
}
