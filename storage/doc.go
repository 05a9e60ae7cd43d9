// Package storage is the Courtwatch vault: an encrypted, versioned record
// store for one trial monitor's observations, on a laptop that may be
// searched or seized.
//
// # Folder
//
//	<vault>/key.wrapped  Argon2id parameters and salt, and 4 key slots (keyfile.go)
//	<vault>/vault.json   a mirror of the format and parameters (not the salt); rebuilt if lost
//	<vault>/lockout      erase after N wrong passphrases: N and the count so far (lockout.go)
//	<vault>/chain.head   this device's chain head, sealed; outside Badger (chainhead.go)
//	<vault>/db/          Badger, encrypted
//
// Every vault has these five, of the same sizes whatever its settings, so
// the folder does not tell whether a duress passphrase or lockout is set
// (lockout's N is readable: it must be, before the passphrase is known).
// key.wrapped alone opens the vault: losing vault.json loses nothing, and
// a folder without key.wrapped is reported as a vault missing its key
// (ErrVaultIncomplete), not as an empty folder (ErrNoVault). Create
// refuses a folder that holds anything, and writes nothing there.
//
// # Keys
//
// Argon2id (64 MiB, 3 passes by default) turns the passphrase into a
// key-encryption key (KEK). The KEK is tried against every slot of
// key.wrapped with XChaCha20-Poly1305; the slot that opens gives the
// random 32-byte data key, or says the passphrase is the duress one. One
// salt serves all slots, so an unlock costs one Argon2id run whichever slot
// opens (keyfile.go explains why). A wrong passphrase fails every slot and
// returns ErrWrongPassphrase having only read files (and, when lockout is
// on, counted the attempt durably first). A passphrase change reseals one
// slot and replaces key.wrapped atomically (temp file, fsync, rename); no
// record is touched. Vaults of format courtwatch-vault/1 (the salt in
// vault.json, key.wrapped a bare wrapped key) open as before and are
// rewritten in the current format at their first successful unlock, with
// the same salt; each file is replaced atomically and key.wrapped first,
// so a crash at any point leaves a vault that opens.
//
// Wipe (wipe.go) is crypto-erase: key.wrapped, vault.json and any
// temporary copy of them are overwritten in place, fsynced and unlinked
// before anything else is deleted. The duress passphrase (duress.go)
// wipes the vault and creates a decoy vault in its place.
//
// From the data key, HKDF-SHA256 derives two independent keys: one for
// Badger's own encryption (WithEncryptionKey: AES-CTR over keys, values,
// tables, value log and write-ahead log) and one that seals every stored
// value with XChaCha20-Poly1305, using the Badger key as associated data.
// Badger's AES-CTR has no integrity; the seal means a flipped bit, or a
// value moved to another key, is reported as ErrTampered on read instead of
// being returned. Badger's block and value checksums are verified too, and
// every block of every table is checked before the vault reads it: a table
// once at the first open that sees it, and at later opens only a keyed
// checksum of its file, kept in the sealed ledger tables.checked
// (tablecheck.go), so that open time does not grow with the vault.
//
// One process per vault: Open takes an flock on the vault folder itself
// (which does not change the folder, and stays valid while files in it are
// replaced) before reading any key; a second opener gets ErrVaultInUse.
// Windows cannot lock a folder: there the lock is on an empty <vault>/.lock,
// which Create makes and a wipe removes, and which an Open or a wipe of a
// folder without a vault never leaves behind (vaultlock.go).
//
// # Records and versions
//
// Every domain value (Case, Person, CaseDefendant, Hearing, Attendance,
// Note, Event, ChecklistAnswer, Attachment) is a record with a UUIDv7 id.
// A record is never overwritten: Put appends a version, Delete appends a
// tombstone. A version is a JSON envelope
//
//	{"id", "type", "version", "hlc", "device", "seq", "prev", "chain", "deleted", "data"}
//
// whose sha256 is its hash. prev is the hash of the record's previous
// version (its history); chain is the hash of the previous version this
// device wrote, and seq its position, so each device's versions form one
// gapless hash chain: the chain of custody that export bundles sign.
// hlc is a hybrid logical clock (48 bits of milliseconds, 16 of counter).
// The current state of a record is its version with the highest hlc.
//
// # Key layout inside Badger
//
//	m/device                          sealed device identity (id, name, Ed25519 seed)
//	m/head                            sealed head of this device's chain (seq, hash)
//	v/<id:16><hlc:8><device:16>       sealed version; a record's history is one prefix scan
//	f/<hlc:8><device:16><id:16>       change feed: "every version since C" is one scan
//	d/<device:16><seq:8>              device chain: <id:16><hlc:8>
//	x/<index>\0<parent:16><sort><id:16>   secondary indexes: type:<kind>, case.defendants,
//	                                  person.cases, case.hearings (by date), hearings,
//	                                  hearing.notes (by time), hearing.events, …
//	p/<id:16><hlc:8><device:16>       version not yet in the search index
//	s/<term>\0<id:16>                 search posting
//	t/<id:16>                         sealed list of the terms posted for id
//	b/<sha256:32><chunk:4>            sealed 1 MiB chunk of an attachment
//	i/<import:16><chunk:4>            sealed chunk of a staged big write (staging.go)
//	a/<key>                           sealed auxiliary value: outbox queue, HQ import
//	                                  sequence, drafts, settings (aux.go)
//
// Index and posting keys carry no sealed value: they only ever lead to a
// record, which is then read and authenticated. A forged or stale posting
// can at most make a search look at a record that does not match, which
// the search then drops.
//
// # Durability
//
// Update writes all versions of a batch, their feed, chain and index keys
// and a p/ marker for each in one Badger transaction, and Badger fsyncs it
// (SyncWrites) before Update returns: after Update returns nil the batch
// survives a crash. Search postings are derived data and are not in that
// transaction: see Search below. A crash before they are written leaves
// the markers, which the next Open indexes before it returns.
//
// A batch too big for one Badger transaction (an import of 100,000 lines)
// goes through UpdateLarge: its writes are staged under an import id and
// made visible by one commit marker; Open finishes a committed import and
// rolls back an unfinished one (staging.go). Before each commit the free
// space is checked against a reserve, so that Badger never meets a full
// disk through its memory-mapped files (diskspace.go). After each commit
// the chain head is also written, sealed, outside Badger, so that records
// that damaged storage drops are reported at Open (chainhead.go).
//
// # Search
//
// See package courtwatch/storage/fulltext for terms: Latin words are
// folded (case, diacritics) and matched by prefix; Khmer, written without
// spaces, is indexed as character trigrams and matched as a substring.
// Every candidate is re-checked against the record's text. Search starts
// from the query's rarest lookup (the posting scans run side by side until
// one ends), probes its ids newest first in the other lookups' terms, and
// stops at the limit (searchplan.go).
//
// Postings are written in the background. Each open vault has one indexer
// goroutine; Update hands it the refs it committed, and it indexes whatever
// has gathered (the saves of the last quarter second, or 2,000 refs) in as
// few transactions as Badger's limits allow (each stopped short of them),
// which write the s/ and t/ keys and delete the p/ markers, so that a save
// does not pay for them. Update also hands it the version that each
// commit left newest, so that it does not read back what was just
// written: it reads the store only for a record that a commit touched
// without leaving a newest version (a purge, a merge of an older version),
// or whose handed version is no longer stored (purged since). Search, and Compact, first wait until everything
// queued before the call is indexed (and tell the indexer not to wait for
// more): a search always sees every save that returned before it. Close
// lets the indexer index what is queued and waits for it to end; a save
// that commits during Close keeps its marker for the next Open. The
// indexer is the only writer of postings: Purge leaves a marker, and the
// indexer, finding no version left, removes the postings and terms list.
// It always indexes a record's newest version, and a purge committed while
// it works makes its commit conflict (it read the markers the purge
// deletes), so an older version is never indexed over a newer state.
package storage
