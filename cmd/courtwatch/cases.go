package main

import (
	"fmt"
	"strings"
	"time"

	"courtwatch/storage"
)

func runCaseAdd(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	title := fs.String("title", "", "the case's `title`, e.g. \"CNRP leaders\"")
	number := fs.String("number", "", "the court's case `number`")
	court := fs.String("court", "", "the `court`, e.g. \"Phnom Penh Municipal Court\"")
	var judges, prosecutors, charges stringList
	fs.Var(&judges, "judge", "a `judge` (repeat for each)")
	fs.Var(&prosecutors, "prosecutor", "a `prosecutor` (repeat for each)")
	fs.Var(&charges, "charge", "an `article` of the Criminal Code with an optional label, e.g. \"453 Plotting\" (repeat for each)")
	tz := fs.String("tz", "", "the court's time `zone`, an IANA name such as Asia/Phnom_Penh: times typed for the case are read in it and reports show them in it")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*title) == "" && strings.TrimSpace(*number) == "" {
		return cmd.UsageError("--title (or --number) is required")
	}
	if *tz == "" {
		return cmd.UsageError("--tz is required: the court's time zone, e.g. --tz Asia/Phnom_Penh (a laptop often keeps the zone of home)")
	}
	k := &storage.Case{Title: *title, Number: *number, Court: *court, Judges: judges, Prosecutors: prosecutors, TimeZone: *tz}
	if _, err := k.Location(); err != nil {
		return cmd.UsageError("--tz: %v", err)
	}
	for _, s := range charges {
		ch, err := parseCharge(s)
		if err != nil {
			return cmd.UsageError("%v", err)
		}
		k.Charges = append(k.Charges, ch)
	}
	return c.withVault(func(v *storage.Vault) error {
		if err := v.Put(k); err != nil {
			return err
		}
		_, err := fmt.Fprintln(c.stdout, k.ID)
		return err
	})
}

// parseCharge reads "453 Plotting": an article number starting with a
// digit, then an optional label.
func parseCharge(s string) (storage.Charge, error) {
	article, label, _ := strings.Cut(strings.TrimSpace(s), " ")
	if article == "" || article[0] < '0' || article[0] > '9' {
		return storage.Charge{}, fmt.Errorf("--charge %q must start with an article number, e.g. \"453 Plotting\"", s)
	}
	return storage.Charge{Article: article, Label: strings.TrimSpace(label)}, nil
}

func runHearingAdd(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	caseFlag := fs.String("case", "", "the case's `id`")
	date := fs.String("date", "", "the `date`, YYYY-MM-DD")
	clock := fs.String("time", "", "the scheduled `time`, 24-hour HH:MM in the court's time zone (default 00:00)")
	room := fs.String("courtroom", "", "the `courtroom`")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	caseID, err := cmd.ID("--case", *caseFlag)
	if err != nil {
		return err
	}
	if *date == "" {
		return cmd.UsageError("--date is required")
	}
	if _, err := scheduled(*date, *clock, time.UTC); err != nil { // before asking for the passphrase
		return cmd.UsageError("%v", err)
	}
	return c.withVault(func(v *storage.Vault) error {
		k, err := storage.Load[storage.Case](v, caseID)
		if err != nil {
			return notFound(storage.KindCase, caseID, err)
		}
		loc := c.caseZone(k, time.Local, "this machine's zone")
		when, err := scheduled(*date, *clock, loc)
		if err != nil {
			return cmd.UsageError("%v", err)
		}
		h := &storage.Hearing{CaseID: caseID, Scheduled: when, Courtroom: *room}
		if err := v.Put(h); err != nil {
			return err
		}
		_, err = fmt.Fprintln(c.stdout, h.ID)
		return err
	})
}

// caseZone is the court's time zone of a case, in which typed times are
// read. A case made before cases carried a zone has none: then fallback
// is used (the offset of the record the times belong to, or this
// machine's zone), with a warning.
func (c *cli) caseZone(k *storage.Case, fallback *time.Location, what string) *time.Location {
	if loc, err := k.Location(); err == nil && loc != nil {
		return loc
	}
	fmt.Fprintf(c.stderr, "courtwatch: warning: case %s names no time zone; times are read in %s (UTC%s). Set the court's zone with: courtwatch case tz --case %s ZONE\n",
		k.ID, what, time.Now().In(fallback).Format("-07:00"), k.ID)
	return fallback
}

// scheduled reads a date and an optional time in the court's zone loc.
func scheduled(date, clock string, loc *time.Location) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("--date %q is not a date; write YYYY-MM-DD, e.g. 2024-05-02", date)
	}
	if err := storage.CheckDate("--date", d); err != nil {
		return time.Time{}, err
	}
	if clock == "" {
		return d, nil
	}
	t, err := time.Parse("15:04", clock)
	if err != nil {
		return time.Time{}, fmt.Errorf("--time %q is not a time; write 24-hour HH:MM, e.g. 08:30", clock)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), 0, 0, loc), nil
}

func runCaseTZ(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	caseFlag := fs.String("case", "", "the case's `id`")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	caseID, err := cmd.ID("--case", *caseFlag)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmd.UsageError("give the court's time zone, an IANA name such as Asia/Phnom_Penh")
	}
	if _, err := (&storage.Case{TimeZone: pos[0]}).Location(); err != nil {
		return cmd.UsageError("%v", err)
	}
	return c.withVault(func(v *storage.Vault) error {
		k, err := storage.Load[storage.Case](v, caseID)
		if err != nil {
			return notFound(storage.KindCase, caseID, err)
		}
		k.TimeZone = pos[0]
		if err := v.Put(k); err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.stdout, "case %s: times are in %s\n", k.ID, k.TimeZone)
		return err
	})
}

const helpCaseTZ = `Sets the court's time zone of a case, as an IANA name such as
Asia/Phnom_Penh. Times typed afterwards for the case (hearing add --time,
note import) are read in it, and reports show every time in it. Times
already stored are instants and do not change; only how they are read and
shown does.
`
