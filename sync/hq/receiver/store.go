package receiver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"courtwatch/storage/safefile"
	"courtwatch/sync/hq"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
)

// tempPrefix starts the name of an upload's temporary file.
const tempPrefix = ".upload-"

// staleTemp is the age after which a temporary file is a crash's leftover.
const staleTemp = time.Hour

// bundleStore is where a receiver keeps bundles, their signatures and
// receipts, and where it finds the device registry: a folder
// (folderStore) or an S3-compatible bucket (S3Store). See "Store" in the
// package doc. Errors wrapping errStoreUnavailable are answered with 503
// and Retry-After, so the device retries later.
type bundleStore interface {
	// device returns the registry entry of device id, or hq.ErrUnknownDevice.
	device(id string) (hq.Device, error)
	// temp makes a temporary file for an upload from device; the caller
	// removes it.
	temp(device string) (*os.File, error)
	// stored returns the hash of the bundle stored for (device, seq), ""
	// if none, and its receipt if it has one.
	stored(device string, seq uint64) (hash string, receipt []byte, err error)
	// held is what the receiver learns of (device, seq) before an
	// upload's body: the hash of the bundle stored there, or "" if there
	// is none or the store does not look (commit finds out).
	held(device string, seq uint64) (hash string, err error)
	// commit stores the verified upload in tmp as bundle seq of device
	// unless the seq holds a bundle already; see folderStore.commit.
	commit(device string, seq uint64, tmp *os.File, sig []byte, hash string, sign func() (wire.SignedReceipt, error)) ([]byte, outcome, error)
}

var (
	_ bundleStore = (*folderStore)(nil)
	_ bundleStore = (*S3Store)(nil)
)

// errStoreUnavailable marks a failure of the store that a later attempt
// may not meet: a bucket that answers 5xx, is slow or unreachable.
var errStoreUnavailable = errors.New("the bundle store is unavailable")

// folderStore is the receiver's folder of bundles (see "Store" in the
// package doc); the registry is devices/ of the HQ folder hqDir.
type folderStore struct {
	dir   string
	hqDir string
	locks keyLocks
}

func (s *folderStore) device(id string) (hq.Device, error) { return hq.LoadDevice(s.hqDir, id) }

// outcome of committing an upload.
type outcome int

const (
	stored    outcome = iota // a new bundle
	duplicate                // the same bundle was there already
	conflict                 // another bundle holds the seq
)

func (o outcome) String() string { return [...]string{"stored", "duplicate", "conflict"}[o] }

// base is the path of a bundle's files without their extension.
func (s *folderStore) base(device string, seq uint64) string {
	return filepath.Join(s.dir, device, fmt.Sprintf("%012d", seq))
}

// temp makes a temporary file for an upload from device, in the folder
// its bundle will be renamed into.
func (s *folderStore) temp(device string) (*os.File, error) {
	dir := filepath.Join(s.dir, device)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		if err := safefile.SyncDir(s.dir); err != nil {
			return nil, err
		}
	}
	return os.CreateTemp(dir, tempPrefix+"*")
}

// receipt returns the stored receipt of a bundle, or nil if there is none.
func (s *folderStore) receipt(device string, seq uint64) ([]byte, error) {
	b, err := safefile.ReadFile(s.base(device, seq) + ".receipt.json")
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// commit stores the verified upload in tmp as bundle seq of device, with
// signature sig and hash, unless the seq holds a bundle already. tmp is
// nil when the upload was not kept because it matched the stored bundle.
// commit returns the receipt to answer with: the new one, or the stored
// one for a duplicate; none for a conflict. sign makes a receipt. tmp is
// renamed, or left for the caller to remove.
func (s *folderStore) commit(device string, seq uint64, tmp *os.File, sig []byte, hash string, sign func() (wire.SignedReceipt, error)) ([]byte, outcome, error) {
	defer s.locks.lock(fmt.Sprint(device, "/", seq))()
	base := s.base(device, seq)
	have, receipt, err := s.stored(device, seq)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case have != "" && have != hash:
		return nil, conflict, nil
	case have != "" && receipt != nil:
		return receipt, duplicate, nil
	case have == "" && tmp == nil:
		return nil, 0, fmt.Errorf("bundle %s.cwb was removed during an upload of it", base)
	case have == "":
		if err := tmp.Sync(); err != nil {
			return nil, 0, err
		}
		if err := tmp.Close(); err != nil {
			return nil, 0, err
		}
		if err := safefile.WriteFile(base+".cwb.minisig", sig, 0o600); err != nil {
			return nil, 0, err
		}
		if err := os.Rename(tmp.Name(), base+".cwb"); err != nil {
			return nil, 0, err
		}
	}
	// A new bundle, or one stored before a crash that lost its receipt.
	sr, err := sign()
	if err != nil {
		return nil, 0, err
	}
	receipt, err = json.Marshal(sr)
	if err != nil {
		return nil, 0, err
	}
	if err := safefile.WriteFile(base+".receipt.json", receipt, 0o600); err != nil {
		return nil, 0, err
	}
	if have != "" {
		return receipt, duplicate, nil
	}
	return receipt, stored, nil
}

// stored returns the hash of the bundle stored for (device, seq), "" if
// none, and its receipt if it has one.
func (s *folderStore) stored(device string, seq uint64) (hash string, receipt []byte, err error) {
	base := s.base(device, seq)
	// Uploads read a bundle's files while another upload of the same seq
	// renames them into place; on Windows only safefile.Open allows that.
	f, err := safefile.Open(base + ".cwb")
	if errors.Is(err, os.ErrNotExist) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	if receipt, err = s.receipt(device, seq); err != nil {
		return "", nil, err
	}
	if receipt != nil {
		var sr wire.SignedReceipt
		var r wire.Receipt
		if err := json.Unmarshal(receipt, &sr); err != nil {
			return "", nil, fmt.Errorf("the stored receipt %s.receipt.json is damaged: %v", base, err)
		}
		if err := json.Unmarshal([]byte(sr.Receipt), &r); err != nil || !isSHA256Hex(r.Hash) {
			return "", nil, fmt.Errorf("the stored receipt %s.receipt.json is damaged", base)
		}
		return r.Hash, receipt, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", nil, err
	}
	return hex.EncodeToString(h.Sum(nil)), nil, nil
}

// held is stored's hash: on a local disk the lookup costs little, and it
// spares a resend or a conflicting upload a temporary file.
func (s *folderStore) held(device string, seq uint64) (string, error) {
	hash, _, err := s.stored(device, seq)
	return hash, err
}

// removeStaleTemps removes the temporary files of uploads that a crash
// interrupted.
func (s *folderStore) removeStaleTemps(now time.Time) error {
	return filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != s.dir && filepath.Dir(path) != s.dir {
			return filepath.SkipDir // only <store>/<device>/
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), tempPrefix) {
			return nil
		}
		if fi, err := d.Info(); err == nil && now.Sub(fi.ModTime()) > staleTemp {
			return os.Remove(path)
		}
		return nil
	})
}

// keyLocks is a mutex per key, kept only while someone holds or waits for it.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	users int
}

// lock locks key and returns its unlock.
func (l *keyLocks) lock(key string) (unlock func()) {
	l.mu.Lock()
	if l.m == nil {
		l.m = make(map[string]*keyLock)
	}
	k := l.m[key]
	if k == nil {
		k = new(keyLock)
		l.m[key] = k
	}
	k.users++
	l.mu.Unlock()
	k.Lock()
	return func() {
		k.Unlock()
		l.mu.Lock()
		if k.users--; k.users == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
}

// isSHA256Hex reports whether s is a sha256 in lowercase hex.
func isSHA256Hex(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == sha256.Size && hex.EncodeToString(b) == s
}

// openStore opens the store that cfg.Store names: an s3:// bucket, whose
// stored receipts are checked with receiptPub, or a folder that it
// creates if missing and cleans of crashed uploads.
func openStore(cfg Config, receiptPub minisign.PublicKey) (bundleStore, error) {
	if IsS3URL(cfg.Store) {
		s, err := OpenS3(cfg.Store, cfg.Getenv)
		if err != nil {
			return nil, err
		}
		s.receiptPub = &receiptPub
		if cfg.StoreTimeout > 0 {
			s.Timeout = cfg.StoreTimeout
		}
		return s, nil
	}
	if err := os.MkdirAll(cfg.Store, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &folderStore{dir: cfg.Store, hqDir: cfg.HQDir}
	if err := s.removeStaleTemps(cfg.Now()); err != nil {
		return nil, fmt.Errorf("clean the store: %w", err)
	}
	return s, nil
}
