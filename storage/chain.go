package storage

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"
)

// chainHead is the newest link of this device's hash chain.
type chainHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash,omitempty"`
}

type storedDevice struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Seed []byte    `json:"seed"`
}

func (v *Vault) deviceID() uuid.UUID { return v.device.ID }

func (v *Vault) createDevice(name string) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	sd := storedDevice{ID: id, Name: name, Seed: priv.Seed()}
	err = v.db.Update(func(txn *badger.Txn) error {
		s, err := v.seal(keyDevice, mustJSON(sd))
		if err != nil {
			return err
		}
		return txn.Set(keyDevice, s)
	})
	if err != nil {
		return fmt.Errorf("create device identity: %w", classify(err))
	}
	v.setDevice(sd)
	return nil
}

func (v *Vault) setDevice(sd storedDevice) {
	v.key = ed25519.NewKeyFromSeed(sd.Seed)
	wipe(sd.Seed)
	v.device = Device{ID: sd.ID, Name: sd.Name, PublicKey: v.key.Public().(ed25519.PublicKey)}
}

func (v *Vault) loadDevice(txn *badger.Txn) error {
	tx := &Tx{v: v, txn: txn, rd: txn}
	b, err := tx.getSealed(keyDevice)
	if err != nil {
		return err
	}
	var sd storedDevice
	if err := json.Unmarshal(b, &sd); err != nil || len(sd.Seed) != ed25519.SeedSize {
		return fmt.Errorf("device identity does not decode: %w", ErrTampered)
	}
	v.setDevice(sd)
	return nil
}

func (v *Vault) loadHead(txn *badger.Txn) (chainHead, error) {
	tx := &Tx{v: v, txn: txn, rd: txn}
	var h chainHead
	b, err := tx.getSealed(keyHead)
	if errors.Is(err, ErrNotFound) {
		return h, nil
	}
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, fmt.Errorf("chain head does not decode: %w", ErrTampered)
	}
	return h, nil
}

// ChainBreak describes where a device's hash chain fails to link.
type ChainBreak struct {
	Device uuid.UUID
	Seq    uint64
	Reason string
}

func (b *ChainBreak) Error() string {
	return fmt.Sprintf("hash chain of device %s breaks at version %d: %s", b.Device, b.Seq, b.Reason)
}

func (b *ChainBreak) Unwrap() error { return ErrTampered }

// VerifyChain walks every version that device wrote, in order, and checks
// that the sequence is gapless and that each version names the hash of the
// one before. It returns the number of versions checked, or a *ChainBreak
// (which matches ErrTampered).
func (v *Vault) VerifyChain(device uuid.UUID) (n uint64, err error) {
	err = v.View(func(tx *Tx) error {
		var prevHash string
		err := tx.chain(device, 1, func(ver *Version) error {
			n++
			if ver.Seq != n {
				return &ChainBreak{device, n, fmt.Sprintf("version %d is missing", n)}
			}
			if ver.Chain != prevHash {
				return &ChainBreak{device, n, "it does not name the hash of the version before it"}
			}
			prevHash = ver.Hash
			return nil
		})
		if err != nil || device != v.deviceID() {
			return err
		}
		// The newest version has no successor naming its hash; the chain
		// head, read in the same snapshot, does.
		head, err := v.loadHead(tx.txn)
		if err != nil {
			return err
		}
		if head.Seq != n {
			return &ChainBreak{device, n + 1, fmt.Sprintf("the chain head says %d versions but %d were found", head.Seq, n)}
		}
		if head.Hash != prevHash {
			return &ChainBreak{device, n, "its hash differs from the one the chain head recorded"}
		}
		return nil
	})
	return n, err
}

// chain calls fn with each version of device's chain from seq from on.
func (tx *Tx) chain(device uuid.UUID, from uint64, fn func(*Version) error) error {
	prefix := cat(prefixChain, device[:])
	it := tx.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Seek(chainKey(device, from)); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		val, err := item.ValueCopy(nil)
		if err != nil {
			return classify(err)
		}
		var r ref
		switch len(val) {
		case 24:
		case purgedEntrySize:
			ver, err := purgedVersion(device, item.Key()[len(prefix):], val)
			if err != nil {
				return err
			}
			if err := fn(ver); err != nil {
				return err
			}
			continue
		default:
			return fmt.Errorf("chain entry has the wrong size: %w", ErrTampered)
		}
		copy(r.ID[:], val[:16])
		r.HLC = u64be(val[16:])
		r.Device = device
		vi, err := tx.txn.Get(r.versionKey())
		if err != nil {
			if errors.Is(err, badger.ErrKeyNotFound) {
				seq := u64be(item.Key()[len(prefix):])
				return &ChainBreak{device, seq, "the version it names is missing"}
			}
			return classify(err)
		}
		ver, err := tx.versionFromItem(vi)
		if err != nil {
			return err
		}
		if err := fn(ver); err != nil {
			return err
		}
	}
	return nil
}

// ChainSince calls fn with every version this device wrote after sequence
// number seq, in chain order. Export uses it: its cost grows with what
// changed, not with the vault.
func (v *Vault) ChainSince(seq uint64, fn func(*Version) error) error {
	return v.View(func(tx *Tx) error { return tx.chain(v.deviceID(), seq+1, fn) })
}

// Head returns this device's chain position: how many versions it has
// written and the hash of the newest.
func (v *Vault) Head() (seq uint64, hash string) {
	v.wmu.Lock()
	defer v.wmu.Unlock()
	return v.head.Seq, v.head.Hash
}
