package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"courtwatch/cmd/internal/table"
	"courtwatch/storage"
	"courtwatch/storage/transcript"

	"github.com/google/uuid"
)

const helpNoteImport = `Reads a note transcript, one note per line, optionally starting with a
24-hour time, e.g.

    09:02 Judge enters; the public gallery is closed
    09:05:30 - Prosecutor reads charges under article 453
    Defence counsel objects
    {"time":"09:10","text":"Recess","tags":["procedure"],"source":"seen"}

Times are on the hearing's date in the court's time zone (the case's
--tz), not this laptop's; a line without a time comes
one second after the line before. If any line is wrong, every problem is
listed with its line number and nothing is imported; otherwise all notes
are stored in one step. Use - as FILE to read standard input.
`

func runNoteAdd(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	hearingFlag := fs.String("hearing", "", "the hearing's `id`")
	var tags stringList
	fs.Var(&tags, "tag", "a `tag`, e.g. access or torture (repeat for each)")
	reported := fs.Bool("reported", false, "the monitor was told this rather than saw it")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	hearingID, err := cmd.ID("--hearing", *hearingFlag)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(pos, " "))
	if text == "" {
		return cmd.UsageError("the note's TEXT is missing")
	}
	n := &storage.Note{HearingID: hearingID, Time: time.Now().Round(0), Text: text, Source: storage.SourceSeen}
	if *reported {
		n.Source = storage.SourceReported
	}
	for _, t := range tags {
		if t = strings.TrimSpace(t); t == "" {
			return cmd.UsageError("--tag is empty")
		}
		n.Tags = append(n.Tags, t)
	}
	return c.withVault(func(v *storage.Vault) error {
		if _, err := storage.Load[storage.Hearing](v, hearingID); err != nil {
			return notFound(storage.KindHearing, hearingID, err)
		}
		if err := v.Put(n); err != nil {
			return err
		}
		_, err := fmt.Fprintln(c.stdout, n.ID)
		return err
	})
}

func runNoteImport(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	hearingFlag := fs.String("hearing", "", "the hearing's `id`")
	pos, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmd.UsageError("give one transcript file, or - for standard input")
	}
	hearingID, err := cmd.ID("--hearing", *hearingFlag)
	if err != nil {
		return err
	}
	name := pos[0]
	in, err := c.input(name) // before asking for the passphrase
	if err != nil {
		return err
	}
	defer in.Close()
	return c.withVault(func(v *storage.Vault) error {
		h, err := storage.Load[storage.Hearing](v, hearingID)
		if err != nil {
			return notFound(storage.KindHearing, hearingID, err)
		}
		k, err := storage.Load[storage.Case](v, h.CaseID)
		if err != nil {
			return notFound(storage.KindCase, h.CaseID, err)
		}
		lines, err := transcript.Parse(in, h.Scheduled, c.caseZone(k, h.Scheduled.Location(), "the offset the hearing was scheduled with"))
		var perr *transcript.Error
		if errors.As(err, &perr) {
			return problemsError(name, "transcript", perr.Problems, err)
		}
		if err != nil {
			return err
		}
		if err := importNotes(v, hearingID, lines); err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.stdout, "imported %s\n", table.Plural(len(lines), "note"))
		return err
	})
}

// importNotes stores lines as notes of the hearing in one durable step:
// all of them or none, also if the program is killed (UpdateLarge).
func importNotes(v *storage.Vault, hearingID uuid.UUID, lines []transcript.Line) error {
	err := v.UpdateLarge(func(tx *storage.Tx) error {
		for _, l := range lines {
			n := &storage.Note{HearingID: hearingID, Time: l.Time, Text: l.Text, Tags: l.Tags, Source: l.Source}
			if err := tx.Put(n); err != nil {
				return fmt.Errorf("line %d: %w", l.Line, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	return nil
}

func runNoteEdit(c *cli, cmd *command, args []string) error {
	pos, err := cmd.Parse(c.stdout, c.flagSet(cmd), args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return cmd.UsageError("give the note's ID and its new TEXT")
	}
	id, err := cmd.ID("ID", pos[0])
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(pos[1:], " "))
	if text == "" {
		return cmd.UsageError("the note's new TEXT is missing")
	}
	return c.withVault(func(v *storage.Vault) error {
		n := &storage.Note{}
		err := v.Update(func(tx *storage.Tx) error {
			if err := tx.Get(id, n); err != nil {
				return notFound(storage.KindNote, id, err)
			}
			if n.Text == text {
				return nil // nothing to change; no new version
			}
			n.Text = text
			return tx.Put(n)
		})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.stdout, "note %s is at version %d\n", id, n.Version)
		return err
	})
}
