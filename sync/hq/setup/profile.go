package setup

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"courtwatch/sync/hq"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"filippo.io/age"
)

// Profile makes the HQ profile that monitors install (hqprofile.Profile) for
// the receiver at rawURL. Its recipients are the identities in age.key
// followed by extraRecipients (for key rotation: the next HQ key, or a
// second HQ), its receipt key is receipt.pub, and proxy, if not empty, is
// the proxy monitors go through (e.g. socks5://127.0.0.1:9050 for Tor).
// With pin, and an https URL, monitors accept only the certificate in
// tls/ (hq.TLSPin); pin is ignored for http URLs, which are for loopback.
func Profile(dir, rawURL string, extraRecipients []string, proxy string, pin bool) (hqprofile.Profile, error) {
	info, err := hq.ReadInfo(dir)
	if err != nil {
		return hqprofile.Profile{}, err
	}
	p := hqprofile.Profile{Format: hqprofile.Format, Name: profileName(info.Name, dir), URL: rawURL, Proxy: proxy}
	if p.Recipients, err = recipients(dir); err != nil {
		return p, err
	}
	for _, r := range extraRecipients {
		if !slices.Contains(p.Recipients, r) {
			p.Recipients = append(p.Recipients, r)
		}
	}
	pub, err := minisign.PublicKeyFromFile(filepath.Join(dir, hq.ReceiptPubFile))
	if err != nil {
		return p, fmt.Errorf("read the receipt key: %w", err)
	}
	p.ReceiptKey = pub.String()
	if u, err := url.Parse(rawURL); pin && err == nil && u.Scheme == "https" {
		if p.TLSPin, err = hq.TLSPin(dir); err != nil {
			return p, err
		}
	}
	if err := p.Check(); err != nil {
		return p, err
	}
	return p, nil
}

// Identities reads the HQ age identities from dir's age.key: the key that
// opens bundles, which only setup and the importer may hold.
func Identities(dir string) ([]age.Identity, error) {
	name := filepath.Join(dir, hq.AgeKeyFile)
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the HQ age key %s is missing: it opens the monitors' bundles, and the HQ profile's recipients come from it. If you keep it elsewhere, copy it back for this command (mode 0600), and remove it again afterwards: %w", name, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("read the HQ age key: %w", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("read the HQ age key %s: %w", f.Name(), err)
	}
	return ids, nil
}

// recipients are the public keys of the identities in dir's age.key.
func recipients(dir string) ([]string, error) {
	ids, err := Identities(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		x, ok := id.(*age.X25519Identity)
		if !ok {
			return nil, fmt.Errorf("the HQ age key %s holds a key that is not an X25519 identity (AGE-SECRET-KEY-1…)", filepath.Join(dir, hq.AgeKeyFile))
		}
		out = append(out, x.Recipient().String())
	}
	return out, nil
}

// profileName is the name profiles give the HQ: its name from init, or,
// for an HQ made without one, the name of its folder, made into a name
// that a device installs a profile under (hqprofile.CheckName).
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
	if n := strings.TrimRight(b.String(), "-"); hqprofile.CheckName(n) == nil {
		return n
	}
	return "HQ"
}
