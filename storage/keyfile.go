package storage

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

const (
	formatVersion = "courtwatch-vault/1"
	headerFile    = "vault.json"
	wrappedFile   = "key.wrapped"
	dbDir         = "db"
	dataKeySize   = 32
)

// KDFParams are the Argon2id parameters stored in vault.json. They are not
// secret. The salt is random per vault and never changes; a passphrase change
// rewraps the data key under a new key-encryption key and nothing else.
type KDFParams struct {
	Algorithm string `json:"algorithm"` // always "argon2id"
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
	Salt      []byte `json:"salt"`
}

// DefaultKDF is what new vaults use: 64 MiB and about half a second on a
// laptop, so that guessing passphrases from a seized disk is slow.
var DefaultKDF = KDFParams{Algorithm: "argon2id", Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// TestKDF is a deliberately weak setting for tests and benchmarks only.
var TestKDF = KDFParams{Algorithm: "argon2id", Time: 1, MemoryKiB: 64, Threads: 1}

type header struct {
	Format string    `json:"format"`
	KDF    KDFParams `json:"kdf"`
}

func (p KDFParams) validate() error {
	switch {
	case p.Algorithm != "argon2id":
		return fmt.Errorf("unsupported key derivation %q in %s", p.Algorithm, headerFile)
	case p.Time < 1 || p.Time > 100, p.MemoryKiB < 8 || p.MemoryKiB > 4<<20, p.Threads < 1:
		return fmt.Errorf("key derivation parameters in %s are out of range", headerFile)
	case len(p.Salt) < 16:
		return fmt.Errorf("salt in %s is too short", headerFile)
	}
	return nil
}

func (p KDFParams) deriveKEK(passphrase []byte) []byte {
	kek := argon2.IDKey(passphrase, p.Salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
	// Argon2id's MemoryKiB (64 MiB by default) is garbage now, but the
	// next GC would come only after as much again is allocated: Badger's
	// tables and caches would sit on top of it. Give it back to the OS
	// now, so that the two never add up in the process's peak memory.
	// (A few MiB, as in tests, are not worth a collection.)
	if p.MemoryKiB >= 16<<10 {
		debug.FreeOSMemory()
	}
	return kek
}

func readHeader(dir string) (header, error) {
	var h header
	b, err := os.ReadFile(filepath.Join(dir, headerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return h, fmt.Errorf("%s: %w (create one with 'courtwatch init')", dir, ErrNoVault)
	}
	if err != nil {
		return h, fmt.Errorf("read vault header: %w", err)
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("vault header %s is damaged: %v", filepath.Join(dir, headerFile), err)
	}
	if h.Format != formatVersion {
		return h, fmt.Errorf("vault format %q is not supported by this version of Courtwatch (want %q)", h.Format, formatVersion)
	}
	return h, h.KDF.validate()
}

// wrapAD binds the wrapped key to the vault format and its salt.
func wrapAD(p KDFParams) []byte {
	return append([]byte(formatVersion+" data key\x00"), p.Salt...)
}

func wrapKey(kek, dataKey []byte, p KDFParams) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(dataKey)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, dataKey, wrapAD(p)), nil
}

func unwrapKey(kek, wrapped []byte, p KDFParams) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	if len(wrapped) != aead.NonceSize()+dataKeySize+aead.Overhead() {
		return nil, fmt.Errorf("%s has the wrong size: the vault's key file is damaged", wrappedFile)
	}
	key, err := aead.Open(nil, wrapped[:aead.NonceSize()], wrapped[aead.NonceSize():], wrapAD(p))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return key, nil
}

// unlock derives the key-encryption key and unwraps the data key. It only
// reads files.
func unlock(dir string, passphrase []byte) (header, []byte, error) {
	h, err := readHeader(dir)
	if err != nil {
		return h, nil, err
	}
	wrapped, err := os.ReadFile(filepath.Join(dir, wrappedFile))
	if err != nil {
		return h, nil, fmt.Errorf("read vault key: %w", err)
	}
	kek := h.KDF.deriveKEK(passphrase)
	defer wipe(kek)
	key, err := unwrapKey(kek, wrapped, h.KDF)
	return h, key, err
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, fsyncs it, renames it into place and fsyncs the folder, so that a
// crash leaves either the old or the new file, never a torn one.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// wipe overwrites b with zeros. Go may have copied the bytes elsewhere; this
// is the best the language allows.
func wipe(b []byte) {
	clear(b)
}

// Exists reports whether dir holds a vault, without asking for its
// passphrase.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, headerFile))
	return err == nil
}
