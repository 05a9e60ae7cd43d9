package table

import (
	"strings"
	"testing"
)

func TestWriter(t *testing.T) {
	var b strings.Builder
	w := New(&b, "ID", "TEXT")
	w.Row("1", "")
	w.Row("22", "two\n  lines")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "ID  TEXT\n1   -\n22  two lines\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	var nilTable *Writer
	nilTable.Row("ignored")
	if Plural(1, "note") != "1 note" || Plural(2, "note") != "2 notes" {
		t.Error("Plural")
	}
}
