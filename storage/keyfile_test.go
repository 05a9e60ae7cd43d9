package storage

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unlock opens the key file of dir with passphrase and returns the data
// key, reading files only: for tests that open Badger behind the vault's
// back.
func unlock(dir string, passphrase []byte) (header, []byte, error) {
	kf, err := readKeyFile(dir)
	if err != nil {
		return header{}, nil, err
	}
	kek, _, role, dataKey, err := kf.unlockKey(passphrase)
	wipe(kek)
	if err == nil && role != roleVault {
		return header{}, nil, errors.New("the duress passphrase")
	}
	return header{Format: formatVersion, KDF: kf.kdf}, dataKey, err
}

// extractV1 unpacks testdata/v1vault.tar.gz, a vault made by Courtwatch
// before the key file carried its salt (the base of this change: "init
// --name 'v1 monitor'", a case "Fixture case", a hearing and one note,
// passphrase testPass, COURTWATCH_TEST_KDF=1), and returns its folder.
func extractV1(t testing.TB) string {
	t.Helper()
	f, err := os.Open("testdata/v1vault.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, root+string(filepath.Separator)) {
			t.Fatalf("bad tar entry %q", h.Name)
		}
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(p, 0o700); err != nil {
				t.Fatal(err)
			}
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, os.FileMode(h.Mode)&0o777); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(root, "vault")
}

func fileBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
