package hq

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"aead.dev/minisign"
)

// TLSPin is the pin of the receiver's certificate in dir: "sha256:" and
// the hex sha256 of its SubjectPublicKeyInfo. It stays the same if the
// certificate is renewed with the same key.
func TLSPin(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, CertFile))
	if err != nil {
		return "", fmt.Errorf("read the TLS certificate: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return "", fmt.Errorf("%s holds no PEM certificate", filepath.Join(dir, CertFile))
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", fmt.Errorf("read the TLS certificate: %w", err)
	}
	return PinOf(cert), nil
}

// PinOf is the TLS pin of a certificate, as in hqprofile.Profile.TLSPin.
func PinOf(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// TLSConfig is the receiver's TLS configuration, from dir's tls/.
func TLSConfig(dir string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, CertFile), filepath.Join(dir, CertKeyFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("the HQ folder %s has no TLS certificate and key in %s: %w", dir, TLSDir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("load the TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// ReceiptKey reads dir's receipt.key, with which the receiver signs
// receipts.
func ReceiptKey(dir string) (minisign.PrivateKey, error) {
	var k minisign.PrivateKey
	b, err := os.ReadFile(filepath.Join(dir, ReceiptKeyFile))
	if err != nil {
		return k, fmt.Errorf("read the receipt key: %w", err)
	}
	if err := k.UnmarshalText(b); err != nil {
		return k, fmt.Errorf("read the receipt key %s: %w", filepath.Join(dir, ReceiptKeyFile), err)
	}
	return k, nil
}
