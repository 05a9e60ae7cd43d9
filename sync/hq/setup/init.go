package setup

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"courtwatch/storage"
	"courtwatch/storage/safefile"
	"courtwatch/sync/hq"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"filippo.io/age"
)

// certValidity is how long the receiver's certificate is valid.
const certValidity = 5 * 365 * 24 * time.Hour

// DefaultHosts are the certificate's names when InitOptions.Hosts is empty.
var DefaultHosts = []string{"localhost", "127.0.0.1", "::1"}

// InitOptions describe a new HQ folder.
type InitOptions struct {
	Name       string            // the HQ's name, shown to monitors in the profile
	Hosts      []string          // DNS names and IP addresses for the certificate; empty: DefaultHosts
	Passphrase []byte            // the HQ vault's passphrase; required
	KDF        storage.KDFParams // the HQ vault's KDF; zero: storage.DefaultKDF
	Now        time.Time         // creation time; zero: now
}

// Init creates the HQ folder dir: keys, certificate, an empty device
// registry and the HQ vault (see the package doc). It refuses a folder
// that exists, even an empty one, and creates either all of it or nothing.
func Init(dir string, opt InitOptions) (err error) {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("init %s: %w", dir, hq.ErrExists)
	}
	if len(opt.Passphrase) == 0 {
		return errors.New("init: the HQ vault needs a passphrase")
	}
	if opt.Name != "" {
		if err := hqprofile.CheckName(opt.Name); err != nil {
			return fmt.Errorf("init: the HQ's name is the name of its profile on monitors' devices: %w", err)
		}
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if len(opt.Hosts) == 0 {
		opt.Hosts = DefaultHosts
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".init-*")
	if err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	// Owner only, also on Windows, where the keys' privacy is the
	// folder's access control list.
	if err := safefile.MakePrivate(tmp); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	if err := populate(tmp, opt); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	return syncDir(parent)
}

// populate writes a new HQ folder's content into dir.
func populate(dir string, opt InitOptions) error {
	for _, d := range []string{hq.TLSDir, hq.DevicesDir} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			return err
		}
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return err
	}
	ageKey := fmt.Sprintf("# created: %s\n# public key: %s\n%s\n",
		opt.Now.Format(time.RFC3339), id.Recipient(), id)
	if err := writeFileAtomic(filepath.Join(dir, hq.AgeKeyFile), []byte(ageKey), 0o600); err != nil {
		return err
	}
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	privText, _ := priv.MarshalText()
	pubText, _ := pub.MarshalText()
	if err := writeFileAtomic(filepath.Join(dir, hq.ReceiptKeyFile), append(privText, '\n'), 0o600); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, hq.ReceiptPubFile), append(pubText, '\n'), 0o644); err != nil {
		return err
	}
	if err := writeCert(dir, opt); err != nil {
		return err
	}
	v, err := storage.Create(hq.VaultDir(dir), opt.Passphrase,
		storage.CreateOptions{KDF: opt.KDF, DeviceName: strings.TrimSpace("HQ " + opt.Name)})
	if err != nil {
		return err
	}
	if err := v.Close(); err != nil {
		return err
	}
	info, _ := json.MarshalIndent(hq.Info{Format: hq.Format, Name: opt.Name}, "", "  ")
	return writeFileAtomic(filepath.Join(dir, hq.InfoFile), append(info, '\n'), 0o644) // last: it marks the folder
}

// writeCert makes the receiver's self-signed certificate for opt.Hosts.
func writeCert(dir string, opt InitOptions) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: strings.TrimSpace("Courtwatch HQ " + opt.Name)},
		NotBefore:             opt.Now.Add(-time.Hour),
		NotAfter:              opt.Now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range opt.Hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("make the TLS certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	if err := writeFileAtomic(filepath.Join(dir, hq.CertKeyFile), keyPEM, 0o600); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, hq.CertFile), certPEM, 0o644)
}

// The HQ folder's files are written with safefile, as in package hq.
var (
	writeFileAtomic = safefile.WriteFile
	syncDir         = safefile.SyncDir
)
