package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/storage"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"filippo.io/age"
)

// wipe --sync-first delivers to HQ before it erases, so that the count it
// then prints is 0; without a receiver it erases anyway, saying how many
// records HQ has not confirmed.
func TestWipeSyncFirst(t *testing.T) {
	v := newCLIVault(t)
	h := v.hearing()
	v.must("note", "add", "--hearing", h, "Judge enters")
	var dev wire.Device
	if err := json.Unmarshal([]byte(v.must("device", "export")), &dev); err != nil {
		t.Fatal(err)
	}
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := age.GenerateX25519Identity()
	hq := &miniHQ{device: dev, key: priv, stored: map[string]wire.SignedReceipt{}}
	s := httptest.NewServer(hq)
	defer s.Close()
	profile, _ := json.Marshal(hqprofile.Profile{Format: hqprofile.Format, Name: "hq", URL: s.URL,
		Recipients: []string{id.Recipient().String()}, ReceiptKey: pub.String()})
	file := filepath.Join(t.TempDir(), "profile.json")
	os.WriteFile(file, profile, 0o600)
	v.must("hq", "add", file)

	var out, errOut bytes.Buffer
	if err := run([]string{"wipe", "--yes", "--sync-first", "5"}, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("wipe: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "delivered bundle 1 to ") || !strings.Contains(errOut.String(), "HQ has confirmed every record") ||
		!strings.Contains(out.String(), "erased the vault in ") {
		t.Fatalf("wipe --sync-first printed\n%s\n%s", out.String(), errOut.String())
	}
	if hq.uploads != 1 {
		t.Fatalf("%d uploads", hq.uploads)
	}
	if _, err := storage.Open(v.dir, []byte("correct horse battery staple")); !errors.Is(err, storage.ErrNoVault) {
		t.Fatalf("open after wipe: %v", err)
	}

	// No receiver: the count of what HQ has not confirmed.
	v = newCLIVault(t)
	v.hearing()
	out.Reset()
	errOut.Reset()
	if err := run([]string{"wipe"}, strings.NewReader("wipe\n"), &out, &errOut); err != nil {
		t.Fatalf("wipe: %v", err)
	}
	if !strings.Contains(errOut.String(), "2 records HQ has not confirmed yet: wiping loses them for good.") {
		t.Fatalf("wipe printed %q", errOut.String())
	}
}
