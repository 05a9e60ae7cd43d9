package report

import (
	"fmt"
	"strings"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// Doc is a report laid out as a sequence of blocks, independent of the
// output format: WriteHTML and WritePDF render the same Doc.
type Doc struct {
	Kind     string // "Hearing report", "Case report", "Defendant report"
	Title    string
	Subtitle string
	Blocks   []Block
	// Appendix follows the report in HTML and PDF: earlier versions of
	// edited entries and the records the report rests on. A preview may
	// leave it out.
	Appendix []Block
	Footer   Footer
	// Sources are the record versions the report rests on: every record it
	// shows or counts, and nothing else. The appendix lists them, and the
	// file carries them for "courtwatch report check".
	Sources   []Source
	Subject   Subject
	SubjectID uuid.UUID
	// Lang is the language the report is written in: "en" (or empty) or
	// "km".
	Lang string
}

// Language is the report's language code, "en" or "km".
func (d *Doc) Language() string { return newTr(d.Lang).lang() }

// AllBlocks returns the report's blocks followed by its appendix.
func (d *Doc) AllBlocks() []Block {
	return append(d.Blocks[:len(d.Blocks):len(d.Blocks)], d.Appendix...)
}

// Footer says where a report's content comes from.
type Footer struct {
	Generated time.Time
	Generator string   // the device that made the report: "id (name)"
	Devices   []string // devices whose records the report rests on: "id (name)"
	Latest    string   // hash of the newest record the report rests on
	LatestID  uuid.UUID
	Saved     time.Time
	Records   int    // records the report rests on
	Purged    int    // of those, removed from this device after delivery to HQ
	Lang      string // the report's language: "en" (or empty) or "km"
}

// utc prints a time of the footer: always in UTC, so that a report made on
// a laptop in another zone reads the same.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + " UTC" }

// Lines returns the footer as short lines of text.
func (f Footer) Lines() []string {
	t := newTr(f.Lang)
	devices := "device"
	if len(f.Devices) > 1 {
		devices = "devices"
	}
	out := []string{
		t.T("Generated %s by Courtwatch on device %s.", utc(f.Generated), f.Generator),
		t.T("Rests on %s written by %s %s, listed with their hashes under \"Records this report rests on\".",
			t.N(f.Records, "record", "records"), t.s(devices), strings.Join(f.Devices, ", ")),
	}
	if f.Purged > 0 {
		out = append(out, t.T("%s of them were delivered to HQ and removed from this device; only their hashes remain here.", t.N(f.Purged, "record", "records")))
	}
	if f.Latest != "" {
		who := ""
		if f.LatestID != uuid.Nil {
			who = t.T(" (record %s)", f.LatestID.String())
		}
		out = append(out, t.T("Newest record shown%s: sha256 %s, saved %s.", who, f.Latest, utc(f.Saved)))
	}
	out = append(out, t.T("Check this file against a vault with: courtwatch report check FILE (at HQ: courtwatch-hq report check FILE)."))
	return out
}

// Source is one record version a report rests on.
type Source struct {
	Kind    string    `json:"kind"`
	ID      uuid.UUID `json:"id"`
	Version uint64    `json:"version"`
	Hash    string    `json:"hash"`
	Device  uuid.UUID `json:"device"`
	// Purged marks a record removed from this device after HQ confirmed
	// receiving it: only its hash remains, in the device chain.
	Purged bool   `json:"purged,omitempty"`
	HLC    uint64 `json:"-"`
}

// Block is one element of a report; exactly one field is set.
type Block struct {
	Heading  *Heading
	Para     *Para
	Fields   []Field
	Table    *Table
	Chart    *Chart
	Timeline []Event
}

// Heading starts a section; Level 1 is the largest.
type Heading struct {
	Level int
	Text  string
}

// Para is a paragraph; Style "muted" prints it smaller and grey.
type Para struct {
	Text  string
	Style string
}

// Field is one label and value of a header.
type Field struct{ Label, Value string }

// Table is a table with a header row. Widths are relative column widths.
type Table struct {
	Columns []string
	Widths  []float64
	Rows    [][]Cell
	// Small sets the table in a smaller type, for long lists of ids and
	// hashes such as the appendix of records.
	Small bool
}

// Cell is one table cell. Text may hold line breaks. Mark colours it:
// MarkConcern, MarkMuted or MarkStrong.
type Cell struct {
	Text string
	Mark string
}

// Cell marks.
const (
	MarkConcern = "concern"
	MarkMuted   = "muted"
	MarkStrong  = "strong"
)

// Chart is a bar chart: for each row, one bar per series, each a count
// out of the series' total.
type Chart struct {
	Title  string
	Series []string // e.g. "hearings", "defendants"
	Totals []int    // per series
	Rows   []ChartRow
	t      tr // the report's language
}

// ChartRow is one labelled group of bars.
type ChartRow struct {
	Label  string
	Values []int // per series
	// Totals, per series, are what each value is out of for this row; a
	// zero total means the row's question does not apply to that series,
	// or was not answered, and Notes says which. Without Totals the
	// chart's Totals apply.
	Totals []int
	Notes  []string
}

// Total returns what value i of row is out of.
func (c *Chart) Total(row ChartRow, i int) int {
	if i < len(row.Totals) {
		return row.Totals[i]
	}
	if i < len(c.Totals) {
		return c.Totals[i]
	}
	return 0
}

// Event is one entry of a procedural timeline.
type Event struct {
	When   time.Time
	Title  string
	Detail string
	Mark   string
}

// builder accumulates a Doc's blocks.
type builder struct {
	doc *Doc
	t   tr
}

// heading adds a heading: format, translated, with a.
func (b *builder) heading(level int, format string, a ...any) {
	b.doc.Blocks = append(b.doc.Blocks, Block{Heading: &Heading{Level: level, Text: b.t.T(format, a...)}})
}

func (b *builder) para(text string) {
	b.doc.Blocks = append(b.doc.Blocks, Block{Para: &Para{Text: text}})
}

func (b *builder) muted(text string) {
	b.doc.Blocks = append(b.doc.Blocks, Block{Para: &Para{Text: text, Style: MarkMuted}})
}

func (b *builder) fields(fs ...Field) {
	var keep []Field
	for _, f := range fs {
		if strings.TrimSpace(f.Value) != "" {
			keep = append(keep, f)
		}
	}
	b.doc.Blocks = append(b.doc.Blocks, Block{Fields: keep})
}

func (b *builder) table(t *Table) {
	if len(t.Rows) > 0 {
		b.doc.Blocks = append(b.doc.Blocks, Block{Table: t})
	}
}

// footer fills in the Doc's footer from the records the report cites.
func (l *loader) footer(v *storage.Vault, opt Options) Footer {
	f := Footer{Generated: opt.now()}
	devices := map[uuid.UUID]int{}
	var latest Source
	for _, s := range l.cited {
		f.Records++
		devices[s.Device]++
		if s.Purged {
			f.Purged++
		}
		if s.HLC > latest.HLC {
			latest = s
		}
	}
	if latest.Hash != "" {
		f.Latest, f.LatestID, f.Saved = latest.Hash, latest.ID, storage.HLCTime(latest.HLC)
	}
	self := v.Device()
	f.Generator = self.ID.String()
	if self.Name != "" {
		f.Generator += " (" + self.Name + ")"
	}
	for _, d := range sortedDevices(devices) {
		f.Devices = append(f.Devices, deviceLabel(d, v, opt))
	}
	return f
}

func sortedDevices(m map[uuid.UUID]int) []uuid.UUID {
	var out []uuid.UUID
	for d := range m {
		out = append(out, d)
	}
	sortUUIDs(out)
	return out
}

// deviceLabel names a device "id (name)" when its name is known.
func deviceLabel(d uuid.UUID, v *storage.Vault, opt Options) string {
	if n := deviceName(d, v, opt); n != "" {
		return d.String() + " (" + n + ")"
	}
	return d.String()
}

func deviceName(d uuid.UUID, v *storage.Vault, opt Options) string {
	if n, ok := opt.DeviceNames[d]; ok {
		return n
	}
	if self := v.Device(); self.ID == d {
		return self.Name
	}
	return ""
}

// Labels for stored values.
var (
	statusLabels = map[string]string{
		storage.StatusDetained: "detained", storage.StatusBail: "on bail",
		storage.StatusAtLiberty: "at liberty", storage.StatusInAbsentia: "in absentia",
	}
	presenceLabels = map[string]string{
		storage.PresencePresent: "present", storage.PresenceAbsent: "absent", storage.PresenceInAbsentia: "in absentia",
	}
	answerLabels = map[string]string{
		storage.AnswerYes: "yes", storage.AnswerNo: "no", storage.AnswerUnclear: "unclear",
		storage.AnswerNotObserved: "not observed", storage.AnswerNotApplicable: "not applicable",
	}
)

func label(m map[string]string, s string) string {
	if l, ok := m[s]; ok {
		return l
	}
	return strings.ReplaceAll(s, "_", " ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func charges(cs []storage.Charge) string { return tr{}.charges(cs) }

// charges lists charges one a line, as "art. 453 Plotting".
func (t tr) charges(cs []storage.Charge) string {
	var out []string
	for _, c := range cs {
		out = append(out, t.T("art. %s", c.String()))
	}
	return strings.Join(out, "\n")
}

func (r *rep) charges(cs []storage.Charge) string { return r.t.charges(cs) }

func articles(cs []storage.Charge) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Article)
	}
	return strings.Join(out, ", ")
}

func day(t time.Time) string { return t.Format("Mon 2 Jan 2006") }

func isoDay(t time.Time) string { return t.Format("2006-01-02") }

func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("15:04")
}

func caseName(c *storage.Case) string {
	switch {
	case c.Number != "" && c.Title != "":
		return c.Number + ": " + c.Title
	case c.Number != "":
		return c.Number
	}
	return c.Title
}

func caseShort(c *storage.Case) string {
	if c.Number != "" {
		return c.Number
	}
	return c.Title
}
