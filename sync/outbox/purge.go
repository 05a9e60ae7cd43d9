package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// SetPurgeAfterReceipt sets, for one case, whether local records may be
// deleted once HQ's verified receipt covers every version of them. It is
// off unless set.
//
// The vault has no operation yet that removes records physically (a
// tombstone keeps the history, so it would not help): PurgeCandidates lists
// what such an operation may remove, and nothing is deleted until storage
// provides it.
func SetPurgeAfterReceipt(v *storage.Vault, caseID uuid.UUID, on bool) error {
	return v.Update(func(tx *storage.Tx) error {
		if !on {
			return tx.DeleteAux(keyPurgePrefix + caseID.String())
		}
		return tx.SetAux(keyPurgePrefix+caseID.String(), []byte("true"))
	})
}

// PurgeAfterReceipt reports the setting for a case.
func PurgeAfterReceipt(v *storage.Vault, caseID uuid.UUID) (bool, error) {
	var on bool
	err := v.View(func(tx *storage.Tx) error {
		_, err := tx.Aux(keyPurgePrefix + caseID.String())
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		on = err == nil
		return err
	})
	return on, err
}

// PurgeCandidate is a record that HQ provably holds in full.
type PurgeCandidate struct {
	Case uuid.UUID
	ID   uuid.UUID
	Type string
}

// purgeable are the observation records a purge may remove. Cases,
// hearings, persons and rosters stay, so that the monitor can go on
// working on the case.
var purgeable = map[string]bool{
	storage.KindNote: true, storage.KindEvent: true, storage.KindAttendance: true,
	storage.KindChecklistAnswer: true, storage.KindAttachment: true,
}

// PurgeCandidates lists the observation records of cases with
// SetPurgeAfterReceipt on whose every version this device wrote and a
// verified HQ receipt covers. Records that another device also changed, or
// with a version not yet confirmed by HQ, are not listed.
func PurgeCandidates(v *storage.Vault) ([]PurgeCandidate, error) {
	cases := map[uuid.UUID]bool{}
	err := v.View(func(tx *storage.Tx) error {
		return tx.ScanAux(keyPurgePrefix, func(key string, _ []byte) error {
			if id, err := uuid.Parse(key[len(keyPurgePrefix):]); err == nil {
				cases[id] = true
			}
			return nil
		})
	})
	if err != nil || len(cases) == 0 {
		return nil, err
	}
	all, err := Entries(v)
	if err != nil {
		return nil, err
	}
	var covered [][2]uint64
	ids := map[uuid.UUID]bool{}
	for _, e := range all {
		if e.State != ReceiptVerified {
			continue
		}
		covered = append(covered, [2]uint64{e.ChainFirst, e.ChainLast})
		err := v.ChainSince(e.ChainFirst-1, func(ver *storage.Version) error {
			if ver.Seq > e.ChainLast {
				return errFull
			}
			if purgeable[ver.Type] {
				ids[ver.ID] = true
			}
			return nil
		})
		if err != nil && !errors.Is(err, errFull) {
			return nil, err
		}
	}
	isCovered := func(seq uint64) bool {
		for _, r := range covered {
			if seq >= r[0] && seq <= r[1] {
				return true
			}
		}
		return false
	}
	dev := v.Device().ID
	var out []PurgeCandidate
	err = v.View(func(tx *storage.Tx) error {
		hearingCase := map[uuid.UUID]uuid.UUID{}
		for id := range ids {
			hist, err := tx.History(id)
			if err != nil {
				return err
			}
			ok := true
			for _, h := range hist {
				ok = ok && h.Device == dev && isCovered(h.Seq)
			}
			if !ok {
				continue
			}
			c, err := caseOf(tx, hist, hearingCase)
			if err != nil {
				return err
			}
			if cases[c] {
				out = append(out, PurgeCandidate{Case: c, ID: id, Type: hist[0].Type})
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b PurgeCandidate) int {
		if d := slices.Compare(a.Case[:], b.Case[:]); d != 0 {
			return d
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	return out, err
}

// caseOf finds the case of an observation record from its versions (a
// tombstone has no data): its own case field, or its hearing's case.
func caseOf(tx *storage.Tx, hist []*storage.Version, hearingCase map[uuid.UUID]uuid.UUID) (uuid.UUID, error) {
	var ref struct {
		Case    uuid.UUID `json:"case"`
		Hearing uuid.UUID `json:"hearing"`
	}
	for _, ver := range hist {
		if len(ver.Data) > 0 {
			json.Unmarshal(ver.Data, &ref)
		}
	}
	if ref.Case != uuid.Nil || ref.Hearing == uuid.Nil {
		return ref.Case, nil
	}
	if c, ok := hearingCase[ref.Hearing]; ok {
		return c, nil
	}
	hist, err := tx.History(ref.Hearing)
	if errors.Is(err, storage.ErrNotFound) {
		return uuid.Nil, nil
	}
	if err != nil {
		return uuid.Nil, err
	}
	var h struct {
		Case uuid.UUID `json:"case"`
	}
	for _, hv := range hist {
		if len(hv.Data) > 0 {
			json.Unmarshal(hv.Data, &h)
		}
	}
	hearingCase[ref.Hearing] = h.Case
	return h.Case, nil
}

// Purge deletes, for good, the records PurgeCandidates lists: their
// content leaves the vault and only their hashes stay in the device chain
// (see storage.Tx.Purge), then the vault is compacted so the ciphertext is
// rewritten away. It returns how many records were removed. With the
// setting off for every case it does nothing.
func Purge(v *storage.Vault) (int, error) {
	cands, err := PurgeCandidates(v)
	if err != nil || len(cands) == 0 {
		return 0, err
	}
	const batch = 500 // keep each transaction well inside Badger's limit
	for i := 0; i < len(cands); i += batch {
		part := cands[i:min(i+batch, len(cands))]
		if err := v.Update(func(tx *storage.Tx) error {
			for _, c := range part {
				if err := tx.Purge(c.ID); err != nil {
					return fmt.Errorf("purge %s %s: %w", c.Type, c.ID, err)
				}
			}
			return nil
		}); err != nil {
			return i, err
		}
	}
	return len(cands), v.Compact()
}
