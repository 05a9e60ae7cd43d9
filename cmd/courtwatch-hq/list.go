package main

import (
	"encoding/json"
	"io"
	"slices"
	"strings"

	"courtwatch/storage"

	"github.com/google/uuid"
)

const helpList = `Lists what the HQ vault holds from every device, as the monitor's
"courtwatch list" does on one device:

  cases                    every case
  defendants               every person, with the cases they are accused in
  defendants --case ID     the case's defendants: names, status, charges, counsel
  hearings [--case ID]     hearings by date: every case's, or one case's
  notes --hearing ID       a hearing's notes by time

The DEVICE column names the device that wrote each record's current
version by the end of its id; a legend below the table gives the whole id
and the monitor the device is enrolled for. With --json the output is a
JSON array of the records' fields plus "id", "version" (1 for the first),
"saved" (when that version was written), "device" and "monitor".
`

// lister prints one kind of list.
type lister struct {
	c         *cli
	tx        *storage.Tx
	json      bool
	caseID    uuid.UUID
	hearingID uuid.UUID
	caseCache map[uuid.UUID]*storage.Case
	monitors  monitors
	devices   []uuid.UUID // in the table, for the legend
}

func runList(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	caseFlag := fs.String("case", "", "only this case's defendants or hearings (`id`)")
	hearingFlag := fs.String("hearing", "", "the hearing whose notes to list (`id`)")
	jsonOut := fs.Bool("json", false, "print a JSON array")
	pos, err := c.parse(fs, cmd, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmd.usageError("say what to list: cases, defendants, hearings or notes")
	}
	l := &lister{c: c, json: *jsonOut, caseCache: map[uuid.UUID]*storage.Case{}}
	kind := strings.TrimSuffix(pos[0], "s")
	if *caseFlag != "" && kind != "defendant" && kind != "hearing" {
		return cmd.usageError("--case goes with defendants or hearings")
	}
	if *hearingFlag != "" && kind != "note" {
		return cmd.usageError("--hearing goes with notes")
	}
	if *caseFlag != "" {
		if l.caseID, err = cmd.id("--case", *caseFlag); err != nil {
			return err
		}
	}
	var list func() error
	switch kind {
	case "case":
		list = l.listCases
	case "defendant":
		list = l.listDefendants
	case "hearing":
		list = l.listHearings
	case "note":
		if l.hearingID, err = cmd.id("--hearing", *hearingFlag); err != nil {
			return err
		}
		list = l.listNotes
	default:
		return cmd.usageError("cannot list %q; say cases, defendants, hearings or notes", pos[0])
	}
	return c.withVault(func(dir string, v *storage.Vault) error {
		if l.monitors, err = loadMonitors(dir, v); err != nil {
			return err
		}
		return v.View(func(tx *storage.Tx) error {
			l.tx = tx
			return list()
		})
	})
}

// device returns the DEVICE cell and the JSON fields for the device that
// wrote m's version.
func (l *lister) device(m *storage.Meta) (string, deviceJSON) {
	if !slices.Contains(l.devices, m.Device) {
		l.devices = append(l.devices, m.Device)
	}
	return shortDevice(m.Device), deviceJSON{Device: m.Device, Monitor: l.monitors.name(m.Device)}
}

func (l *lister) getCase(id uuid.UUID) (*storage.Case, error) {
	if k := l.caseCache[id]; k != nil {
		return k, nil
	}
	k := &storage.Case{}
	if err := l.tx.Get(id, k); err != nil {
		return nil, notFound(storage.KindCase, id, err)
	}
	l.caseCache[id] = k
	return k, nil
}

// table starts the text table, or returns nil for --json.
func (l *lister) table(header ...string) *table {
	if l.json {
		return nil
	}
	return newTable(l.c.stdout, header...)
}

// print writes the JSON array, or the table and its legend of devices.
func (l *lister) print(out []json.RawMessage, t *table) error {
	if l.json {
		return printJSON(l.c.stdout, out)
	}
	if err := t.flush(); err != nil || len(l.devices) == 0 {
		return err
	}
	if _, err := io.WriteString(l.c.stdout, "\n"); err != nil {
		return err
	}
	legend := newTable(l.c.stdout, "DEVICE", "ID", "MONITOR")
	for _, d := range l.devices {
		name := l.monitors.name(d)
		if name == "" {
			name = "(not enrolled)"
		}
		legend.row(shortDevice(d), d.String(), name)
	}
	return legend.flush()
}

func (l *lister) listCases() error {
	cs, err := l.tx.Cases()
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, 0, len(cs))
	t := l.table("ID", "NUMBER", "TITLE", "COURT", "DEVICE")
	for _, k := range cs {
		dev, dj := l.device(&k.Meta)
		j, err := recordJSON(&k.Meta, k, dj)
		if err != nil {
			return err
		}
		out = append(out, j)
		t.row(k.ID.String(), k.Number, k.Title, k.Court, dev)
	}
	return l.print(out, t)
}

func (l *lister) listDefendants() error {
	if l.caseID == uuid.Nil {
		return l.listPersons()
	}
	if _, err := l.getCase(l.caseID); err != nil {
		return err
	}
	ds, err := l.tx.DefendantsOfCase(l.caseID)
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, 0, len(ds))
	t := l.table("PERSON", "NAME", "STATUS", "REASON", "CHARGES", "COUNSEL", "DEVICE", "KHMER NAME")
	for _, d := range ds {
		p := &storage.Person{}
		if err := l.tx.Get(d.PersonID, p); err != nil {
			return err
		}
		dev, dj := l.device(&d.Meta)
		j, err := recordJSON(&d.Meta, d, struct {
			Name      string `json:"name,omitempty"`
			NameLocal string `json:"name_local,omitempty"`
		}{p.Name, p.NameLocal}, dj)
		if err != nil {
			return err
		}
		out = append(out, j)
		var charges []string
		for _, ch := range d.Charges {
			charges = append(charges, ch.String())
		}
		t.row(p.ID.String(), p.Name, d.Status, d.StatusReason, strings.Join(charges, "; "), d.Counsel, dev, p.NameLocal)
	}
	return l.print(out, t)
}

// listPersons lists every person with the cases they are accused in.
func (l *lister) listPersons() error {
	ps, err := l.tx.Persons()
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, 0, len(ps))
	t := l.table("ID", "NAME", "CASES", "DEVICE", "KHMER NAME")
	for _, p := range ps {
		links, err := l.tx.CasesOfPerson(p.ID)
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
			labels = append(labels, caseLabel(k))
		}
		dev, dj := l.device(&p.Meta)
		j, err := recordJSON(&p.Meta, p, struct {
			Cases []uuid.UUID `json:"cases"`
		}{ids}, dj)
		if err != nil {
			return err
		}
		out = append(out, j)
		t.row(p.ID.String(), p.Name, strings.Join(labels, "; "), dev, p.NameLocal)
	}
	return l.print(out, t)
}

func (l *lister) listHearings() error {
	var hs []*storage.Hearing
	var err error
	if l.caseID != uuid.Nil {
		if _, err := l.getCase(l.caseID); err != nil {
			return err
		}
		hs, err = l.tx.HearingsOfCase(l.caseID)
	} else {
		hs, err = l.tx.Hearings()
	}
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, 0, len(hs))
	t := l.table("ID", "SCHEDULED", "CASE", "COURTROOM", "DEVICE")
	for _, h := range hs {
		k, err := l.getCase(h.CaseID)
		if err != nil {
			return err
		}
		dev, dj := l.device(&h.Meta)
		j, err := recordJSON(&h.Meta, h, dj)
		if err != nil {
			return err
		}
		out = append(out, j)
		t.row(h.ID.String(), localTime(h.Scheduled, "2006-01-02 15:04"), caseLabel(k), h.Courtroom, dev)
	}
	return l.print(out, t)
}

func (l *lister) listNotes() error {
	h := &storage.Hearing{}
	if err := l.tx.Get(l.hearingID, h); err != nil {
		return notFound(storage.KindHearing, l.hearingID, err)
	}
	ns, err := l.tx.NotesOfHearing(l.hearingID)
	if err != nil {
		return err
	}
	out := make([]json.RawMessage, 0, len(ns))
	t := l.table("ID", "TIME", "SOURCE", "TAGS", "DEVICE", "TEXT")
	for _, n := range ns {
		dev, dj := l.device(&n.Meta)
		j, err := recordJSON(&n.Meta, n, dj)
		if err != nil {
			return err
		}
		out = append(out, j)
		t.row(n.ID.String(), localTime(n.Time, "15:04:05"), n.Source, strings.Join(n.Tags, ", "), dev, n.Text)
	}
	return l.print(out, t)
}
