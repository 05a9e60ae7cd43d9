package hq

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"courtwatch/storage/safefile"
)

// Format is the format of hq.json.
const Format = "courtwatch-hq/1"

// Names inside the HQ folder (see the package doc), "/"-separated.
const (
	InfoFile       = "hq.json"
	AgeKeyFile     = "age.key"
	ReceiptKeyFile = "receipt.key"
	ReceiptPubFile = "receipt.pub"
	TLSDir         = "tls"
	CertFile       = "tls/cert.pem"
	CertKeyFile    = "tls/key.pem"
	DevicesDir     = "devices"
	vaultDir       = "vault"
)

var (
	// ErrExists: setup.Init was pointed at a folder that already exists.
	ErrExists = errors.New("the HQ folder already exists")
	// ErrNoHQ: the folder holds no HQ folder (no valid hq.json).
	ErrNoHQ = errors.New("not an HQ folder")
)

// Info is hq.json.
type Info struct {
	Format string `json:"format"`
	Name   string `json:"name"`
}

// ReadInfo reads dir's hq.json, checking that dir is an HQ folder.
func ReadInfo(dir string) (Info, error) {
	var info Info
	b, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if errors.Is(err, os.ErrNotExist) {
		return info, fmt.Errorf("%s: %w (it has no %s)", dir, ErrNoHQ, InfoFile)
	}
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(b, &info); err != nil || info.Format != Format {
		return info, fmt.Errorf("%s: %w (%s is not a %s file)", dir, ErrNoHQ, InfoFile, Format)
	}
	return info, nil
}

// VaultDir is the HQ vault's folder inside the HQ folder dir.
func VaultDir(dir string) string { return filepath.Join(dir, vaultDir) }

// The HQ folder's files are written with safefile (temporary file, sync,
// rename, folder sync; write-through rename on Windows). The short name
// serves the callers in this package.
var writeFileAtomic = safefile.WriteFile
