package storage

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"courtwatch/storage/safefile"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// The key file, key.wrapped (format courtwatch-key/2), is what opens a
// vault. It carries its own KDF parameters and salt, so the folder survives
// the loss of vault.json, which only mirrors the format and parameters.
//
//	offset  size  field
//	0       16    magic "courtwatch-key/2"
//	16      4     Argon2id passes (time), big-endian
//	20      4     Argon2id memory in KiB, big-endian
//	24      1     Argon2id lanes (threads)
//	25      7     zero
//	32      32    salt
//	64      4×104 slots: 24-byte nonce, 64-byte sealed payload, 16-byte tag
//
// A slot's payload is one role byte (1: the vault's data key, 2: duress),
// 31 zero bytes and the 32-byte data key (random for a duress slot). It is
// sealed with XChaCha20-Poly1305 under the key-encryption key (KEK), with
// the 64-byte header and the slot's index as associated data, so neither
// the parameters nor a slot's place can be changed unnoticed. A slot that
// is not in use is 104 random bytes, which without the right KEK cannot be
// told from a sealed one: a vault with a duress passphrase has the same
// files, of the same sizes, as one without.
//
// # One salt, one KDF run
//
// All slots share the salt, so an unlock runs Argon2id once and tries the
// one KEK against every slot; the slot that authenticates says what the
// passphrase is. The alternative, a salt per slot, would run Argon2id once
// per slot (4 × 64 MiB, about 2 s on a laptop) for every unlock, correct or
// wrong, or else stop at the first slot that opens and let the unlock time
// tell which slot was used. It buys nothing against a guesser either: the
// guesser pays the same one KDF run per guess per slot as the owner does
// per unlock, so the ratio of attacker to owner cost, which is what the
// Argon2id cost sets, is the same. A shared salt lets a guess be tested
// against the (at most two) live slots at once; that halves the cost of
// finding one of two passphrases, far less than the 4× slower unlock a salt
// per slot would cost the owner to avoid it. Every slot is tried even after
// one has opened, so the time does not depend on which slot it was.
//
// The salt never changes in a vault's life (a passphrase change rewraps the
// data key under a new KEK from the same salt), because the duress slot,
// whose passphrase the program does not have then, must stay valid.
const (
	formatV1      = "courtwatch-vault/1" // vault.json held the salt; key.wrapped was one bare wrapped key
	formatVersion = "courtwatch-vault/2" // key.wrapped holds its parameters and salt
	keyMagic      = "courtwatch-key/2"
	headerFile    = "vault.json"
	wrappedFile   = "key.wrapped"
	dbDir         = "db"
	dataKeySize   = 32

	keySlots      = 4
	slotPayload   = 64
	slotSize      = chacha20poly1305.NonceSizeX + slotPayload + chacha20poly1305.Overhead
	keyHeaderSize = 64
	keyFileSize   = keyHeaderSize + keySlots*slotSize // 480
	legacyKeySize = chacha20poly1305.NonceSizeX + dataKeySize + chacha20poly1305.Overhead
	saltSize      = 32

	roleVault  = 1
	roleDuress = 2
)

// KDFParams are the Argon2id parameters of a vault. They are not secret.
// The salt is random per vault and never changes; a passphrase change
// rewraps the data key under a new key-encryption key and nothing else.
type KDFParams struct {
	Algorithm string `json:"algorithm"` // always "argon2id"
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
	Salt      []byte `json:"salt,omitempty"` // only in a courtwatch-vault/1 vault.json
}

// DefaultKDF is what new vaults use: 64 MiB and about half a second on a
// laptop, so that guessing passphrases from a seized disk is slow.
var DefaultKDF = KDFParams{Algorithm: "argon2id", Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// header is vault.json. In a courtwatch-vault/2 folder it only mirrors the
// key file's format and parameters (never the salt), for people and tools
// that look at the folder; nothing needs it to open the vault, and Open
// rebuilds it when it is missing.
type header struct {
	Format string    `json:"format"`
	KDF    KDFParams `json:"kdf"`
}

func (p KDFParams) validate(where string) error {
	switch {
	case p.Algorithm != "argon2id":
		return fmt.Errorf("unsupported key derivation %q in %s", p.Algorithm, where)
	case p.Time < 1 || p.Time > 100, p.MemoryKiB < 8 || p.MemoryKiB > 4<<20, p.Threads < 1:
		return fmt.Errorf("key derivation parameters in %s are out of range", where)
	case len(p.Salt) < 16:
		return fmt.Errorf("salt in %s is too short", where)
	}
	return nil
}

// ReturnKDFMemoryEarly says whether the key derivation hands Argon2id's
// memory back to the system as soon as the key is derived: the default,
// which keeps a command's peak memory low (TestKDFMemoryReturned). The
// desktop app sets it to false before it opens a vault, and hands the
// memory back itself once the vault is open: the pages freed this early
// are where Badger's 10 MB memtable lands next, and the Go runtime clears
// them there, which makes the whole memtable resident in some runs and
// not in others (about 11 MiB of the app's memory at rest; tools/measure).
// Set it before opening a vault, not while one is being opened.
var ReturnKDFMemoryEarly = true

func (p KDFParams) deriveKEK(passphrase []byte) []byte {
	kek := argon2.IDKey(passphrase, p.Salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
	// Argon2id's MemoryKiB (64 MiB by default) is garbage now, but the
	// next GC would come only after as much again is allocated: Badger's
	// tables and caches would sit on top of it. Give it back to the OS
	// now, so that the two never add up in the process's peak memory.
	// (A few MiB, as in tests, are not worth a collection.)
	if p.MemoryKiB >= 16<<10 && ReturnKDFMemoryEarly {
		debug.FreeOSMemory()
	}
	return kek
}

// keyFile is a parsed key.wrapped. A courtwatch-vault/1 folder's key file
// (legacy) is one wrapped data key; its parameters and salt come from
// vault.json. Open rewrites it in the current format after a successful
// unlock.
type keyFile struct {
	kdf    KDFParams
	slots  [keySlots][slotSize]byte
	legacy []byte
}

// newKeyFile returns a key file with params p, a fresh salt and every slot
// random.
func newKeyFile(p KDFParams) (*keyFile, error) {
	p.Algorithm = "argon2id"
	p.Salt = make([]byte, saltSize)
	if _, err := rand.Read(p.Salt); err != nil {
		return nil, err
	}
	kf := &keyFile{kdf: p}
	for i := range kf.slots {
		if _, err := rand.Read(kf.slots[i][:]); err != nil {
			return nil, err
		}
	}
	return kf, kf.kdf.validate(wrappedFile)
}

// parseKeyFile parses a courtwatch-key/2 file. It is given whatever is on
// disk, so it checks everything and never panics (FuzzParseKeyFile).
func parseKeyFile(b []byte) (*keyFile, error) {
	if len(b) != keyFileSize || !bytes.HasPrefix(b, []byte(keyMagic)) {
		return nil, fmt.Errorf("%s is not a Courtwatch key file (%d bytes): %w; nothing in the vault can be read without it. Restore it from a copy of the folder; if the vault was being wiped, run 'courtwatch wipe' again to finish", wrappedFile, len(b), ErrKeyDamaged)
	}
	if !bytes.Equal(b[25:32], make([]byte, 7)) {
		return nil, fmt.Errorf("%s has a damaged header: %w", wrappedFile, ErrKeyDamaged)
	}
	kf := &keyFile{kdf: KDFParams{
		Algorithm: "argon2id",
		Time:      binary.BigEndian.Uint32(b[16:]),
		MemoryKiB: binary.BigEndian.Uint32(b[20:]),
		Threads:   b[24],
		Salt:      bytes.Clone(b[32:64]),
	}}
	if err := kf.kdf.validate(wrappedFile); err != nil {
		return nil, fmt.Errorf("%w: %w", err, ErrKeyDamaged)
	}
	for i := range kf.slots {
		copy(kf.slots[i][:], b[keyHeaderSize+i*slotSize:])
	}
	return kf, nil
}

func (kf *keyFile) header() []byte {
	h := make([]byte, keyHeaderSize)
	copy(h, keyMagic)
	binary.BigEndian.PutUint32(h[16:], kf.kdf.Time)
	binary.BigEndian.PutUint32(h[20:], kf.kdf.MemoryKiB)
	h[24] = kf.kdf.Threads
	copy(h[32:], kf.kdf.Salt)
	return h
}

func (kf *keyFile) marshal() []byte {
	b := kf.header()
	for i := range kf.slots {
		b = append(b, kf.slots[i][:]...)
	}
	return b
}

func (kf *keyFile) slotAD(i int) []byte { return append(kf.header(), byte(i)) }

// seal puts a payload of role and dataKey into slot i under kek.
func (kf *keyFile) seal(i int, kek []byte, role byte, dataKey []byte) error {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return err
	}
	payload := make([]byte, slotPayload)
	defer wipe(payload)
	payload[0] = role
	copy(payload[slotPayload-dataKeySize:], dataKey)
	nonce := kf.slots[i][:aead.NonceSize()]
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	aead.Seal(kf.slots[i][aead.NonceSize():aead.NonceSize()], nonce, payload, kf.slotAD(i))
	return nil
}

// randomize makes slot i unused: random bytes.
func (kf *keyFile) randomize(i int) error {
	_, err := rand.Read(kf.slots[i][:])
	return err
}

// open tries kek against every slot (all of them, so the time does not
// depend on which one opens) and returns the slot that opened, its role and
// its data key, or ErrWrongPassphrase.
func (kf *keyFile) open(kek []byte) (slot int, role byte, dataKey []byte, err error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return 0, 0, nil, err
	}
	slot = -1
	for i := range kf.slots {
		s := kf.slots[i][:]
		payload, err := aead.Open(nil, s[:aead.NonceSize()], s[aead.NonceSize():], kf.slotAD(i))
		if err != nil || slot >= 0 {
			wipe(payload)
			continue
		}
		if payload[0] != roleVault && payload[0] != roleDuress {
			wipe(payload)
			continue
		}
		slot, role, dataKey = i, payload[0], bytes.Clone(payload[slotPayload-dataKeySize:])
		wipe(payload)
	}
	if slot < 0 {
		return 0, 0, nil, ErrWrongPassphrase
	}
	return slot, role, dataKey, nil
}

// legacyAD is the associated data of a courtwatch-vault/1 wrapped key.
func legacyAD(p KDFParams) []byte {
	return append([]byte(formatV1+" data key\x00"), p.Salt...)
}

// openLegacy unwraps a courtwatch-vault/1 key.
func (kf *keyFile) openLegacy(kek []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	key, err := aead.Open(nil, kf.legacy[:aead.NonceSize()], kf.legacy[aead.NonceSize():], legacyAD(kf.kdf))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return key, nil
}

// unlockKey derives the KEK from passphrase and opens the key file with
// it. For a legacy key file the data key comes back in slot -1 with role
// roleVault. The caller wipes kek and dataKey.
func (kf *keyFile) unlockKey(passphrase []byte) (kek []byte, slot int, role byte, dataKey []byte, err error) {
	kek = kf.kdf.deriveKEK(passphrase)
	if kf.legacy != nil {
		dataKey, err = kf.openLegacy(kek)
		return kek, -1, roleVault, dataKey, err
	}
	slot, role, dataKey, err = kf.open(kek)
	return kek, slot, role, dataKey, err
}

// upgrade turns a legacy key file into the current format, keeping its
// salt and parameters, so the KEK already derived stays valid: the data
// key goes into a random slot and the others are random.
func (kf *keyFile) upgrade(kek, dataKey []byte) (int, error) {
	kf.legacy = nil
	kf.kdf.Algorithm = "argon2id"
	var r [1]byte
	if _, err := rand.Read(r[:]); err != nil {
		return 0, err
	}
	slot := int(r[0]) % keySlots
	for i := range kf.slots {
		if err := kf.randomize(i); err != nil {
			return 0, err
		}
	}
	return slot, kf.seal(slot, kek, roleVault, dataKey)
}

// readKeyFile reads the vault's key file, and for a courtwatch-vault/1
// folder its salt from vault.json. It tells a folder without a vault
// (ErrNoVault) from one that lost its key file or, for an old vault, the
// vault.json that holds its salt (ErrVaultIncomplete).
func readKeyFile(dir string) (*keyFile, error) {
	b, err := readSmall(filepath.Join(dir, wrappedFile))
	if errors.Is(err, fs.ErrNotExist) {
		found := vaultParts(dir)
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: %w (create one with 'courtwatch init')", dir, ErrNoVault)
		}
		return nil, fmt.Errorf("%s holds %s of a vault, but its key file %s is missing: %w; without it nothing in the vault can be read. Restore %s from a copy of the folder; if you wiped this vault, run 'courtwatch wipe' again to remove the rest. Do not run init here",
			dir, joinNames(found), wrappedFile, ErrVaultIncomplete, wrappedFile)
	}
	if err != nil {
		return nil, fmt.Errorf("read vault key: %w", err)
	}
	if len(b) == legacyKeySize {
		h, err := readLegacyHeader(dir)
		if err != nil {
			return nil, err
		}
		return &keyFile{kdf: h.KDF, legacy: b}, nil
	}
	return parseKeyFile(b)
}

// readLegacyHeader reads the vault.json of a courtwatch-vault/1 folder,
// the only place its salt is kept.
func readLegacyHeader(dir string) (header, error) {
	var h header
	path := filepath.Join(dir, headerFile)
	b, err := readSmall(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, fmt.Errorf("%s holds a vault made by an older Courtwatch whose %s, which holds the salt of its key, is missing: %w. Restore %s from a copy of the folder (newer vaults do not need it). Do not run init here",
			dir, headerFile, ErrVaultIncomplete, headerFile)
	}
	if err != nil {
		return h, fmt.Errorf("read vault header: %w", err)
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("vault header %s is damaged (%s); restore it from a copy of the folder", path, jsonProblem(err))
	}
	if h.Format != formatV1 {
		return h, fmt.Errorf("%s says format %q but %s is in the format of %q: %w", path, h.Format, wrappedFile, formatV1, ErrKeyDamaged)
	}
	return h, h.KDF.validate(headerFile)
}

// jsonProblem says what is wrong with a JSON document without quoting the
// decoder's own text.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("not valid JSON at byte %d", se.Offset)
	}
	return "a field has the wrong type"
}

// mirrorHeader is vault.json for a current-format key file.
func mirrorHeader(kf *keyFile) ([]byte, error) {
	p := kf.kdf
	p.Salt = nil
	return jsonIndent(header{Format: formatVersion, KDF: p})
}

// writeKeyFiles writes the key file, then the vault.json that mirrors it,
// each atomically. The key file goes first: once it is written the vault
// opens whatever vault.json holds.
func writeKeyFiles(dir string, kf *keyFile) error {
	if err := writeFileAtomic(filepath.Join(dir, wrappedFile), kf.marshal(), 0o600); err != nil {
		return fmt.Errorf("write vault key: %w", err)
	}
	return writeMirror(dir, kf)
}

// writeMirror rewrites vault.json if it does not mirror kf already.
func writeMirror(dir string, kf *keyFile) error {
	hb, err := mirrorHeader(kf)
	if err != nil {
		return err
	}
	if old, err := readSmall(filepath.Join(dir, headerFile)); err == nil && bytes.Equal(old, hb) {
		return nil
	}
	if err := writeFileAtomic(filepath.Join(dir, headerFile), hb, 0o600); err != nil {
		return fmt.Errorf("write vault header: %w", err)
	}
	return nil
}

// readSmall reads one of the vault's small files, but at most 64 KiB of
// it: a key file, vault.json or lockout file that is bigger is damaged (or
// hostile) and must not take the memory.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10))
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, fsyncs it, renames it into place and fsyncs the folder, so that a
// crash leaves either the old or the new file, never a torn one. Every
// write of the vault's own small files goes through here.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	return safefile.WriteFile(path, data, perm)
}

// syncDir makes a folder's entries durable where the system can (not on
// Windows, where safefile's renames are write-through instead).
func syncDir(dir string) error { return safefile.SyncDir(dir) }

// wipe overwrites b with zeros. Go may have copied the bytes elsewhere; this
// is the best the language allows.
func wipe(b []byte) {
	clear(b)
}

// Exists reports whether dir holds a vault, or the key file or vault.json
// of one, without asking for its passphrase.
func Exists(dir string) bool {
	for _, name := range []string{wrappedFile, headerFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}
