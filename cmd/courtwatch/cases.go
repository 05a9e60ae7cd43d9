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
	if err := c.parseFlags(fs, cmd, args); err != nil {
		return err
	}
	if strings.TrimSpace(*title) == "" && strings.TrimSpace(*number) == "" {
		return cmd.usageError("--title (or --number) is required")
	}
	k := &storage.Case{Title: *title, Number: *number, Court: *court, Judges: judges, Prosecutors: prosecutors}
	for _, s := range charges {
		ch, err := parseCharge(s)
		if err != nil {
			return cmd.usageError("%v", err)
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
	clock := fs.String("time", "", "the scheduled `time`, 24-hour HH:MM in local time (default 00:00)")
	room := fs.String("courtroom", "", "the `courtroom`")
	if err := c.parseFlags(fs, cmd, args); err != nil {
		return err
	}
	caseID, err := cmd.id("--case", *caseFlag)
	if err != nil {
		return err
	}
	if *date == "" {
		return cmd.usageError("--date is required")
	}
	when, err := scheduled(*date, *clock)
	if err != nil {
		return cmd.usageError("%v", err)
	}
	h := &storage.Hearing{CaseID: caseID, Scheduled: when, Courtroom: *room}
	return c.withVault(func(v *storage.Vault) error {
		if _, err := storage.Load[storage.Case](v, caseID); err != nil {
			return notFound(storage.KindCase, caseID, err)
		}
		if err := v.Put(h); err != nil {
			return err
		}
		_, err := fmt.Fprintln(c.stdout, h.ID)
		return err
	})
}

// scheduled reads a date and an optional time in local time.
func scheduled(date, clock string) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", date, time.Local)
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
	return time.Date(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), 0, 0, time.Local), nil
}
