package storage

// The vault the file-flip trials damage, and one trial: open the damaged
// vault and read everything back.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

// tamperBuild builds the vault the trials damage, snapshots it "open" and
// "closed" under base, and returns what it holds.
func tamperBuild(t *testing.T, base string) (snaps map[string]string, exp tamperExpect) {
	t.Helper()
	v, dir := newTestVault(t)
	c, h := seedHearing(t, v)
	const word = "tamperword"
	var notes []*Note
	addNotes := func(n int, tag string) {
		var batch []Record
		for i := range n {
			text := fmt.Sprintf("%s note %d: the judge asked លោកសមរង្ស៊ី about article %d.", tag, i, 400+i)
			if i%3 == 0 {
				text += " " + word
			}
			nt := &Note{HearingID: h.ID, Time: h.Scheduled.Add(time.Duration(len(notes)+i) * time.Minute), Text: text}
			batch = append(batch, nt)
		}
		mustPut(t, v, batch...)
		for _, r := range batch {
			notes = append(notes, r.(*Note))
		}
	}
	addNotes(20, "first")
	persons := []*Person{
		{Name: "Kem Sokha", NameLocal: "កឹម សុខា"},
		{Name: "Sam Rainsy", NameLocal: "សម រង្ស៊ី", Aliases: []string{"Rainsy"}},
	}
	mustPut(t, v, persons[0], persons[1])
	// Attachment chunks of 1 MiB are over Badger's value threshold, so they
	// go to the value log; everything else stays in the LSM tree.
	att1 := &Attachment{CaseID: c.ID, Name: "indictment.pdf"}
	if err := v.AddAttachment(att1, bytes.NewReader(tamperContent(1, chunkSize+chunkSize/5))); err != nil {
		t.Fatal(err)
	}
	v.Close()

	v, err := Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	addNotes(10, "second")
	for _, n := range notes[:5] {
		n.Text += " (edited) " + word
		mustPut(t, v, n)
	}
	for _, n := range notes[5:7] {
		if err := v.Update(func(tx *Tx) error { return tx.Delete(n.ID) }); err != nil {
			t.Fatal(err)
		}
	}
	att2 := &Attachment{HearingID: h.ID, Name: "photo.jpg"}
	if err := v.AddAttachment(att2, bytes.NewReader(tamperContent(2, chunkSize+chunkSize/10))); err != nil {
		t.Fatal(err)
	}

	// What the vault holds, read from the pristine vault.
	exp = tamperExpect{Device: v.deviceID(), Attach: []string{att1.SHA256, att2.SHA256}, Word: word}
	exp.ChainLen, _ = v.Head()
	ids := []uuid.UUID{c.ID, h.ID, persons[0].ID, persons[1].ID, att1.ID, att2.ID}
	for _, n := range notes {
		ids = append(ids, n.ID)
	}
	for _, id := range ids {
		hist, err := v.History(id)
		if err != nil {
			t.Fatal(err)
		}
		r := tamperRecord{ID: id, Deleted: hist[len(hist)-1].Deleted}
		for _, ver := range hist {
			r.Raws = append(r.Raws, ver.Raw)
		}
		exp.Records = append(exp.Records, r)
	}
	hits, err := v.Search(word, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, hit := range hits {
		exp.WordHits = append(exp.WordHits, hit.ID)
	}
	if len(exp.WordHits) < 10 {
		t.Fatalf("only %d hits for %q before tampering", len(exp.WordHits), word)
	}

	snaps = map[string]string{"open": filepath.Join(base, "snap-open"), "closed": filepath.Join(base, "snap-closed")}
	tamperCopyDir(t, dir, snaps["open"])
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	tamperCopyDir(t, dir, snaps["closed"])
	return snaps, exp
}

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
