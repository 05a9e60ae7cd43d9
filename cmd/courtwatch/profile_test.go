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

// TestHQAddReplace: installing a profile for another HQ (other recipients
// or receipt key) under an installed profile's name needs --replace and
// says what changes; a new URL alone does not.
func TestHQAddReplace(t *testing.T) {
	v := newCLIVault(t)
	dir := t.TempDir()
	profile := func(name, url, recipient, key string) string {
		p := filepath.Join(dir, name)
		s := `{"format":"courtwatch-hq-profile/1","name":"hq","url":"` + url + `","recipients":["` + recipient + `"],"receipt_key":"` + key + `"}`
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const (
		r1 = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
		r2 = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"
		k1 = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
	)
	v.must("hq", "add", profile("a.json", "https://hq.example.org", r1, k1))
	out := v.must("hq", "add", profile("b.json", "https://hq2.example.org:8443", r1, k1))
	if !strings.Contains(out, `HQ profile "hq" replaced`) || !strings.Contains(out, "url: https://hq.example.org -> https://hq2.example.org:8443") {
		t.Errorf("a new URL: %s", out)
	}
	other := profile("c.json", "https://evil.example.org", r2, k1)
	_, err := v.run("", "hq", "add", other)
	var printed bytes.Buffer
	report(&printed, err)
	if err == nil || !strings.Contains(printed.String(), "installed with other keys") || !strings.Contains(printed.String(), r2) ||
		!strings.Contains(printed.String(), "--replace") {
		t.Fatalf("another HQ's profile without --replace: %v\n%s", err, printed.String())
	}
	if list := v.must("hq", "list"); !strings.Contains(list, "hq2.example.org") {
		t.Fatalf("the refused profile changed the installed one:\n%s", list)
	}
	out = v.must("hq", "add", "--replace", other)
	if !strings.Contains(out, "recipients (who can read new bundles): "+r1+" -> "+r2) {
		t.Errorf("--replace does not say what changed:\n%s", out)
	}
}

// TestInitRefusesControlName: a monitor name with a line break or a
// terminal escape is refused at init, as HQ refuses it in a device file.
func TestInitRefusesControlName(t *testing.T) {
	t.Setenv("COURTWATCH_PASSPHRASE", "correct horse battery staple")
	t.Setenv("COURTWATCH_TEST_KDF", "1")
	var out, errOut bytes.Buffer
	dir := filepath.Join(t.TempDir(), "vault")
	err := run([]string{"--vault", dir, "init", "--name", "Sok Dara\nkey RWQfake\x1b[8m"}, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "control characters") {
		t.Fatalf("init: %v", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("a vault was made")
	}
}
