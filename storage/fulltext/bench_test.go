package fulltext

import (
	"testing"
	"unicode/utf8"
)

// benchNote is a typical mixed monitoring note of about 300 characters.
const benchNote = "Hearing 14 March, Phnom Penh Municipal Court. Defendant Kem Sokha " +
	"(កឹម សុខា) present with counsel; Judge Koy Sao. លោក កឹម សុខា បានបដិសេធការចោទប្រកាន់" +
	"\u200bទាំងអស់។ Witness Nguyễn Văn An testified via interpreter. Prosecutor " +
	"cited speeches of Sam Rainsy (សម រង្ស៊ី). Next hearing: 2 April. Public gallery full."

func TestBenchNoteLength(t *testing.T) {
	if n := utf8.RuneCountInString(benchNote); n < 250 || n > 350 {
		t.Errorf("benchNote has %d runes, want about 300", n)
	}
}

func BenchmarkFold(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchNote)))
	for b.Loop() {
		Fold(benchNote)
	}
}

func BenchmarkTerms(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchNote)))
	for b.Loop() {
		Terms(benchNote)
	}
}

func BenchmarkParseQuery(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseQuery("sokha កឹម សុខា").Lookups()
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, bm := range []struct{ name, query string }{
		{"latin", "sokha rainsy"},
		{"khmer", "ចោទប្រកាន់"},
		{"mixed", "sokha កឹម"},
		{"miss", "chea នួន"},
	} {
		q := ParseQuery(bm.query)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(benchNote)))
			for b.Loop() {
				q.Match(benchNote)
			}
		})
	}
}

func BenchmarkSnippet(b *testing.B) {
	q := ParseQuery("rainsy")
	b.ReportAllocs()
	for b.Loop() {
		q.Snippet(benchNote)
	}
}

// BenchmarkFoldASCIIKhmer folds a note of ASCII and Khmer only, like most
// notes (and the benchmark vault's), which takes Fold's fast path.
func BenchmarkFoldASCIIKhmer(b *testing.B) {
	note := "09:42 The presiding judge asks លោកកឹមសុខា whether he received the summons;\n" +
		"counsel objects that the indictment was served late. Prosecutor replies. ចៅក្រម\u200bអនុញ្ញាត"
	b.ReportAllocs()
	b.SetBytes(int64(len(note)))
	for b.Loop() {
		Fold(note)
	}
}
