package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"courtwatch/cmd/internal/table"
	"courtwatch/storage"
	"courtwatch/storage/roster"

	"github.com/google/uuid"
)

const helpRoster = `Reads a CSV roster (columns name, name_local, aliases, status,
status_reason, charges, counsel; see the roster format in the manual) and
makes its rows defendants of the case, all or nothing. A row whose Latin or
Khmer name matches a person already in the vault is linked to that person.
If a row matches several persons, nothing is imported and the candidates are
listed: run the import again with --link LINE=PERSON_ID or --new LINE for
each such row. Use - as FILE to read standard input.
`

func runRosterImport(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	caseFlag := fs.String("case", "", "the case's `id`")
	var links, news stringList
	fs.Var(&links, "link", "`LINE=PERSON_ID`: link the roster row on that line to that person (repeat for each)")
	fs.Var(&news, "new", "`LINE`: make the roster row on that line a new person even if its name matches (repeat for each)")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmd.UsageError("give one roster file, or - for standard input")
	}
	caseID, err := cmd.ID("--case", *caseFlag)
	if err != nil {
		return err
	}
	res, err := resolution(cmd, links, news)
	if err != nil {
		return err
	}
	in, err := c.input(pos[0])
	if err != nil {
		return err
	}
	defer in.Close()
	rows, err := roster.Parse(in)
	if err != nil {
		var perr *roster.Error
		if errors.As(err, &perr) {
			return problemsError(pos[0], "roster", perr.Problems, err)
		}
		return err
	}
	return c.withVault(func(v *storage.Vault) error {
		rep, err := roster.ImportResolved(v, caseID, rows, res)
		switch {
		case errors.Is(err, roster.ErrAmbiguous) && rep != nil:
			return ambiguityError(v, rep.Ambiguous, err)
		case errors.Is(err, storage.ErrNotFound):
			return notFound(storage.KindCase, caseID, err)
		case err != nil:
			return fmt.Errorf("%w; nothing was imported", err)
		}
		_, err = fmt.Fprintf(c.stdout, "persons: %d created, %d linked\ndefendants: %d added, %d updated, %d unchanged\n",
			rep.Created, rep.Linked, rep.Added, rep.Updated, rep.Unchanged)
		return err
	})
}

// resolution reads the --link and --new flags.
func resolution(cmd *command, links, news []string) (roster.Resolution, error) {
	res := roster.Resolution{}
	for _, s := range links {
		line, person, ok := strings.Cut(s, "=")
		n, err := strconv.Atoi(line)
		id, ierr := uuid.Parse(person)
		if !ok || err != nil || ierr != nil {
			return nil, cmd.UsageError("--link %q: write LINE=PERSON_ID, e.g. --link 4=0192f3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b", s)
		}
		res[n] = id
	}
	for _, s := range news {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, cmd.UsageError("--new %q: give the line number of the roster row", s)
		}
		res[n] = uuid.Nil
	}
	return res, nil
}

// ambiguityError lists every ambiguous row with its candidates' names.
func ambiguityError(v *storage.Vault, amb []roster.Ambiguity, err error) error {
	var details []string
	verr := v.View(func(tx *storage.Tx) error {
		for _, a := range amb {
			details = append(details, fmt.Sprintf("line %d: %q %s:", a.Line, a.Name, a.Reason()))
			for _, id := range a.Candidates {
				p := &storage.Person{}
				if err := tx.Get(id, p); err != nil {
					return err
				}
				details = append(details, fmt.Sprintf("  %s  %s", id, p.DisplayName()))
			}
		}
		return nil
	})
	if verr != nil {
		return verr
	}
	verb, what := "match", "more than one person in the vault"
	if len(amb) == 1 {
		verb = "matches"
	}
	for _, a := range amb {
		if a.Near {
			verb, what = "need", "a decision: each matches more than one person in the vault, or nearly matches one"
			if len(amb) == 1 {
				verb, what = "needs", "a decision: it nearly matches a person in the vault"
			}
			break
		}
	}
	return &hintError{
		Msg:    fmt.Sprintf("%s %s %s; nothing was imported", table.Plural(len(amb), "roster row"), verb, what),
		Lines:  details,
		Advice: "import again choosing for each row: --link LINE=PERSON_ID, or --new LINE for a new person",
		Err:    err,
	}
}
