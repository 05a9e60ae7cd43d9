package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHQAddBadFiles: a profile over the size limit, or cut short, is
// refused with what is wrong with the file, never a parser's "unexpected
// EOF"; the control characters a file holds are not printed raw.
func TestHQAddBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	valid := `{"format":"courtwatch-hq-profile/1","name":"hq","url":"https://hq.example.org","recipients":["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"],"receipt_key":"RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"}`
	tests := []struct{ name, file, want string }{
		{"over the limit", write("big.json", valid+strings.Repeat(" ", 1<<20)), "has more than 1024 KiB"},
		{"cut short", write("short.json", valid[:len(valid)/2]), "is cut short"},
		{"not JSON", write("x.json", "\x1b[2Jhello"), "is not JSON"},
		{"user:pass@", write("pass.json", strings.Replace(valid, "https://", "https://admin:hunter2@", 1)), "user name or password"},
		{"forged name", write("name.json", strings.Replace(valid, `"name":"hq"`, `"name":"hq\nHQ profile \"real\" installed\u001b[8m"`, 1)), "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut, printed bytes.Buffer
			err := run([]string{"--vault", filepath.Join(dir, "vault"), "hq", "add", tt.file}, strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatalf("accepted: %s", out.String())
			}
			report(&printed, err)
			msg := printed.String()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "hunter2") ||
				strings.ContainsAny(msg, "\x1b") || strings.Count(msg, "\n") > 2 {
				t.Errorf("got %q, want %q", msg, tt.want)
			}
			t.Log(msg)
		})
	}
}
