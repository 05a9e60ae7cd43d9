package report

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// A report file carries the list of records it rests on, as JSON: in HTML
// in <script type="application/json" id="courtwatch-sources">, in PDF as
// the embedded file courtwatch-sources.json. Check reads it back and
// compares it with a vault.

// ManifestFormat names the format of a report's list of sources.
const ManifestFormat = "courtwatch-report-sources/1"

// ManifestFile is the name of the list embedded in a PDF report.
const ManifestFile = "courtwatch-sources.json"

// Manifest is the list of records a report file rests on.
type Manifest struct {
	Format    string    `json:"format"`
	Subject   Subject   `json:"subject"`
	ID        uuid.UUID `json:"id"`
	Generated time.Time `json:"generated"`
	Sources   []Source  `json:"sources"`
}

// Manifest returns the list of records d rests on, as its files carry it.
func (d *Doc) Manifest() *Manifest {
	return &Manifest{Format: ManifestFormat, Subject: d.Subject, ID: d.SubjectID, Generated: d.Footer.Generated.UTC(), Sources: d.Sources}
}

// ErrNoManifest means a file that is not a Courtwatch HTML or PDF report,
// or one made before reports carried their list of records.
var ErrNoManifest = errors.New("the file holds no list of the records it rests on: it is not a Courtwatch HTML or PDF report or CSV export, or was made by an older Courtwatch")

// maxManifest bounds the list read from a file: a report of a million
// records lists about 200 MB; a hostile file may claim any size.
const maxManifest = 256 << 20

var htmlManifest = regexp.MustCompile(`<script type="application/json" id="courtwatch-sources">([^<]*)</script>`)

// ReadManifest finds the list of records in a report file.
func ReadManifest(file []byte) (*Manifest, error) {
	var raw []byte
	switch {
	case bytes.HasPrefix(file, []byte("%PDF-")):
		var err error
		if raw, err = pdfManifest(file); err != nil {
			return nil, err
		}
	default:
		m := htmlManifest.FindSubmatch(file)
		if m == nil {
			return nil, ErrNoManifest
		}
		raw = m[1]
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("the report's list of records does not decode (%v): the file was changed or cut short", err)
	}
	if m.Format != ManifestFormat {
		return nil, fmt.Errorf("the report's list of records is in format %q, which this Courtwatch does not read (it reads %s)", m.Format, ManifestFormat)
	}
	for _, s := range m.Sources {
		if s.ID == uuid.Nil || len(s.Hash) != 64 || s.Version == 0 {
			return nil, fmt.Errorf("the report's list of records has an entry without an id, version or sha256 hash: the file was changed")
		}
	}
	return &m, nil
}

// pdfManifest reads the embedded courtwatch-sources.json of a PDF that
// report/internal/pdf wrote: the stream of the EmbeddedFile object whose
// file specification names it.
func pdfManifest(file []byte) ([]byte, error) {
	spec := bytes.Index(file, []byte("/F ("+ManifestFile+")"))
	if spec < 0 {
		return nil, ErrNoManifest
	}
	// The file specification names its stream: "/EF <</F n 0 R".
	rest := file[spec:]
	ef := bytes.Index(rest, []byte("/EF <</F "))
	if ef < 0 {
		return nil, ErrNoManifest
	}
	rest = rest[ef+len("/EF <</F "):]
	end := bytes.IndexByte(rest, ' ')
	if end < 0 {
		return nil, ErrNoManifest
	}
	n, err := strconv.Atoi(string(rest[:end]))
	if err != nil || n <= 0 {
		return nil, ErrNoManifest
	}
	obj := bytes.Index(file, []byte("\n"+strconv.Itoa(n)+" 0 obj\n<</Type /EmbeddedFile"))
	if obj < 0 {
		return nil, ErrNoManifest
	}
	body := file[obj:]
	l := bytes.Index(body, []byte("/Length "))
	s := bytes.Index(body, []byte(">>\nstream\n"))
	if l < 0 || s < 0 || l > s {
		return nil, ErrNoManifest
	}
	length, err := strconv.Atoi(string(body[l+len("/Length ") : s]))
	data := body[s+len(">>\nstream\n"):]
	if err != nil || length < 0 || length > len(data) {
		return nil, fmt.Errorf("the report's embedded list of records is cut short: %w", ErrNoManifest)
	}
	zr, err := zlib.NewReader(bytes.NewReader(data[:length]))
	if err != nil {
		return nil, fmt.Errorf("the report's embedded list of records does not decompress: the file was changed")
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxManifest+1))
	if err != nil || len(out) > maxManifest {
		return nil, fmt.Errorf("the report's embedded list of records does not decompress or is too large: the file was changed")
	}
	return out, nil
}

// CheckResult is what Check found.
type CheckResult struct {
	// Manifest is the file's list of records. For a CSV export it is made
	// from the rows: Format "csv", no subject, the records the rows cite.
	Manifest *Manifest
	CSV      CSVTable // the table, when the file is a CSV export
	Checked  int      // records of the list found in the vault with the listed hash
	Problems []string // each a sentence; none means the report matches the vault
}

// OK reports whether the report matches the vault.
func (c *CheckResult) OK() bool { return len(c.Problems) == 0 }

// Check compares a report file with a vault: every record the report
// lists must exist in the vault in the listed version with the listed
// hash, and still be in that version; and the report made now from the
// vault must rest on exactly the records listed, so that nothing the report
// shows is missing from its list and nothing has been added since. A record
// removed from this device after delivery to HQ passes when its hash is
// still in the device chain.
//
// A CSV export (notes, attendance, checklist) is checked by the records its
// rows cite: each must be in the vault in that version with that hash, and
// unchanged since. A CSV names no subject, so what it leaves out is not
// checked. The matrix cites no records (ErrCSVNoRecords).
func Check(v *storage.Vault, file []byte) (*CheckResult, error) {
	if t, ss, err := readCSVSources(file); !errors.Is(err, errNotCSV) {
		if err != nil {
			return nil, err
		}
		return checkCSV(v, t, ss)
	}
	m, err := ReadManifest(file)
	if err != nil {
		return nil, err
	}
	res := &CheckResult{Manifest: m}
	if err := checkSources(v, m.Sources, res); err != nil {
		return nil, err
	}
	listed := map[uuid.UUID]Source{}
	for _, s := range m.Sources {
		listed[s.ID] = s
	}
	now, err := Build(v, m.Subject, m.ID, Options{})
	if err != nil {
		res.Problems = append(res.Problems, fmt.Sprintf("the %s report cannot be made again from this vault: %v", m.Subject, err))
		return res, nil
	}
	for _, s := range now.Sources {
		if _, ok := listed[s.ID]; !ok {
			res.Problems = append(res.Problems, fmt.Sprintf("%s %s (version %d, sha256 %s) is part of this report when made from this vault now, but not in the file's list: it was added since, or left out", s.Kind, s.ID, s.Version, s.Hash))
		}
		delete(listed, s.ID) // a changed version is reported above
	}
	for _, s := range m.Sources {
		if _, ok := listed[s.ID]; ok {
			res.Problems = append(res.Problems, fmt.Sprintf("%s %s is in the file's list, but the report made from this vault now does not rest on it", s.Kind, s.ID))
		}
	}
	return res, nil
}

// checkSources checks each source against the vault: the record is there
// in that version with that hash and unchanged since, or was removed from
// this device after delivery and its hash is still in the device chain.
// It counts what matches in res.Checked and says what does not in
// res.Problems.
func checkSources(v *storage.Vault, ss []Source, res *CheckResult) error {
	var purged []Source
	err := v.View(func(tx *storage.Tx) error {
		for _, s := range ss {
			hist, err := tx.History(s.ID)
			if errors.Is(err, storage.ErrNotFound) {
				purged = append(purged, s)
				continue
			}
			if err != nil {
				return err
			}
			if p := checkVersion(s, hist); p != "" {
				res.Problems = append(res.Problems, p)
			} else {
				res.Checked++
			}
		}
		return nil
	})
	if err != nil || len(purged) == 0 {
		return err
	}
	found, err := chainHashes(v, purged)
	if err != nil {
		return err
	}
	for _, s := range purged {
		if found[s.Hash] {
			res.Checked++
			continue
		}
		res.Problems = append(res.Problems, fmt.Sprintf("%s %s (version %d, sha256 %s) is not in this vault, nor its hash in this device's chain", s.Kind, s.ID, s.Version, s.Hash))
	}
	return nil
}

// checkVersion compares a listed source with the record's versions.
func checkVersion(s Source, hist []*storage.Version) string {
	var ver *storage.Version
	for _, h := range hist {
		if h.Version == s.Version {
			ver = h
		}
	}
	last := hist[len(hist)-1]
	switch {
	case ver == nil:
		return fmt.Sprintf("%s %s has no version %d in this vault (it has %d)", s.Kind, s.ID, s.Version, last.Version)
	case ver.Hash != s.Hash:
		return fmt.Sprintf("%s %s version %d has sha256 %s in this vault, but the report lists %s: the report or the vault was changed", s.Kind, s.ID, s.Version, ver.Hash, s.Hash)
	case last.Deleted:
		return fmt.Sprintf("%s %s was deleted after the report was made (version %d, saved %s)", s.Kind, s.ID, last.Version, utc(storage.HLCTime(last.HLC)))
	case last.Version != s.Version:
		return fmt.Sprintf("%s %s was changed after the report was made: the report shows version %d, the vault now holds version %d (sha256 %s, saved %s)",
			s.Kind, s.ID, s.Version, last.Version, last.Hash, utc(storage.HLCTime(last.HLC)))
	}
	return ""
}

// chainHashes returns which of the sources' hashes are in this device's
// chain, where purged versions keep them.
func chainHashes(v *storage.Vault, ss []Source) (map[string]bool, error) {
	want := map[string]bool{}
	for _, s := range ss {
		want[s.Hash] = true
	}
	found := map[string]bool{}
	err := v.ChainSince(0, func(ver *storage.Version) error {
		if want[ver.Hash] {
			found[ver.Hash] = true
		}
		return nil
	})
	return found, err
}

// FindVersion finds the record version with a sha256 hash, or with a hash
// starting with at least 12 of its hex digits: among every version in the
// vault, of every device, then among the versions this device purged, of
// which only the chain entry remains (Purged set).
func FindVersion(v *storage.Vault, hash string) (*storage.Version, error) {
	hash = strings.ToLower(strings.TrimSpace(hash))
	if len(hash) < 12 || len(hash) > 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return nil, fmt.Errorf("%q is not a sha256 hash: give its 64 hex digits, or at least the first 12", hash)
	}
	for _, scan := range []func(uint64, func(*storage.Version) error) error{v.Since, v.ChainSince} {
		found, err := firstWithHash(scan, hash)
		if found != nil || err != nil {
			return found, err
		}
	}
	return nil, fmt.Errorf("no version with sha256 %s: %w", hash, storage.ErrNotFound)
}

// firstWithHash returns the first version scan gives whose hash starts
// with hash, or nil.
func firstWithHash(scan func(uint64, func(*storage.Version) error) error, hash string) (*storage.Version, error) {
	var found *storage.Version
	errFound := errors.New("found")
	err := scan(0, func(ver *storage.Version) error {
		if strings.HasPrefix(ver.Hash, hash) {
			found = ver
			return errFound
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFound) {
		return nil, err
	}
	return found, nil
}
