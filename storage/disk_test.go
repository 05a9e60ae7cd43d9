package storage

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"courtwatch/storage/fulltext"

	"github.com/google/uuid"
)

// Nothing the monitor types may reach the disk in readable form: not in the
// vault folder, not in a temporary file. The test stores marked text through
// every path that writes (records, edits, attachments, search indexing),
// then looks for the markers, and the search terms derived from them, in
// every byte of every file, while the vault is open and after it is closed.

// diskSecrets is what the workflow stores; each must stay unreadable.
var diskSecrets = map[string]string{
	"case title":      "MARKER-CASE-7f3a",
	"khmer name":      "សមរង្ស៊ីសុខាកឹម",
	"latin name":      "Zyxwvutsrq Marker",
	"latin surname":   "Zyxwvutsrq",
	"note":            "NOTEMARKER-93c1",
	"edited note":     "EDITMARKER-4d8e",
	"attachment":      "ATTACHMARKER",
	"attachment name": "ATTNAMEMARKER-61b0",
	"alias":           "ALIASMARKER-2c9f",
	"device name":     "DEVICEMARKER-5b2e",
	"passphrase":      string(testPass),
}

// diskNeedle is one byte pattern to look for, with a label for messages
// (the pattern itself is not printed, so that test output never contains
// it).
type diskNeedle struct {
	label string
	b     []byte
}

func diskNeedles() []diskNeedle {
	var out []diskNeedle
	seen := map[string]bool{}
	add := func(label string, b []byte) {
		if len(b) < 8 || seen[string(b)] { // shorter patterns occur in ciphertext by chance
			return
		}
		seen[string(b)] = true
		out = append(out, diskNeedle{label, b})
	}
	utf16le := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	for name, s := range diskSecrets {
		for form, v := range map[string]string{
			"":         s,
			"lower":    strings.ToLower(s),
			"upper":    strings.ToUpper(s),
			"folded":   fulltext.Fold(s),
			"no-space": strings.ReplaceAll(s, " ", ""),
		} {
			add(name+" "+form, []byte(v))
			add(name+" "+form+" UTF-16LE", utf16le(v))
		}
		// The search index keys: s/<term>\0<id>. A term is a kind byte and
		// a folded word or Khmer trigram.
		for _, term := range fulltext.Terms(s) {
			add(name+" search term", []byte(term))
			add(name+" search term without kind", []byte(term[1:]))
			add(name+" search key", append([]byte("s/"), term...))
		}
	}
	return out
}

// diskScan reads every file under each root and reports any needle found.
func diskScan(t *testing.T, when string, needles []diskNeedle, roots ...string) (files int, size int64) {
	t.Helper()
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			size += int64(len(b))
			for _, n := range needles {
				if i := bytes.Index(b, n.b); i >= 0 {
					t.Errorf("%s: %s found in plain text in %s at offset %d", when, n.label, p, i)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: scanning %s: %v", when, root, err)
		}
	}
	return files, size
}

func TestDiskHoldsNoPlaintext(t *testing.T) {
	// Anything the vault (or Badger) puts in the temporary folder lands in
	// one that this test owns and scans.
	tmp := t.TempDir()
	for _, k := range []string{"TMPDIR", "TMP", "TEMP"} {
		t.Setenv(k, tmp)
	}
	if os.TempDir() != tmp {
		t.Fatalf("os.TempDir() = %s, want %s", os.TempDir(), tmp)
	}
	dir := filepath.Join(t.TempDir(), "vault")
	needles := diskNeedles()
	scan := func(when string) {
		t.Helper()
		files, size := diskScan(t, when, needles, dir, tmp)
		if files < 4 || size == 0 {
			t.Fatalf("%s: scanned only %d files, %d bytes", when, files, size)
		}
		t.Logf("%s: %d patterns, %d files, %d bytes: clean", when, len(needles), files, size)
	}
	s := diskSecrets

	v, err := Create(dir, testPass, CreateOptions{KDF: TestKDF, DeviceName: s["device name"]})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { v.Close() }()
	c := &Case{Court: "Phnom Penh Municipal Court", Number: "002/19", Title: "Trial " + s["case title"] + " of the opposition"}
	p := &Person{Name: s["latin name"], NameLocal: s["khmer name"], Aliases: []string{s["alias"]}, Affiliation: "CNRP"}
	mustPut(t, v, c, p)
	h := &Hearing{CaseID: c.ID, Scheduled: time.Date(2024, 5, 2, 8, 30, 0, 0, time.UTC), Courtroom: "3"}
	mustPut(t, v, h)
	mustPut(t, v, &CaseDefendant{CaseID: c.ID, PersonID: p.ID, Status: StatusInAbsentia, StatusReason: "abroad"})
	n := &Note{HearingID: h.ID, Time: h.Scheduled.Add(10 * time.Minute), Defendants: []uuid.UUID{p.ID},
		Text: s["note"] + ": the judge read out the name " + s["latin name"] + " (" + s["khmer name"] + "); nobody answered."}
	mustPut(t, v, n)
	var content bytes.Buffer
	for i := range 2000 {
		content.WriteString("page text of the summons, line ")
		content.WriteString(strings.Repeat("x", i%17))
		if i == 1000 {
			content.WriteString(s["attachment"])
		}
		content.WriteByte('\n')
	}
	att := &Attachment{HearingID: h.ID, Name: s["attachment name"] + ".txt", MediaType: "text/plain"}
	if err := v.AddAttachment(att, bytes.NewReader(content.Bytes())); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"zyxwvutsrq", s["khmer name"], "notemarker", "aliasmarker"} {
		hits, err := v.Search(q, 0)
		if err != nil || len(hits) == 0 {
			t.Fatalf("search %q: %d hits, %v (the index must hold these terms for the scan to mean anything)", q, len(hits), err)
		}
	}
	scan("open, after the first saves")

	n.Text = s["edited note"] + " " + n.Text
	if err := v.Update(func(tx *Tx) error { return tx.Put(n) }); err != nil {
		t.Fatal(err)
	}
	scan("open, right after the edit's Update returned")

	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	scan("closed")

	v, err = Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	if hits, err := v.Search("editmarker", 0); err != nil || len(hits) != 1 {
		t.Fatalf("search after reopen: %d hits, %v", len(hits), err)
	}
	if got, err := v.AttachmentContent(att.SHA256); err != nil || !bytes.Equal(got, content.Bytes()) {
		t.Fatalf("attachment after reopen: %d bytes, %v", len(got), err)
	}
	scan("reopened and searched")
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	scan("closed again")

	// vault.json mirrors the format and the KDF parameters, nothing else:
	// not the salt, which only key.wrapped holds.
	hb, err := os.ReadFile(filepath.Join(dir, headerFile))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(hb, &top); err != nil {
		t.Fatal(err)
	}
	if keys := diskMapKeys(top); !slices.Equal(keys, []string{"format", "kdf"}) {
		t.Errorf("vault.json has fields %v, want only format and kdf", keys)
	}
	var format string
	if err := json.Unmarshal(top["format"], &format); err != nil || format != formatVersion {
		t.Errorf("vault.json format = %s, want %q", top["format"], formatVersion)
	}
	var kdf map[string]json.RawMessage
	if err := json.Unmarshal(top["kdf"], &kdf); err != nil {
		t.Fatal(err)
	}
	if keys := diskMapKeys(kdf); !slices.Equal(keys, []string{"algorithm", "memory_kib", "threads", "time"}) {
		t.Errorf("vault.json kdf has fields %v, want algorithm, memory_kib, threads, time", keys)
	}
	// The folder holds vault.json, key.wrapped, lockout, chain.head, the
	// sealed ledger of checked tables and db/, and nothing that a crash left behind (writeFileAtomic's temporary files).
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{headFileName, dbDir, wrappedFile, lockoutFile, checkedFile, headerFile}) {
		t.Errorf("vault folder holds %v, want chain.head, db, key.wrapped, lockout, tables.checked and vault.json", names)
	}
	wb, err := os.ReadFile(filepath.Join(dir, wrappedFile))
	if err != nil || len(wb) != keyFileSize || !bytes.HasPrefix(wb, []byte(keyMagic)) {
		t.Errorf("key.wrapped: %d bytes, %v; want %d bytes starting %q", len(wb), err, keyFileSize, keyMagic)
	}
	if kf, err := parseKeyFile(wb); err != nil || len(kf.kdf.Salt) != saltSize {
		t.Errorf("key.wrapped does not parse, or its salt is not %d bytes: %v", saltSize, err)
	} else if bytes.Contains(hb, kf.kdf.Salt) || strings.Contains(string(hb), base64.StdEncoding.EncodeToString(kf.kdf.Salt)) {
		t.Errorf("vault.json holds the salt")
	}
	if lb, err := os.ReadFile(filepath.Join(dir, lockoutFile)); err != nil || len(lb) != lockoutSize {
		t.Errorf("lockout: %d bytes, %v; want %d", len(lb), err, lockoutSize)
	}
}

func diskMapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
