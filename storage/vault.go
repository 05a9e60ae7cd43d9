package storage

import (
	"bytes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/google/uuid"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/hkdf"

	"courtwatch/storage/safefile"
)

// Vault is an open, unlocked vault. It is safe for concurrent use; writes
// are serialised so that each device's hash chain stays linear.
type Vault struct {
	dir    string
	db     *badger.DB
	aead   cipher.AEAD
	lockf  *os.File
	device Device
	key    ed25519.PrivateKey

	wmu    sync.Mutex   // serialises Update: chain head, clock, durable sync
	life   sync.RWMutex // held shared by every operation, exclusively by Close
	clock  clock
	head   chainHead
	closed atomic.Bool
	slot   int      // the key file slot that holds the data key
	ix     *indexer // search postings, in the background; started by Open, stopped by Close

	space      spaceCache  // the last look at the database folder (diskspace.go)
	lowSpace   atomic.Bool // the last free-space check found less than lowSpaceMark
	readOnly   bool        // opened read-only: the disk was too full (diskspace.go)
	unfinished error       // a committed large import could not be applied yet (staging.go)
	notes      []string    // what Open found and did, for the user (Notices)
	sealedHead *headFile   // this device's chain head, kept outside Badger (chainhead.go)
	memo       verMemo     // versions Tx.latest decoded, by key and sealed bytes (vermemo.go)
	tables     *tableCheck // records the session's new tables at Close (tablecheck.go); nil if read-only
	opts       OpenOptions // how it was opened

	testHookIndexCommit func()                            // tests: called by the indexer just before it commits
	testHookPostings    func(id uuid.UUID, readBack bool) // tests: called as the indexer computes a record's postings
}

// Device is this vault's identity: the device that signs its versions.
type Device struct {
	ID        uuid.UUID         `json:"id"`
	Name      string            `json:"name"`
	PublicKey ed25519.PublicKey `json:"public_key"`
}

// CreateOptions tune a new vault. The zero value is fine for real use.
type CreateOptions struct {
	KDF        KDFParams // zero: DefaultKDF
	DeviceName string    // the monitor's name for this device, shown at HQ
}

// Create makes a new vault in dir (created if missing) protected by
// passphrase, and returns it open. It refuses a folder that holds anything,
// and then writes nothing: ErrVaultExists if that is part of a vault,
// ErrFolderNotEmpty otherwise, naming what it found.
func Create(dir string, passphrase []byte, opt CreateOptions) (*Vault, error) {
	if len(passphrase) == 0 {
		return nil, errors.New("create vault: the passphrase is empty; choose a long passphrase")
	}
	if err := checkEmpty(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create vault folder: %w", err)
	}
	lockf, err := lockNewVault(dir)
	if err != nil {
		return nil, err
	}
	if err := checkEmpty(dir); err != nil { // another init got there first
		unlockVault(lockf)
		return nil, err
	}
	v, u, err := createLocked(dir, passphrase, opt, lockout{}, lockf)
	if err != nil {
		return nil, err
	}
	u.wipeKeys()
	return v, nil
}

// Open unlocks the vault in dir. A wrong passphrase returns
// ErrWrongPassphrase and leaves the folder untouched (but for the failure
// count when lockout is on); a vault that another process holds returns
// ErrVaultInUse. The duress passphrase erases the vault and returns the
// decoy that replaces it, as if it were the vault (see SetDuress).
func Open(dir string, passphrase []byte) (*Vault, error) {
	return OpenWith(dir, passphrase, OpenOptions{})
}

// OpenWith is Open with options; see OpenOptions.
func OpenWith(dir string, passphrase []byte, opt OpenOptions) (*Vault, error) {
	lockf, err := lockVault(dir)
	if err != nil {
		return nil, err
	}
	// A write of the vault's small files (key file, table ledger, lockout
	// count) killed before its rename leaves a sealed temporary copy; with
	// the lock held, no one else is writing one.
	_ = safefile.RemoveTemps(dir) // what stays is only clutter, tried again next time
	u, err := access(dir, passphrase, lockf)
	if err != nil {
		unlockVault(lockf)
		if errors.Is(err, ErrWrongPassphrase) {
			return nil, fmt.Errorf("open vault %s: %w; check the passphrase and try again", dir, err)
		}
		return nil, err
	}
	if u.decoy != nil {
		return u.decoy, nil
	}
	defer u.wipeKeys()
	v, err := openUnlockedWith(dir, bytes.Clone(u.dataKey), lockf, opt)
	if err != nil {
		return nil, err
	}
	v.slot = u.slot
	return v, nil
}

// removeEmptyLogs deletes zero-length value-log and write-ahead-log files.
// Badger creates one at each open and writes its header just after; a
// crash in between leaves an empty file that would stop the next open. An
// empty file holds no data, so removing it loses nothing.
func removeEmptyLogs(db string) error {
	for _, pat := range []string{"*.vlog", "*.mem"} {
		files, err := filepath.Glob(filepath.Join(db, pat))
		if err != nil {
			return err
		}
		for _, f := range files {
			if fi, err := os.Stat(f); err == nil && fi.Size() == 0 {
				if err := os.Remove(f); err != nil {
					return fmt.Errorf("remove empty log file left by a crash: %w", err)
				}
			}
		}
	}
	return nil
}

// subkey derives an independent key for one purpose from the data key.
func subkey(dataKey []byte, purpose string) []byte {
	k := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, dataKey, nil, []byte("courtwatch "+purpose)), k); err != nil {
		panic(err) // hkdf cannot fail for 32 bytes
	}
	return k
}

// monitorIndexCache bounds the decrypted table indexes a monitor's vault
// keeps in memory: all of them up to about 450k notes.
const monitorIndexCache = 32 << 20

func badgerOptions(dir string, key []byte) badger.Options {
	return badger.DefaultOptions(filepath.Join(dir, dbDir)).
		WithEncryptionKey(key).
		// Every commit is durable when it returns: one fsync per batch.
		WithSyncWrites(true).
		WithMemTableSize(8 << 20).
		WithValueLogFileSize(16 << 20).
		WithNumMemtables(2).
		WithBlockCacheSize(8 << 20).
		// With encryption Badger keeps each table's index (block offsets
		// and bloom filter) only in this cache, and looks it up at every
		// step of every seek. A 100k-note vault's indexes take 6.9 MB: at
		// 4 MB, varied searches decrypted about 8 indexes each, again and
		// again (BenchmarkSearchMixed100k, bench/misses.md, stop 22). The
		// cache holds only what the vault has, so a small vault uses no
		// more memory than before.
		WithIndexCacheSize(monitorIndexCache).
		WithBaseTableSize(2 << 20).
		WithNumCompactors(2).
		// Whole-table checksums at open: with per-block checks Badger's
		// iterators stop silently at a damaged block (records would vanish
		// from lists without an error), and with both it can crash on one
		// (tamper_test.go). openBadger switches to per-block checks when it
		// has checked every table itself (tablecheck.go).
		WithChecksumVerificationMode(options.OnTableRead).
		WithVerifyValueChecksum(true).
		// Badger's log lines are its own internal text; every failure that
		// matters reaches us as an error, which classify words for the user.
		// (WithLoggingLevel would replace this logger with Badger's own.)
		WithLogger(quietLogger{})
}

// openUnlocked opens Badger with keys derived from dataKey, which it wipes.
// It owns lockf, the held lock on the vault folder (or nil), from here on.
func openUnlocked(dir string, dataKey []byte, lockf *os.File) (*Vault, error) {
	return openUnlockedWith(dir, dataKey, lockf, OpenOptions{})
}

func openUnlockedWith(dir string, dataKey []byte, lockf *os.File, opt OpenOptions) (*Vault, error) {
	defer wipe(dataKey)
	sealKey := subkey(dataKey, "record seal")
	dbKey := subkey(dataKey, "badger")
	defer wipe(sealKey)
	defer wipe(dbKey)
	aead, err := chacha20poly1305.NewX(sealKey)
	if err != nil {
		lockf.Close()
		return nil, err
	}
	if err := removeEmptyLogs(filepath.Join(dir, dbDir)); err != nil {
		lockf.Close()
		return nil, err
	}
	db, readOnly, tables, err := openBadger(dir, dbKey, aead, opt)
	if err != nil {
		lockf.Close()
		return nil, err
	}
	v := &Vault{dir: dir, db: db, aead: aead, lockf: lockf, readOnly: readOnly, tables: tables, opts: opt}
	if err := v.afterOpen(); err != nil {
		v.Close()
		return nil, err
	}
	// Finish the search indexing that a crash interrupted. If a record
	// cannot be indexed (tampered), the vault still opens and Search
	// reports it; its marker stays for the next Open.
	if v.readOnly {
		v.ix = startIndexer(v, nil) // nothing can be written: pending markers wait for the next open
	} else {
		v.ix = startIndexer(v, v.indexPending())
	}
	return v, nil
}

// load reads the device identity, the chain head and the clock.
func (v *Vault) load() error {
	return v.db.View(func(txn *badger.Txn) error {
		if err := v.loadDevice(txn); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		h, err := v.loadHead(txn)
		if err != nil {
			return err
		}
		v.head = h
		last, err := lastFeedHLC(txn)
		if err != nil {
			return err
		}
		v.clock.observe(last)
		return nil
	})
}

// Dir is the vault folder.
func (v *Vault) Dir() string { return v.dir }

// Device returns this vault's device identity.
func (v *Vault) Device() Device { return v.device }

// SigningKey returns the device's Ed25519 private key, for signing bundles.
func (v *Vault) SigningKey() ed25519.PrivateKey { return v.key }

// Close flushes and closes the vault and drops its keys from memory as far
// as Go allows. Using the vault after Close returns ErrLocked. The search
// indexer first indexes what is queued and ends; a save that commits during
// Close leaves a p/ marker, which the next Open indexes.
func (v *Vault) Close() error {
	if v.closed.Swap(true) {
		return nil
	}
	if v.ix != nil {
		v.ix.stop() // it takes neither life nor wmu: no deadlock with operations in flight
	}
	v.life.Lock() // waits for operations in flight, such as a save during auto-lock
	defer v.life.Unlock()
	err := v.db.Close()
	if v.tables != nil {
		if err == nil {
			v.tables.afterClose()
		} else {
			wipe(v.tables.key)
		}
	}
	if v.sealedHead != nil {
		v.sealedHead.close() // a failure only leaves the newest records unchecked at the next Open
	}
	wipe(v.key)
	v.aead = nil
	v.memo.clear()
	v.lockf.Close()
	if err != nil {
		return fmt.Errorf("close vault: %w", classify(err))
	}
	return nil
}

// ChangePassphrase rewraps the data key under a new passphrase. Only
// key.wrapped changes, atomically; the records are not re-encrypted, and a
// duress passphrase stays as it was.
func ChangePassphrase(dir string, old, new []byte) error {
	if len(new) == 0 {
		return errors.New("change passphrase: the new passphrase is empty")
	}
	lockf, err := lockVault(dir)
	if err != nil {
		return err
	}
	defer unlockVault(lockf)
	u, err := access(dir, old, nil)
	if err != nil {
		if errors.Is(err, ErrWrongPassphrase) {
			return fmt.Errorf("change passphrase: current passphrase: %w", err)
		}
		return err
	}
	defer u.wipeKeys()
	kek := u.kf.kdf.deriveKEK(new)
	defer wipe(kek)
	if slot, _, k, err := u.kf.open(kek); err == nil {
		wipe(k)
		if slot != u.slot {
			return errors.New("change passphrase: the new passphrase is the duress passphrase; choose another")
		}
	}
	if u.kf.legacy != nil { // its migration at unlock failed: migrate now
		if u.slot, err = u.kf.upgrade(kek, u.dataKey); err != nil {
			return err
		}
	} else if err := u.kf.seal(u.slot, kek, roleVault, u.dataKey); err != nil {
		return err
	}
	if err := writeKeyFiles(dir, u.kf); err != nil {
		return fmt.Errorf("change passphrase: %w (the old passphrase still works)", err)
	}
	return nil
}

// seal encrypts and authenticates value, bound to key.
func (v *Vault) seal(key, value []byte) ([]byte, error) {
	nonce := make([]byte, v.aead.NonceSize(), v.aead.NonceSize()+len(value)+v.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return v.aead.Seal(nonce, nonce, value, key), nil
}

// unseal authenticates and decrypts a sealed value read under key.
func (v *Vault) unseal(key, sealed []byte) ([]byte, error) {
	ns := v.aead.NonceSize()
	if len(sealed) < ns+v.aead.Overhead() {
		return nil, fmt.Errorf("key %x: %w", key, ErrTampered)
	}
	out, err := v.aead.Open(nil, sealed[:ns], sealed[ns:], key)
	if err != nil {
		return nil, fmt.Errorf("value under key %q: %w", printableKey(key), ErrTampered)
	}
	return out, nil
}

func printableKey(k []byte) string {
	if len(k) > 2 {
		return fmt.Sprintf("%s…(%d bytes)", k[:2], len(k))
	}
	return string(k)
}

// classify maps Badger's errors, which do not wrap, onto our sentinels,
// with our own words: Badger's text is not shown.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrTampered) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrVaultInUse) || errors.Is(err, ErrDiskFull) {
		return err
	}
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("%w; split the input into smaller files", ErrTooBig)
	}
	s := strings.ToLower(err.Error())
	switch {
	case strings.Contains(s, "cannot acquire directory lock"):
		return fmt.Errorf("%w; close the other Courtwatch window or command first", ErrVaultInUse)
	case strings.Contains(s, "no space left"):
		return fmt.Errorf("%w; nothing was lost, and this change was not saved: free some space on the disk and try again", ErrDiskFull)
	case strings.Contains(s, "checksum"), strings.Contains(s, "corrupt"), strings.Contains(s, "opening table"),
		strings.Contains(s, "failed to read index"), strings.Contains(s, "proto:"), strings.Contains(s, "truncate"),
		strings.Contains(s, "manifest"), strings.Contains(s, "encryption key mismatch"), strings.Contains(s, "invalid data key"):
		f := badgerFile.FindString(err.Error())
		if f == "" && strings.HasPrefix(s, "manifest has") { // "manifest has checksum mismatch", "… unsupported version"
			f = badger.ManifestFilename
		}
		if f != "" {
			return fmt.Errorf("the vault database file %s is damaged and could not be read: %w", f, ErrTampered)
		}
		return fmt.Errorf("a file of the vault database is damaged and could not be read: %w", ErrTampered)
	}
	return err
}

type quietLogger struct{}

func (quietLogger) Errorf(string, ...any)   {}
func (quietLogger) Warningf(string, ...any) {}
func (quietLogger) Infof(string, ...any)    {}
func (quietLogger) Debugf(string, ...any)   {}
