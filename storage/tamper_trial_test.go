package storage

// One file-flip trial: open the damaged vault and read everything back.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"

	"github.com/google/uuid"
)

// tamperTrialRun opens the vault in work and reads everything, comparing it
// with exp. A panic is recovered and reported with its stack.
func tamperTrialRun(work string, exp *tamperExpect) (o tamperOutcome) {
	o.Out = outNoEffect
	defer func() {
		if p := recover(); p != nil {
			o = tamperOutcome{Out: outPanic, Detail: tamperPanicSummary(fmt.Sprintf("panic: %v\n%s", p, debug.Stack()))}
		}
	}()
	v, err := Open(work, testPass)
	if err != nil {
		o.fromErr("open", err)
		return o
	}
	defer func() {
		if err := v.Close(); err != nil {
			o.fromErr("close", err)
		}
	}()
	// Records lost without a read error are still not lost silently when
	// Open reported them from the sealed chain head (chainhead.go).
	if lost := v.Lost(); len(lost) > 0 {
		defer func() {
			if o.Out == outLost {
				o = tamperOutcome{Out: outReported, Detail: lost[0].String() + "; " + o.Detail}
			}
		}()
	}
	known := map[uuid.UUID]*tamperRecord{}
	for i := range exp.Records {
		known[exp.Records[i].ID] = &exp.Records[i]
	}
	// stored reports whether raw is one of the versions stored for id.
	stored := func(id uuid.UUID, raw []byte) bool {
		r := known[id]
		return r != nil && slices.ContainsFunc(r.Raws, func(b []byte) bool { return bytes.Equal(b, raw) })
	}
	for _, r := range exp.Records {
		hist, err := v.History(r.ID)
		if err != nil {
			o.fromErr("history", err)
		} else {
			// Each version read must be one that was stored, in order.
			j := 0
			for _, ver := range hist {
				for j < len(r.Raws) && !bytes.Equal(ver.Raw, r.Raws[j]) {
					j++
				}
				if j == len(r.Raws) {
					o.worse(outWrong, fmt.Sprintf("history of %s holds a version never stored: %q", r.ID, ver.Raw))
					break
				}
				j++
			}
			if len(hist) < len(r.Raws) {
				o.worse(outLost, fmt.Sprintf("history of %s has %d versions, want %d", r.ID, len(hist), len(r.Raws)))
			}
		}
		var cur *Version
		err = v.View(func(tx *Tx) (err error) { cur, err = tx.Current(r.ID); return err })
		switch {
		case err != nil && r.Deleted && errors.Is(err, ErrNotFound):
		case err != nil:
			o.fromErr("current", err)
		case !r.Deleted && bytes.Equal(cur.Raw, r.Raws[len(r.Raws)-1]):
		case stored(r.ID, cur.Raw):
			o.worse(outLost, fmt.Sprintf("current version of %s is an older one", r.ID))
		default:
			o.worse(outWrong, fmt.Sprintf("current version of %s was never stored: %q", r.ID, cur.Raw))
		}
	}
	for _, sha := range exp.Attach {
		b, err := v.AttachmentContent(sha)
		if err != nil {
			o.fromErr("attachment", err)
			continue
		}
		if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != sha {
			o.worse(outWrong, "attachment "+sha+" differs")
		}
	}
	n, err := v.VerifyChain(exp.Device)
	switch {
	case err != nil:
		o.fromErr("verify chain", err)
	case n > exp.ChainLen:
		o.worse(outWrong, fmt.Sprintf("chain has %d versions, want %d", n, exp.ChainLen))
	case n < exp.ChainLen:
		o.worse(outLost, fmt.Sprintf("chain verifies with %d versions, want %d", n, exp.ChainLen))
	}
	hits, err := v.Search(exp.Word, 1000)
	if err != nil {
		o.fromErr("search", err)
		return o
	}
	var got []uuid.UUID
	for _, h := range hits {
		got = append(got, h.ID)
		if slices.Contains(exp.WordHits, h.ID) {
			continue
		}
		var cur *Version
		err := v.View(func(tx *Tx) (err error) { cur, err = tx.Current(h.ID); return err })
		if err == nil && stored(h.ID, cur.Raw) {
			o.worse(outLost, fmt.Sprintf("search finds %s through a version since replaced", h.ID))
		} else {
			o.worse(outWrong, fmt.Sprintf("search finds %s, which never had the word", h.ID))
		}
	}
	for _, id := range exp.WordHits {
		if !slices.Contains(got, id) {
			o.worse(outLost, fmt.Sprintf("search no longer finds %s", id))
		}
	}
	return o
}
