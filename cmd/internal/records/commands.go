package records

import (
	"errors"
	"flag"

	"courtwatch/cmd/internal/cmdline"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// The list, search and history commands, the same in both programs but
// for where they read (Source).

// Source is where a program's list, search and history commands read,
// and how they print.
type Source struct {
	Printer // Out, Err and Prog; JSON and Monitor are set by each command
	// Open opens the vault and runs fn with it and with the function that
	// names the monitor of a device: nil for a monitor's own vault, whose
	// lists then have no device column.
	Open func(fn func(v *storage.Vault, monitor func(uuid.UUID) string) error) error
	// NotFound explains a storage.ErrNotFound for a record the user named.
	NotFound func(kind string, id uuid.UUID, err error) error
	// HashHint, if set, gives history the flag --hash, and is the hint
	// when no record has the hash.
	HashHint string
}

func (s Source) printer(json bool, monitor func(uuid.UUID) string) *Printer {
	p := s.Printer
	p.JSON, p.Monitor = json, monitor
	return &p
}

// List runs the list command cmd with args, its flags added to fs.
func List[C any](cmd *cmdline.Command[C], fs *flag.FlagSet, args []string, s Source) error {
	flags := AddListFlags(fs)
	pos, err := cmd.Parse(s.Out, fs, args)
	if err != nil {
		return err
	}
	l, list, err := NewLister(pos, flags, cmd.UsageError, cmd.ID)
	if err != nil {
		return err
	}
	l.Out, l.NotFound = s.Out, s.NotFound
	return s.Open(func(v *storage.Vault, monitor func(uuid.UUID) string) error {
		l.Monitor = monitor
		return v.View(func(tx *storage.Tx) error {
			l.Tx = tx
			return list()
		})
	})
}

// Search runs the search command cmd with args, its flags added to fs.
func Search[C any](cmd *cmdline.Command[C], fs *flag.FlagSet, args []string, s Source) error {
	jsonOut := fs.Bool("json", false, "print a JSON array")
	limit := fs.Int("limit", 50, "show at most `N` hits")
	pos, err := cmd.Parse(s.Out, fs, args)
	if err != nil {
		return err
	}
	query, err := SearchQuery(pos, *limit, cmd.UsageError)
	if err != nil {
		return err
	}
	return s.Open(func(v *storage.Vault, monitor func(uuid.UUID) string) error {
		return s.printer(*jsonOut, monitor).Search(v, query, *limit)
	})
}

// History runs the history command cmd with args, its flags added to fs.
func History[C any](cmd *cmdline.Command[C], fs *flag.FlagSet, args []string, s Source) error {
	jsonOut := fs.Bool("json", false, "print a JSON array")
	hash := new(string)
	if s.HashHint != "" {
		hash = fs.String("hash", "", "find the record with a version of this sha256 `hash` (as a report lists it; at least its first 12 hex digits)")
	}
	pos, err := cmd.Parse(s.Out, fs, args)
	if err != nil {
		return err
	}
	if *hash != "" {
		if len(pos) > 0 {
			return cmd.UsageError("give an ID or --hash, not both")
		}
		return s.Open(func(v *storage.Vault, monitor func(uuid.UUID) string) error {
			err := s.printer(*jsonOut, monitor).FindHash(v, *hash)
			if errors.Is(err, storage.ErrNotFound) {
				return &cmdline.HintError{Msg: err.Error(), Err: err, Advice: s.HashHint}
			}
			return err
		})
	}
	id, err := HistoryID(pos, cmd.UsageError, cmd.ID)
	if err != nil {
		return err
	}
	return s.Open(func(v *storage.Vault, monitor func(uuid.UUID) string) error {
		vers, err := v.History(id)
		if err != nil {
			return s.NotFound("record", id, err)
		}
		return s.printer(*jsonOut, monitor).History(id, vers)
	})
}
