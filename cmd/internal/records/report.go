package records

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"courtwatch/cmd/internal/cmdline"
	"courtwatch/report"
	"courtwatch/storage"

	"github.com/google/uuid"
)

// ReportFlags are the report command's flags.
type ReportFlags struct {
	Out, Format, Table, Lang *string
}

// AddReportFlags defines the report command's flags in fs.
func AddReportFlags(fs *flag.FlagSet) *ReportFlags {
	return &ReportFlags{
		Out:    fs.String("out", "", "the `file` to write (required)"),
		Format: fs.String("format", "", "html, pdf or csv (default: from --out's extension)"),
		Table:  fs.String("table", string(report.CSVNotes), "with csv, the `table`: notes, attendance, checklist or matrix"),
		Lang:   fs.String("lang", report.LangEnglish, "the `language` of an html or pdf report: en or km (csv is always English)"),
	}
}

// Request checks the report command's arguments pos (subject and id) and
// flags; the error is a usage error's message.
func (f *ReportFlags) Request(pos []string) (report.Request, error) {
	if len(pos) != 2 {
		return report.Request{}, errors.New("say what the report is about and its id, e.g. report case ID --out case.pdf")
	}
	r, err := report.ParseRequest(pos[0], pos[1], *f.Out, *f.Format, *f.Table)
	if err != nil {
		return r, err
	}
	switch r.Lang = *f.Lang; {
	case report.CheckLang(r.Lang) != nil:
		return r, errors.New("--lang must be en (English) or km (Khmer)")
	case r.Format == "csv" && r.Lang == report.LangKhmer:
		return r, errors.New("CSV exports are always in English (their columns are a fixed format); --lang km is for html and pdf reports")
	}
	return r, nil
}

// ParseReport parses the arguments of the report command cmd, with its
// flags added to fs, into a request. For -h it prints the usage to w.
func ParseReport[C any](cmd *cmdline.Command[C], w io.Writer, fs *flag.FlagSet, args []string) (report.Request, error) {
	flags := AddReportFlags(fs)
	pos, err := cmd.Parse(w, fs, args)
	if err != nil {
		return report.Request{}, err
	}
	req, err := flags.Request(pos)
	if err != nil {
		return report.Request{}, cmd.UsageError("%v", err)
	}
	return req, nil
}

// WriteReport makes the report req asks for from v, writes it to its
// file and says so on out. A subject v does not hold is explained by
// notFound.
func WriteReport(out io.Writer, v *storage.Vault, req report.Request, opt report.Options, notFound func(kind string, id uuid.UUID, err error) error) error {
	data, err := report.Render(v, req.Subject, req.ID, req.Format, req.Table, opt)
	if errors.Is(err, storage.ErrNotFound) {
		return notFound(req.Kind, req.ID, err)
	}
	if err != nil {
		return err
	}
	if err := report.WriteFile(req.Out, data); err != nil {
		return &cmdline.HintError{Msg: err.Error(), Err: err, Advice: "check that the folder exists and that you may write there"}
	}
	_, err = fmt.Fprintf(out, "wrote %s (%s, %d bytes)\n", req.Out, req.Format, len(data))
	return err
}

// ReadReport reads the report file that "report check" (command cmd)
// names in args, or standard input for "-": at most MaxReportFile
// bytes. For -h it prints the usage to w.
func ReadReport[C any](cmd *cmdline.Command[C], w io.Writer, fs *flag.FlagSet, args []string, stdin io.Reader) (name string, data []byte, err error) {
	pos, err := cmd.Parse(w, fs, args)
	if err != nil {
		return "", nil, err
	}
	if len(pos) != 1 {
		return "", nil, cmd.UsageError("give one report file, .html, .pdf or .csv")
	}
	name, in := pos[0], stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", nil, &cmdline.HintError{Msg: err.Error(), Err: err, Advice: "check the file name, or give - to read standard input"}
		}
		defer f.Close()
		in = f
	}
	data, err = io.ReadAll(io.LimitReader(in, MaxReportFile))
	return name, data, err
}
