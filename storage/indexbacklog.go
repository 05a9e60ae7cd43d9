package storage

// IndexBacklog is how many committed versions the search index has not
// taken in yet. Search waits for them, and Close indexes them before it
// returns: after a large import that can take many seconds (at 1M
// versions merged into HQ's vault, half a minute), which a command may
// want to say before it closes. A process stopped meanwhile loses
// nothing: the next Open indexes what is left.
func (v *Vault) IndexBacklog() int {
	ix := v.ix
	if ix == nil {
		return 0
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return int(ix.queued - ix.indexed)
}
