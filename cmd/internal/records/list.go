package records

import (
	"encoding/json"
	"flag"
	"io"
	"slices"
	"strings"

	"courtwatch/cmd/internal/table"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// ListKinds is the part of both programs' "help list" that names the
// lists a Lister prints.
const ListKinds = `  cases                    every case
  defendants               every person, with the cases they are accused in
  defendants --case ID     the case's defendants: names, status, charges, counsel
  hearings [--case ID]     hearings by date: every case's, or one case's
  notes --hearing ID       a hearing's notes by time
`

// Lister prints one kind of list of the records in a vault.
type Lister struct {
	Tx        *storage.Tx
	Out       io.Writer
	JSON      bool      // print a JSON array instead of a table
	CaseID    uuid.UUID // only this case's defendants or hearings, if set
	HearingID uuid.UUID // the hearing whose notes to list
	// Monitor, if set, names the monitor of a device; the lists then have
	// a DEVICE column, "device" and "monitor" JSON fields, and a legend
	// of the devices below the table.
	Monitor func(device uuid.UUID) string
	// NotFound explains a storage.ErrNotFound for a record the user named.
	NotFound func(kind string, id uuid.UUID, err error) error

	caseCache map[uuid.UUID]*storage.Case
	devices   []uuid.UUID // in the table, for the legend
	out       []json.RawMessage
}

// List returns the function that prints the list of kind ("case",
// "defendant", "hearing" or "note"), or nil for another kind.
func (l *Lister) List(kind string) func() error {
	switch kind {
	case "case":
		return l.listCases
	case "defendant":
		return l.listDefendants
	case "hearing":
		return l.listHearings
	case "note":
		return l.listNotes
	}
	return nil
}

// device returns the DEVICE cell and the JSON fields for the device that
// wrote m's version.
func (l *Lister) device(m *storage.Meta) (string, DeviceJSON) {
	if !slices.Contains(l.devices, m.Device) {
		l.devices = append(l.devices, m.Device)
	}
	return ShortDevice(m.Device), DeviceJSON{Device: m.Device, Monitor: l.Monitor(m.Device)}
}

// add adds a record to the list: its JSON to l.out and its cells to t,
// with the device's inserted at index at when the list shows devices.
// extra, if not nil, adds fields to the JSON.
func (l *Lister) add(t *table.Writer, m *storage.Meta, r, extra any, at int, cells ...string) error {
	var extras []any
	if extra != nil {
		extras = append(extras, extra)
	}
	if l.Monitor != nil {
		dev, dj := l.device(m)
		extras = append(extras, dj)
		cells = slices.Insert(cells, at, dev)
	}
	j, err := table.Record(m, r, extras...)
	if err != nil {
		return err
	}
	l.out = append(l.out, j)
	t.Row(cells...)
	return nil
}

func (l *Lister) getCase(id uuid.UUID) (*storage.Case, error) {
	if l.caseCache == nil {
		l.caseCache = map[uuid.UUID]*storage.Case{}
	}
	if k := l.caseCache[id]; k != nil {
		return k, nil
	}
	k := &storage.Case{}
	if err := l.Tx.Get(id, k); err != nil {
		return nil, l.NotFound(storage.KindCase, id, err)
	}
	l.caseCache[id] = k
	return k, nil
}

// table starts the text table, or returns nil for --json. The DEVICE
// column goes at index at when the list shows devices.
func (l *Lister) table(at int, header ...string) *table.Writer {
	if l.JSON {
		return nil
	}
	if l.Monitor != nil {
		header = slices.Insert(header, at, "DEVICE")
	}
	return table.New(l.Out, header...)
}

// print writes the JSON array, or the table and its legend of devices.
func (l *Lister) print(t *table.Writer) error {
	if l.JSON {
		if l.out == nil {
			l.out = []json.RawMessage{} // [], not null
		}
		return table.PrintJSON(l.Out, l.out)
	}
	if err := t.Flush(); err != nil || len(l.devices) == 0 {
		return err
	}
	if _, err := io.WriteString(l.Out, "\n"); err != nil {
		return err
	}
	legend := table.New(l.Out, "DEVICE", "ID", "MONITOR")
	for _, d := range l.devices {
		name := l.Monitor(d)
		if name == "" {
			name = "(not enrolled)"
		}
		legend.Row(ShortDevice(d), d.String(), name)
	}
	return legend.Flush()
}

func (l *Lister) listCases() error {
	cs, err := l.Tx.Cases()
	if err != nil {
		return err
	}
	t := l.table(4, "ID", "NUMBER", "TITLE", "COURT")
	for _, k := range cs {
		if err := l.add(t, &k.Meta, k, nil, 4, k.ID.String(), k.Number, k.Title, k.Court); err != nil {
			return err
		}
	}
	return l.print(t)
}

func (l *Lister) listDefendants() error {
	if l.CaseID == uuid.Nil {
		return l.listPersons()
	}
	if _, err := l.getCase(l.CaseID); err != nil {
		return err
	}
	ds, err := l.Tx.DefendantsOfCase(l.CaseID)
	if err != nil {
		return err
	}
	t := l.table(6, "PERSON", "NAME", "STATUS", "REASON", "CHARGES", "COUNSEL", "KHMER NAME")
	for _, d := range ds {
		p := &storage.Person{}
		if err := l.Tx.Get(d.PersonID, p); err != nil {
			return err
		}
		var charges []string
		for _, ch := range d.Charges {
			charges = append(charges, ch.String())
		}
		if err := l.add(t, &d.Meta, d, struct {
			Name      string `json:"name,omitempty"`
			NameLocal string `json:"name_local,omitempty"`
		}{p.Name, p.NameLocal}, 6,
			p.ID.String(), p.Name, d.Status, d.StatusReason, strings.Join(charges, "; "), d.Counsel, p.NameLocal); err != nil {
			return err
		}
	}
	return l.print(t)
}

// listPersons lists every person with the cases they are accused in.
func (l *Lister) listPersons() error {
	ps, err := l.Tx.Persons()
	if err != nil {
		return err
	}
	t := l.table(3, "ID", "NAME", "CASES", "KHMER NAME")
	for _, p := range ps {
		links, err := l.Tx.CasesOfPerson(p.ID)
		if err != nil {
			return err
		}
		ids := []uuid.UUID{}
		var labels []string
		for _, d := range links {
			k, err := l.getCase(d.CaseID)
			if err != nil {
				return err
			}
			ids = append(ids, d.CaseID)
			labels = append(labels, CaseLabel(k))
		}
		if err := l.add(t, &p.Meta, p, struct {
			Cases []uuid.UUID `json:"cases"`
		}{ids}, 3, p.ID.String(), p.Name, strings.Join(labels, "; "), p.NameLocal); err != nil {
			return err
		}
	}
	return l.print(t)
}

func (l *Lister) listHearings() error {
	var hs []*storage.Hearing
	var err error
	if l.CaseID != uuid.Nil {
		if _, err := l.getCase(l.CaseID); err != nil {
			return err
		}
		hs, err = l.Tx.HearingsOfCase(l.CaseID)
	} else {
		hs, err = l.Tx.Hearings()
	}
	if err != nil {
		return err
	}
	t := l.table(4, "ID", "SCHEDULED", "CASE", "COURTROOM")
	for _, h := range hs {
		k, err := l.getCase(h.CaseID)
		if err != nil {
			return err
		}
		if err := l.add(t, &h.Meta, h, nil, 4,
			h.ID.String(), table.LocalTime(h.Scheduled, "2006-01-02 15:04"), CaseLabel(k), h.Courtroom); err != nil {
			return err
		}
	}
	return l.print(t)
}

func (l *Lister) listNotes() error {
	h := &storage.Hearing{}
	if err := l.Tx.Get(l.HearingID, h); err != nil {
		return l.NotFound(storage.KindHearing, l.HearingID, err)
	}
	ns, err := l.Tx.NotesOfHearing(l.HearingID)
	if err != nil {
		return err
	}
	t := l.table(4, "ID", "TIME", "SOURCE", "TAGS", "TEXT")
	for _, n := range ns {
		if err := l.add(t, &n.Meta, n, nil, 4,
			n.ID.String(), table.LocalTime(n.Time, "15:04:05"), n.Source, strings.Join(n.Tags, ", "), n.Text); err != nil {
			return err
		}
	}
	return l.print(t)
}

// ListFlags are the flags of the list command.
type ListFlags struct {
	Case, Hearing *string
	JSON          *bool
}

// AddListFlags defines the list command's flags in fs.
func AddListFlags(fs *flag.FlagSet) *ListFlags {
	return &ListFlags{
		Case:    fs.String("case", "", "only this case's defendants or hearings (`id`)"),
		Hearing: fs.String("hearing", "", "the hearing whose notes to list (`id`)"),
		JSON:    fs.Bool("json", false, "print a JSON array"),
	}
}

// NewLister checks the list command's arguments pos and flags f, and
// returns the Lister for them (with Tx, Out, Monitor and NotFound still to
// set) and the function that prints the list. usage makes the command's
// usage errors; id reads a record id given for a flag.
func NewLister(pos []string, f *ListFlags, usage func(format string, a ...any) error,
	id func(what, s string) (uuid.UUID, error)) (*Lister, func() error, error) {
	if len(pos) != 1 {
		return nil, nil, usage("say what to list: cases, defendants, hearings or notes")
	}
	l := &Lister{JSON: *f.JSON}
	kind := strings.TrimSuffix(pos[0], "s")
	if *f.Case != "" && kind != "defendant" && kind != "hearing" {
		return nil, nil, usage("--case goes with defendants or hearings")
	}
	if *f.Hearing != "" && kind != "note" {
		return nil, nil, usage("--hearing goes with notes")
	}
	var err error
	if *f.Case != "" {
		if l.CaseID, err = id("--case", *f.Case); err != nil {
			return nil, nil, err
		}
	}
	list := l.List(kind)
	switch {
	case list == nil:
		return nil, nil, usage("cannot list %q; say cases, defendants, hearings or notes", pos[0])
	case kind == "note":
		if l.HearingID, err = id("--hearing", *f.Hearing); err != nil {
			return nil, nil, err
		}
	}
	return l, list, nil
}
