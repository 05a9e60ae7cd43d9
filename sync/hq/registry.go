package hq

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"courtwatch/storage/safefile"
	"courtwatch/sync/wire"

	"github.com/google/uuid"
)

var (
	// ErrUnknownDevice: no device with that id is enrolled.
	ErrUnknownDevice = errors.New("device is not enrolled")
	// ErrRevoked: the device was revoked; its uploads are refused.
	ErrRevoked = errors.New("device was revoked")
	// ErrKeyMismatch: the device file's key differs from the enrolled one
	// for that device, or its key is enrolled for another device.
	ErrKeyMismatch = errors.New("device key does not match the enrolled one")
)

// Device is an enrolled device: its device file and when it was enrolled
// and, if it was, revoked. devices/<id>.json holds it as JSON.
type Device struct {
	wire.Device
	Enrolled time.Time `json:"enrolled"`
	Revoked  time.Time `json:"revoked,omitzero"`
}

// Active reports whether d's uploads are accepted.
func (d Device) Active() bool { return d.Revoked.IsZero() }

// Enroll adds the device in deviceFile (a wire device file) to the
// registry of dir. added is false when the device was already enrolled
// with the same key, and nothing changed. A device already enrolled with
// another key, or a key already enrolled for another device, is
// ErrKeyMismatch; a revoked device is ErrRevoked and stays revoked.
func Enroll(dir string, deviceFile []byte) (d Device, added bool, err error) {
	if _, err := ReadInfo(dir); err != nil {
		return d, false, err
	}
	wd, err := wire.ParseDevice(deviceFile)
	if err != nil {
		return d, false, err
	}
	if err := CheckID(wd.ID); err != nil {
		return d, false, fmt.Errorf("device file: %w", err)
	}
	key, _ := wd.Key() // ParseDevice checked it
	wd.PublicKey = key.String()
	all, err := Devices(dir)
	if err != nil {
		return d, false, err
	}
	for _, old := range all {
		switch {
		case old.ID == wd.ID && old.PublicKey != wd.PublicKey:
			return old, false, fmt.Errorf("%w: device %s is enrolled with key %s, not %s", ErrKeyMismatch, wd.ID, old.PublicKey, wd.PublicKey)
		case old.ID == wd.ID && !old.Active():
			return old, false, fmt.Errorf("%w: device %s was revoked on %s", ErrRevoked, wd.ID, old.Revoked.Format(time.DateOnly))
		case old.ID == wd.ID:
			return old, false, nil
		case old.PublicKey == wd.PublicKey:
			return old, false, fmt.Errorf("%w: key %s is already enrolled for device %s (%s)", ErrKeyMismatch, wd.PublicKey, old.ID, old.Monitor)
		}
	}
	d = Device{Device: wd, Enrolled: time.Now().UTC().Truncate(time.Second)}
	return d, true, writeDevice(dir, d)
}

// Devices lists the enrolled devices of dir, revoked ones included, in
// the order they were enrolled.
func Devices(dir string) ([]Device, error) {
	if _, err := ReadInfo(dir); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(filepath.Join(dir, DevicesDir))
	if err != nil {
		return nil, fmt.Errorf("read the device registry: %w", err)
	}
	var out []Device
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || CheckID(id) != nil {
			continue
		}
		d, err := LoadDevice(dir, id)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Device) int {
		return cmp.Or(a.Enrolled.Compare(b.Enrolled), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Revoke revokes device id in dir's registry: from now on the receiver
// refuses its uploads. Revoking a revoked device changes nothing.
func Revoke(dir, id string) (Device, error) {
	if _, err := ReadInfo(dir); err != nil {
		return Device{}, err
	}
	d, err := LoadDevice(dir, id)
	if err != nil || !d.Active() {
		return d, err
	}
	d.Revoked = time.Now().UTC().Truncate(time.Second)
	return d, writeDevice(dir, d)
}

// LoadDevice reads devices/<id>.json of dir: ErrUnknownDevice if there is
// none. The receiver reads it for every upload.
func LoadDevice(dir, id string) (Device, error) {
	var d Device
	if err := CheckID(id); err != nil {
		return d, fmt.Errorf("%w: %v", ErrUnknownDevice, err)
	}
	b, err := safefile.ReadFile(filepath.Join(dir, DevicesDir, id+".json")) // revoke may be replacing it
	if errors.Is(err, os.ErrNotExist) {
		return d, fmt.Errorf("%w: %s", ErrUnknownDevice, id)
	}
	if err != nil {
		return d, fmt.Errorf("read device %s: %w", id, err)
	}
	if err := json.Unmarshal(b, &d); err != nil || d.ID != id {
		return d, fmt.Errorf("the registry file %s is damaged; enroll the device again after removing it", filepath.Join(dir, DevicesDir, id+".json"))
	}
	if _, err := d.Key(); err != nil {
		return d, fmt.Errorf("the registry file %s is damaged: %v", filepath.Join(dir, DevicesDir, id+".json"), err)
	}
	return d, nil
}

func writeDevice(dir string, d Device) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, DevicesDir, d.ID+".json"), append(b, '\n'), 0o644)
}

// CheckID accepts a device id in its canonical form only: a lowercase
// UUID, as bundles name devices. It also keeps ids safe as file names.
func CheckID(id string) error {
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return fmt.Errorf("device id %q is not a lowercase UUID", id)
	}
	return nil
}
