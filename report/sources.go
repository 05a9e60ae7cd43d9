package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// editedEntry is a log entry shown in a version after the first.
type editedEntry struct {
	hd   *hearingData
	kind string
	meta *storage.Meta
	when time.Time
}

// earlierVersions writes the appendix of edited entries: every earlier
// version's text, when it was saved and its hash, so that an edit is
// never invisible.
func (r *rep) earlierVersions() error {
	if len(r.edited) == 0 {
		return nil
	}
	r.b.heading(2, "Earlier versions")
	r.b.muted(r.T("Entries of this report that were edited after they were first written, with every earlier text. The report shows the newest version; a record's versions are chained by hash, so none can be changed unnoticed."))
	t := &Table{Columns: r.t.cols("Entry", "Version", "Saved", "Text", "SHA-256"), Widths: []float64{1.8, 0.7, 1.5, 4, 2.2}}
	seen := map[uuid.UUID]bool{}
	for _, e := range r.edited {
		if seen[e.meta.ID] {
			continue
		}
		seen[e.meta.ID] = true
		hist, err := r.tx.History(e.meta.ID)
		if err != nil {
			return err
		}
		entry := r.T("%s of %s, %s", r.T(e.kind), r.t.day(e.hd.Zone.in(e.hd.Scheduled)), e.hd.Zone.in(e.when).Format("15:04"))
		for _, ver := range hist {
			if ver.Version >= e.meta.Version {
				break
			}
			text := r.T("(deleted)")
			if !ver.Deleted {
				var f struct {
					Text    string `json:"text"`
					Comment string `json:"comment"`
				}
				if err := json.Unmarshal(ver.Data, &f); err != nil {
					return fmt.Errorf("%s %s version %d does not decode: %w", e.kind, e.meta.ID, ver.Version, err)
				}
				text = f.Text + f.Comment
			}
			t.Rows = append(t.Rows, []Cell{{Text: entry}, {Text: strconv.FormatUint(ver.Version, 10)},
				{Text: r.t.stamp(e.hd.Zone.in(storage.HLCTime(ver.HLC)))}, {Text: text}, {Text: ver.Hash, Mark: MarkMuted}})
		}
	}
	r.b.table(t)
	return nil
}

// sourcesAppendix lists every record the report rests on, with the hash of
// the version it shows, for "courtwatch report check" and for any reader
// with access to the vault.
func (r *rep) sourcesAppendix(ss []Source) {
	r.b.heading(2, "Records this report rests on")
	r.b.muted(r.T("The %s this report shows or counts, each with the version shown and its sha256 hash. \"courtwatch report check FILE\" checks them against a vault; \"courtwatch history --hash HASH\" finds one.", r.N(len(ss), "record", "records")))
	t := &Table{Columns: r.t.cols("Kind", "Record id", "Version", "SHA-256"), Widths: []float64{1.45, 3.1, 0.75, 5.6}, Small: true}
	for _, s := range ss {
		v := strconv.FormatUint(s.Version, 10)
		if s.Purged {
			v += r.T(" (removed here)")
		}
		t.Rows = append(t.Rows, []Cell{{Text: s.Kind}, {Text: s.ID.String()}, {Text: v}, {Text: s.Hash, Mark: MarkMuted}})
	}
	r.b.table(t)
}
