package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"courtwatch/storage"

	"github.com/google/uuid"
)

// A CSV export carries no list of sources: its rows cite the records
// themselves, by record id, version and hash (notes, attendance,
// checklist). CheckCSV checks each cited version against a vault. A CSV
// names no report subject, so unlike an HTML or PDF report it cannot show
// that nothing was left out: only that nothing it cites was changed.

// ErrCSVNoRecords means a CSV table whose rows cite no records: the
// matrix, whose cells are the charges of several cases.
var ErrCSVNoRecords = errors.New("the matrix CSV cites no records (its cells are charges of several cases, by case number): it cannot be checked; check the case or defendant report it was made with")

// errNotCSV means a file whose first line is not the header of a
// Courtwatch CSV export.
var errNotCSV = errors.New("not a CSV export")

// csvKind is the record kind a table's rows cite, for the tables whose
// rows hold one kind.
var csvKind = map[CSVTable]string{CSVAttendance: storage.KindAttendance, CSVChecklist: storage.KindChecklistAnswer}

// csvTable recognises an export by its header row: the columns of a
// table, then (for the matrix) one per case.
func csvTable(head []string) (CSVTable, bool) {
	for _, t := range []struct {
		t    CSVTable
		cols []string
	}{{CSVNotes, notesColumns}, {CSVAttendance, attendanceColumns}, {CSVChecklist, checklistColumns}} {
		if slices.Equal(head, t.cols) {
			return t.t, true
		}
	}
	if len(head) >= len(matrixColumns) && slices.Equal(head[:len(matrixColumns)], matrixColumns) {
		return CSVMatrix, true
	}
	return "", false
}

// readCSVSources reads a CSV export and returns its table and the record
// versions its rows cite, in row order (a record cited twice, once).
func readCSVSources(file []byte) (CSVTable, []Source, error) {
	file = bytes.TrimPrefix(file, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(file))
	head, err := r.Read()
	if err != nil {
		return "", nil, errNotCSV
	}
	t, ok := csvTable(head)
	if !ok {
		return "", nil, errNotCSV
	}
	if t == CSVMatrix {
		return t, nil, ErrCSVNoRecords
	}
	col := func(name string) int { return slices.Index(head, name) }
	idCol, hashCol, verCol, kindCol := col("record_id"), col("hash"), col("version"), col("kind")
	var ss []Source
	seen := map[uuid.UUID]bool{}
	for line := 2; ; line++ {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return t, nil, fmt.Errorf("the %s CSV does not read at line %d (%v): the file was changed or cut short", t, line, err)
		}
		if row[idCol] == "" && row[hashCol] == "" && row[verCol] == "" {
			continue // e.g. attendance not recorded: no record cited
		}
		id, err := uuid.Parse(row[idCol])
		ver, verErr := strconv.ParseUint(row[verCol], 10, 64)
		hash := row[hashCol]
		if err != nil || verErr != nil || ver == 0 || len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
			return t, nil, fmt.Errorf("line %d of the %s CSV cites a record without a valid record_id, version or sha256 hash: the file was changed", line, t)
		}
		kind := csvKind[t]
		if kindCol >= 0 {
			kind = row[kindCol] // notes: note or event, the record kinds
		}
		if !seen[id] {
			seen[id] = true
			ss = append(ss, Source{Kind: kind, ID: id, Version: ver, Hash: hash})
		}
	}
	return t, ss, nil
}

// checkCSV checks every record version a CSV export cites against v.
func checkCSV(v *storage.Vault, t CSVTable, ss []Source) (*CheckResult, error) {
	res := &CheckResult{CSV: t, Manifest: &Manifest{Format: "csv", Sources: ss}}
	if err := checkSources(v, ss, res); err != nil {
		return nil, err
	}
	return res, nil
}
