package outbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
)

// Bundle budget: Seal adds no record that would bring a bundle over this
// much (records and attachments, before compression), so that a bundle
// stays below wire.MaxUpload, which every receiver accepts, and the vault
// transaction that stores it stays small. The rest goes into the next
// bundle. The first record always goes in, so one attachment of
// storage.MaxAttachmentSize still makes a bundle.
var (
	maxBundleInput       = 64 << 20
	maxBundleAttachments = 5000
)

// sealMu serialises sealing in this process; the cursor check in Seal's
// transaction catches anything else.
var sealMu sync.Mutex

var errFull = errors.New("bundle full")

// Seal seals the versions this device wrote since the last bundle, and the
// content of the attachments they add, into the next bundle: encrypted to
// the default HQ profile's recipients, signed with the device key. The
// bundle, its outbox entry and the advanced cursor are stored in one vault
// transaction. When nothing was written since the last bundle, Seal returns
// nil and no error. A large backlog is split: call Seal (or SealAll) until
// it returns nil.
func Seal(v *storage.Vault) (*Entry, error) {
	sealMu.Lock()
	defer sealMu.Unlock()

	var cur cursor
	err := v.View(func(tx *storage.Tx) (err error) {
		cur, err = loadCursor(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	in, err := collect(v, cur)
	if err != nil || in == nil {
		return nil, err
	}
	data, sig := in.data, in.sig
	e := &Entry{
		Device: in.Device, Seq: in.Seq, Hash: bundle.Hash(data), Prev: in.Prev, Size: int64(len(data)),
		Records: in.records, Attachments: len(in.Attachments),
		ChainFirst: cur.Chain + 1, ChainLast: in.chainLast,
		Created: in.Created.UTC().Truncate(time.Second), Profile: in.profile, State: Sealed,
	}
	err = v.Update(func(tx *storage.Tx) error {
		now, err := loadCursor(tx)
		if err != nil {
			return err
		}
		if now.Seq != cur.Seq || now.Chain != cur.Chain {
			return fmt.Errorf("another export sealed bundle %d at the same time; export again", now.Seq)
		}
		if err := putBundle(tx, e, data, sig); err != nil {
			return err
		}
		if err := setJSON(tx, entryKey(e.Seq), e); err != nil {
			return err
		}
		now.Chain, now.Seq, now.Hash = e.ChainLast, e.Seq, e.Hash
		return setJSON(tx, keyCursor, now)
	})
	if err != nil {
		return nil, fmt.Errorf("export: store bundle %d: %w", e.Seq, err)
	}
	return e, nil
}

// SealAll seals bundles until everything written so far is in one, and
// returns them; none when nothing is new.
func SealAll(v *storage.Vault) ([]*Entry, error) {
	var out []*Entry
	for {
		e, err := Seal(v)
		if err != nil || e == nil {
			return out, err
		}
		out = append(out, e)
	}
}

// sealed is a bundle as collect seals it: in has its header fields and
// its attachments (Records is unused).
type sealed struct {
	bundle.Input
	records   int
	chainLast uint64
	profile   string
	data, sig []byte
}

// sealKeys are what a bundle is sealed with: the default HQ profile's
// recipients and the device's signer, in newSealer. (The outbox names no
// age type: only sync/bundle and sync/wire/hqprofile use age keys,
// internal/archtest.)
type sealKeys struct {
	profile   string
	newSealer func(bundle.Input) (*bundle.Sealer, error)
}

func loadSealKeys(v *storage.Vault) (*sealKeys, error) {
	prof, err := DefaultProfile(v)
	if err != nil {
		return nil, err
	}
	recipients, err := prof.AgeRecipients()
	if err != nil {
		return nil, err
	}
	signer, err := bundle.NewSigner(v.Device().ID.String(), v.SigningKey())
	if err != nil {
		return nil, err
	}
	return &sealKeys{prof.Name, func(in bundle.Input) (*bundle.Sealer, error) {
		return bundle.NewSealer(in, recipients, signer)
	}}, nil
}

// errSeal stops the chain walk in collect when sealing failed.
var errSeal = errors.New("seal failed")

// collect reads the next bundle's records after cur from the device chain,
// and the content of the attachments they add, and seals them; nil when
// there are none. The records go to the bundle as they are read, so that
// it checks and compresses them while the next ones are read.
func collect(v *storage.Vault, cur cursor) (*sealed, error) {
	dev := v.Device()
	in := &sealed{Input: bundle.Input{
		Device: dev.ID.String(), Monitor: dev.Name, Seq: cur.Seq + 1, Prev: cur.Hash,
		Created: time.Now(), Attachments: map[string][]byte{},
	}}
	// The keys are loaded before the chain is read, not in its
	// transaction (a View inside a View can deadlock with a Close waiting
	// between them); their error counts only when there is something to
	// seal.
	keys, keysErr := loadSealKeys(v)
	var sl *bundle.Sealer
	var sealErr error
	defer func() {
		if sl != nil {
			sl.Abort()
		}
	}()
	size := 0
	var shas []string
	var added []*storage.Version
	// The versions are read as bytes: only an attachment's are decoded,
	// for the content it adds. The bundle's chain check reads the rest.
	err := v.ChainRawSince(cur.Chain, func(c storage.ChainRaw) error {
		var a struct {
			SHA256 string `json:"sha256"`
			Size   int    `json:"size"`
		}
		var ver *storage.Version
		if mayBeAttachment(c.Raw) {
			var err error
			if ver, err = storage.ParseVersion(c.Raw); err != nil {
				return fmt.Errorf("version %d of this device does not decode: %v", c.Seq, err)
			}
		}
		attachment := ver != nil && ver.Type == storage.KindAttachment && !ver.Deleted
		if attachment {
			if err := json.Unmarshal(ver.Data, &a); err != nil {
				return fmt.Errorf("attachment %s does not decode: %v", ver.ID, err)
			}
		}
		// The attachment's content counts before it goes in, so that a
		// bundle stays below maxBundleInput plus at most one attachment
		// when it is alone (and so below wire.MaxUpload).
		if in.records > 0 && (size+len(c.Raw)+a.Size > maxBundleInput || len(shas) >= maxBundleAttachments) {
			return errFull
		}
		if sl == nil {
			if sealErr = keysErr; sealErr != nil {
				return errSeal
			}
			in.profile = keys.profile
			if sl, sealErr = keys.newSealer(in.Input); sealErr != nil {
				return errSeal
			}
		}
		if sealErr = sl.Add(c.Raw); sealErr != nil {
			return errSeal
		}
		in.records++
		in.chainLast = c.Seq
		size += len(c.Raw) + 1
		if attachment {
			shas = append(shas, a.SHA256)
			added = append(added, ver)
			size += a.Size
		}
		return nil
	})
	if errors.Is(err, errSeal) {
		return nil, fmt.Errorf("export: %w", sealErr)
	}
	if err != nil && !errors.Is(err, errFull) {
		return nil, fmt.Errorf("export: read changes: %w", err)
	}
	if in.records == 0 {
		return nil, nil
	}
	for i, sha := range shas {
		if _, ok := in.Attachments[sha]; ok {
			continue
		}
		sent, err := sentBefore(v, added[i], sha, cur.Chain)
		if err != nil || sent {
			if err != nil {
				return nil, fmt.Errorf("export: %w", err)
			}
			continue
		}
		b, err := v.AttachmentContent(sha)
		if err != nil {
			return nil, fmt.Errorf("export: attachment %s: %w", added[i].ID, err)
		}
		in.Attachments[sha] = b
	}
	in.data, in.sig, err = sl.Finish(in.Attachments)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return in, nil
}

// mayBeAttachment reports whether raw may be a version of an attachment
// record: the vault writes its versions with json.Marshal, which spells
// the type "attachment" as it is, so a version without these bytes is
// none. json.Marshal also writes a version's id first and its type second,
// once each: when raw starts that way, its type is read there, not looked
// for in the whole version (which was a tenth of reading a large export).
func mayBeAttachment(raw []byte) bool {
	const id, typ = `{"id":"`, `","type":"`
	if n := len(id) + 36; len(raw) > n+len(typ) && bytes.HasPrefix(raw, []byte(id)) &&
		bytes.IndexAny(raw[len(id):n], `"\`) < 0 && bytes.HasPrefix(raw[n:], []byte(typ)) {
		return bytes.HasPrefix(raw[n+len(typ):], []byte(storage.KindAttachment+`"`))
	}
	return bytes.Contains(raw, []byte(`"`+storage.KindAttachment+`"`))
}

// sentBefore reports whether an earlier version of ver's attachment record
// with the same content was already sealed (chain position <= sealed), so
// that editing a caption does not send a photo again.
func sentBefore(v *storage.Vault, ver *storage.Version, sha string, sealed uint64) (bool, error) {
	if ver.Prev == "" {
		return false, nil
	}
	hist, err := v.History(ver.ID)
	if err != nil {
		return false, err
	}
	for _, h := range hist {
		if h.Device != ver.Device || h.Seq > sealed || h.Deleted {
			continue
		}
		var a struct {
			SHA256 string `json:"sha256"`
		}
		if json.Unmarshal(h.Data, &a) == nil && a.SHA256 == sha {
			return true, nil
		}
	}
	return false, nil
}
