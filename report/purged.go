package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/outbox"

	"github.com/google/uuid"
)

// Records that "case purge" removed from this device after HQ confirmed
// receiving them are not "not recorded": the report counts them, says when
// they were removed and in which bundles they reached HQ, and points to
// HQ's report for their content. storage.Tx.Purge keeps what this needs.

// purgedOf counts a hearing's removed records of one kind.
func purgedOf(hd *hearingData, kind string) int {
	n := 0
	for _, p := range hd.Purged {
		if p.Type == kind {
			n++
		}
	}
	return n
}

// purgedPersons returns the persons whose attendance at the hearing was
// removed after delivery.
func purgedPersons(hd *hearingData) map[uuid.UUID]bool {
	out := map[uuid.UUID]bool{}
	for _, p := range hd.Purged {
		if p.Type == storage.KindAttendance && p.Person != uuid.Nil {
			out[p.Person] = true
		}
	}
	return out
}

// purgedKinds names the kinds of removed records, in the order reports
// list them.
var purgedKinds = []struct{ kind, one, many string }{
	{storage.KindNote, "note", "notes"},
	{storage.KindEvent, "event", "events"},
	{storage.KindAttendance, "attendance record", "attendance records"},
	{storage.KindChecklistAnswer, "checklist answer", "checklist answers"},
	{storage.KindAttachment, "attachment", "attachments"},
}

// purgedSummary says what of hds was delivered to HQ and removed from
// this device: how much of each kind, when, and in which bundles. It is
// empty when nothing was removed.
func (r *rep) purgedSummary(hds ...*hearingData) string {
	return r.purgedSummaryOf(func(*storage.PurgedRecord) bool { return true }, hds...)
}

// purgedSummaryOf is purgedSummary of the removed records that keep
// selects.
func (r *rep) purgedSummaryOf(keep func(*storage.PurgedRecord) bool, hds ...*hearingData) string {
	count := map[string]int{}
	var first, last time.Time
	bundles := map[uint64]outbox.Entry{}
	unknown := 0
	for _, hd := range hds {
		for _, p := range hd.Purged {
			if !keep(p) {
				continue
			}
			r.citePurged(p)
			count[p.Type]++
			if first.IsZero() || p.Purged.Before(first) {
				first = p.Purged
			}
			if p.Purged.After(last) {
				last = p.Purged
			}
			for _, v := range p.Versions {
				if e, ok := r.bundleOf(v); ok {
					bundles[e.Seq] = e
				} else {
					unknown++
				}
			}
		}
	}
	if len(count) == 0 {
		return ""
	}
	var parts []string
	for _, k := range purgedKinds {
		if count[k.kind] > 0 {
			parts = append(parts, r.N(count[k.kind], k.one, k.many))
			delete(count, k.kind)
		}
	}
	var other []string // kinds a later Courtwatch may purge
	for k, n := range count {
		other = append(other, fmt.Sprintf("%d %s", n, strings.ReplaceAll(k, "_", " ")))
	}
	slices.Sort(other)
	parts = append(parts, other...)
	s := r.T("Delivered to HQ and removed from this device: %s", strings.Join(parts, ", "))
	if day := first.UTC().Format("2006-01-02"); day == last.UTC().Format("2006-01-02") {
		s += r.T(", removed on %s (UTC)", day)
	} else {
		s += r.T(", removed between %s and %s (UTC)", day, last.UTC().Format("2006-01-02"))
	}
	if len(bundles) > 0 {
		seqs := make([]uint64, 0, len(bundles))
		for seq := range bundles {
			seqs = append(seqs, seq)
		}
		slices.Sort(seqs)
		var bs []string
		for _, seq := range seqs {
			e := bundles[seq]
			b := r.T("bundle %d (sha256 %s…", seq, short(e.Hash))
			if !e.Received.IsZero() {
				b += r.T(", receipt from HQ of %s", utc(e.Received))
			}
			bs = append(bs, b+")")
		}
		s += r.T("; they reached HQ in %s", strings.Join(bs, ", "))
	}
	if unknown > 0 {
		if r.t.km {
			s += r.T("; %d versions not found in this device's outbox", unknown)
		} else {
			s += fmt.Sprintf("; %s not found in this device's outbox", plural(unknown, "version was", "versions were"))
		}
	}
	return s + r.T(". Their content is in HQ's reports; only their hashes remain here, in this device's chain of custody and under \"Records this report rests on\".")
}

// purgedBlock writes the purged summary of one hearing, if any.
func (r *rep) purgedBlock(hd *hearingData) {
	if s := r.purgedSummary(hd); s != "" {
		r.b.para(s)
	}
}

// bundleOf finds the bundle that carried a version to HQ, among the bundles
// whose receipt this device verified.
func (r *rep) bundleOf(v storage.PurgedVersion) (outbox.Entry, bool) {
	for _, e := range r.bundles {
		if e.Device == v.Device.String() && v.Seq >= e.ChainFirst && v.Seq <= e.ChainLast {
			return e, e.State == outbox.ReceiptVerified
		}
	}
	return outbox.Entry{}, false
}

func short(hash string) string {
	if len(hash) > 16 {
		return hash[:16]
	}
	return hash
}

// loadBundles reads the outbox, which says which bundle carried which
// versions to HQ.
func loadBundles(v *storage.Vault) ([]outbox.Entry, error) { return outbox.Entries(v) }
