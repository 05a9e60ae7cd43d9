package hq

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"courtwatch/sync/wire"

	"aead.dev/minisign"
	"filippo.io/age"
)

// Profile makes the HQ profile that monitors install (wire.Profile) for
// the receiver at rawURL. Its recipients are the identities in age.key
// followed by extraRecipients (for key rotation: the next HQ key, or a
// second HQ), its receipt key is receipt.pub, and proxy, if not empty, is
// the proxy monitors go through (e.g. socks5://127.0.0.1:9050 for Tor).
// With pin, and an https URL, monitors accept only the certificate in
// tls/ (TLSPin); pin is ignored for http URLs, which are for loopback.
func Profile(dir, rawURL string, extraRecipients []string, proxy string, pin bool) (wire.Profile, error) {
	info, err := ReadInfo(dir)
	if err != nil {
		return wire.Profile{}, err
	}
	p := wire.Profile{Format: wire.ProfileFormat, Name: profileName(info.Name, dir), URL: rawURL, Proxy: proxy}
	if p.Recipients, err = recipients(dir); err != nil {
		return p, err
	}
	for _, r := range extraRecipients {
		if !slices.Contains(p.Recipients, r) {
			p.Recipients = append(p.Recipients, r)
		}
	}
	pub, err := minisign.PublicKeyFromFile(filepath.Join(dir, receiptPubFile))
	if err != nil {
		return p, fmt.Errorf("read the receipt key: %w", err)
	}
	p.ReceiptKey = pub.String()
	if u, err := url.Parse(rawURL); pin && err == nil && u.Scheme == "https" {
		if p.TLSPin, err = TLSPin(dir); err != nil {
			return p, err
		}
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	return p, nil
}

// recipients are the public keys of the identities in dir's age.key.
func recipients(dir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dir, ageKeyFile))
	if err != nil {
		return nil, fmt.Errorf("read the HQ age key: %w", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("read the HQ age key %s: %w", f.Name(), err)
	}
	var out []string
	for _, id := range ids {
		x, ok := id.(*age.X25519Identity)
		if !ok {
			return nil, fmt.Errorf("the HQ age key %s holds a key that is not an X25519 identity (AGE-SECRET-KEY-1…)", f.Name())
		}
		out = append(out, x.Recipient().String())
	}
	return out, nil
}

// TLSPin is the pin of the receiver's certificate in dir: "sha256:" and
// the hex sha256 of its SubjectPublicKeyInfo. It stays the same if the
// certificate is renewed with the same key.
func TLSPin(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, certFile))
	if err != nil {
		return "", fmt.Errorf("read the TLS certificate: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return "", fmt.Errorf("%s holds no PEM certificate", filepath.Join(dir, certFile))
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", fmt.Errorf("read the TLS certificate: %w", err)
	}
	return PinOf(cert), nil
}

// PinOf is the TLS pin of a certificate, as in wire.Profile.TLSPin.
func PinOf(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// tlsConfig is the receiver's TLS configuration, from dir's tls/.
func tlsConfig(dir string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, certFile), filepath.Join(dir, certKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the HQ folder %s has no TLS certificate and key in %s: %w", dir, tlsDir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("load the TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// receiptKey reads dir's receipt.key.
func receiptKey(dir string) (minisign.PrivateKey, error) {
	var k minisign.PrivateKey
	b, err := os.ReadFile(filepath.Join(dir, receiptKeyFile))
	if err != nil {
		return k, fmt.Errorf("read the receipt key: %w", err)
	}
	if err := k.UnmarshalText(b); err != nil {
		return k, fmt.Errorf("read the receipt key %s: %w", filepath.Join(dir, receiptKeyFile), err)
	}
	return k, nil
}

// profileName is the name profiles give the HQ: its name from init, or,
// for an HQ made without one, the name of its folder, made into a name
// that a device installs a profile under (wire.CheckProfileName).
func profileName(name, dir string) string {
	if name != "" {
		return name
	}
	base := filepath.Base(filepath.Clean(dir))
	var b strings.Builder
	for _, r := range base {
		if b.Len() >= 60 {
			break
		}
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r) && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0:
			b.WriteByte('-')
		}
	}
	if n := strings.TrimRight(b.String(), "-"); wire.CheckProfileName(n) == nil {
		return n
	}
	return "HQ"
}
