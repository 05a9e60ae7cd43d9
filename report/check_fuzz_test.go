package report_test

import (
	"bytes"
	"testing"

	"courtwatch/report"

	"github.com/google/uuid"
)

// FuzzReadManifest: "report check" reads any file a user hands it. It
// must never panic or hang, and whatever list it accepts is well formed.
func FuzzReadManifest(f *testing.F) {
	doc := &report.Doc{Kind: "Hearing report", Title: "T", Subject: report.SubjectHearing, SubjectID: uuid.New(),
		Sources: []report.Source{{Kind: "note", ID: uuid.New(), Version: 2, Hash: string(bytes.Repeat([]byte("ab"), 32))}}}
	var h, p bytes.Buffer
	if err := doc.WriteHTML(&h); err != nil {
		f.Fatal(err)
	}
	if err := doc.WritePDF(&p); err != nil {
		f.Fatal(err)
	}
	f.Add(h.Bytes())
	f.Add(p.Bytes())
	f.Add([]byte("%PDF-1.7\n/F (courtwatch-sources.json) /EF <</F 99999999999999999999 0 R"))
	f.Add([]byte(`<script type="application/json" id="courtwatch-sources">{"format":"courtwatch-report-sources/1","sources":[{}]}</script>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := report.ReadManifest(data)
		if err != nil {
			return
		}
		for _, s := range m.Sources {
			if s.ID == uuid.Nil || len(s.Hash) != 64 || s.Version == 0 {
				t.Fatalf("accepted a malformed entry %+v", s)
			}
		}
	})
}
