package outbox

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"courtwatch/storage"
	"courtwatch/sync/wire/hqprofile"
)

// ProfileInfo is an installed HQ profile.
type ProfileInfo struct {
	hqprofile.Profile
	Default bool `json:"default"`
}

// AddProfile installs an HQ profile under name (p.Name when name is empty),
// replacing one of that name: that is how HQ rotates its keys, and new
// bundles are sealed to the new recipients while bundles sealed before keep
// theirs. The first profile, or any with makeDefault, becomes the default,
// which Seal encrypts to.
func AddProfile(v *storage.Vault, p hqprofile.Profile, name string, makeDefault bool) error {
	if name != "" {
		p.Name = name
	}
	if err := hqprofile.CheckName(p.Name); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	return v.Update(func(tx *storage.Tx) error {
		var def string
		ok, err := getJSON(tx, keyDefault, &def)
		if err != nil {
			return err
		}
		if err := setJSON(tx, keyProfilePrefix+p.Name, p); err != nil {
			return err
		}
		if makeDefault || !ok {
			return setJSON(tx, keyDefault, p.Name)
		}
		return nil
	})
}

// Profiles lists the installed HQ profiles by name.
func Profiles(v *storage.Vault) ([]ProfileInfo, error) {
	var out []ProfileInfo
	err := v.View(func(tx *storage.Tx) error {
		var def string
		if _, err := getJSON(tx, keyDefault, &def); err != nil {
			return err
		}
		return tx.ScanAux(keyProfilePrefix, func(key string, val []byte) error {
			p, err := hqprofile.Parse(val)
			if err != nil {
				return fmt.Errorf("%w: %s: %v", ErrCorrupt, key, err)
			}
			out = append(out, ProfileInfo{Profile: p, Default: p.Name == def})
			return nil
		})
	})
	return out, err
}

// DefaultProfile returns the profile that new bundles are sealed to, or
// ErrNoProfile.
func DefaultProfile(v *storage.Vault) (hqprofile.Profile, error) {
	var p hqprofile.Profile
	err := v.View(func(tx *storage.Tx) (err error) {
		p, err = defaultProfile(tx)
		return err
	})
	return p, err
}

func defaultProfile(tx *storage.Tx) (hqprofile.Profile, error) {
	var def string
	ok, err := getJSON(tx, keyDefault, &def)
	if err != nil {
		return hqprofile.Profile{}, err
	}
	if !ok {
		return hqprofile.Profile{}, fmt.Errorf("%w: bundles can only be sealed to HQ's key, which comes in an HQ profile", ErrNoProfile)
	}
	return profile(tx, def)
}

func profile(tx *storage.Tx, name string) (hqprofile.Profile, error) {
	b, err := tx.Aux(keyProfilePrefix + name)
	if errors.Is(err, storage.ErrNotFound) {
		return hqprofile.Profile{}, fmt.Errorf("%w: HQ profile %q", ErrNoProfile, name)
	}
	if err != nil {
		return hqprofile.Profile{}, err
	}
	p, err := hqprofile.Parse(b)
	if err != nil {
		return p, fmt.Errorf("%w: HQ profile %q: %v", ErrCorrupt, name, err)
	}
	return p, nil
}

// Profile returns the installed HQ profile called name, or ErrNoProfile.
func Profile(v *storage.Vault, name string) (hqprofile.Profile, error) {
	var p hqprofile.Profile
	err := v.View(func(tx *storage.Tx) (err error) {
		p, err = profile(tx, name)
		return err
	})
	return p, err
}

// ProfileChanges lists, in plain words, what installing p in place of the
// installed profile old changes. otherHQ is true when p is for another HQ
// (or HQ changed its keys): its recipients or its receipt key differ, so
// new bundles would be readable by other keys, and receipts signed by
// another key. Installing such a profile over old must be asked for
// explicitly (courtwatch hq add --replace).
func ProfileChanges(old, p hqprofile.Profile) (changes []string, otherHQ bool) {
	change := func(what, from, to string) {
		if from == "" {
			from = "none"
		}
		if to == "" {
			to = "none"
		}
		changes = append(changes, fmt.Sprintf("%s: %s -> %s", what, from, to))
	}
	if !slices.Equal(old.Recipients, p.Recipients) {
		change("recipients (who can read new bundles)", strings.Join(old.Recipients, ", "), strings.Join(p.Recipients, ", "))
		otherHQ = true
	}
	if old.ReceiptKey != p.ReceiptKey {
		change("receipt key", old.ReceiptKey, p.ReceiptKey)
		otherHQ = true
	}
	if old.URL != p.URL {
		change("url", old.URL, p.URL)
	}
	if old.TLSPin != p.TLSPin {
		change("tls pin", old.TLSPin, p.TLSPin)
	}
	if old.Proxy != p.Proxy {
		change("proxy", old.Proxy, p.Proxy)
	}
	return changes, otherHQ
}
