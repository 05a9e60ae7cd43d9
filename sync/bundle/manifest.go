package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"courtwatch/sync/bundle/verify"
)

// Names of the tar entries.
const (
	manifestName    = "manifest.json"
	recordsName     = "records.jsonl"
	attachmentsPath = "attachments/"
)

// Manifest is manifest.json, the first entry of a bundle's tar stream.
type Manifest struct {
	Format     string            `json:"format"`
	Device     string            `json:"device"`
	Monitor    string            `json:"monitor"`
	Seq        uint64            `json:"seq"`
	Prev       string            `json:"prev"`
	HLCFirst   uint64            `json:"hlc_first"`
	HLCLast    uint64            `json:"hlc_last"`
	ChainFirst uint64            `json:"chain_first"`
	ChainLast  uint64            `json:"chain_last"`
	Records    int               `json:"records"`
	Created    time.Time         `json:"created"`
	Entries    map[string]string `json:"entries"`
}

var manifestFields = map[string]bool{
	"format": true, "device": true, "monitor": true, "seq": true, "prev": true,
	"hlc_first": true, "hlc_last": true, "chain_first": true, "chain_last": true,
	"records": true, "created": true, "entries": true,
}

// ParseManifest parses manifest.json strictly: every field present exactly
// once and spelled exactly, no unknown fields, nothing after the object, and
// the values consistent (see check). Errors wrap ErrMalformed.
func ParseManifest(b []byte) (Manifest, error) {
	if len(b) > maxManifest {
		return Manifest{}, fmt.Errorf("%w: manifest.json has %d bytes, the limit is %d", ErrTooLarge, len(b), maxManifest)
	}
	if err := checkKeys(b); err != nil {
		return Manifest{}, fmt.Errorf("%w: manifest.json: %v", ErrMalformed, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, fmt.Errorf("%w: manifest.json: %v", ErrMalformed, err)
	}
	if err := m.check(); err != nil {
		return Manifest{}, fmt.Errorf("%w: manifest.json: %v", ErrMalformed, err)
	}
	return m, nil
}

// check tests what a manifest says on its own, before it is compared with
// the content.
func (m *Manifest) check() error {
	switch {
	case m.Format != verify.Format:
		return fmt.Errorf("format %q is not %q; a newer Courtwatch may be needed", m.Format, verify.Format)
	case verify.CheckDeviceID(m.Device) != nil:
		return verify.CheckDeviceID(m.Device)
	case m.Seq == 0:
		return errors.New("seq is 0; bundles are numbered from 1")
	case m.Seq == 1 && m.Prev != "":
		return errors.New("bundle 1 names a previous bundle")
	case m.Seq > 1 && !verify.IsHash(m.Prev):
		return fmt.Errorf("prev %q is not a sha256 hex", m.Prev)
	case m.Records < 1:
		return errors.New("no records")
	case m.ChainFirst == 0 || m.ChainLast < m.ChainFirst || m.ChainLast-m.ChainFirst != uint64(m.Records-1):
		return fmt.Errorf("chain range %d..%d does not hold %d records", m.ChainFirst, m.ChainLast, m.Records)
	case m.HLCLast < m.HLCFirst:
		return fmt.Errorf("hlc range %d..%d is reversed", m.HLCFirst, m.HLCLast)
	case m.Created.IsZero() || m.Created.Nanosecond() != 0 || m.Created.Location() != time.UTC:
		return fmt.Errorf("created %v is not a whole second in UTC", m.Created)
	case !verify.IsHash(m.Entries[recordsName]):
		return errors.New("entries lacks the sha256 of records.jsonl")
	case len(m.Entries) > maxEntries-1:
		return fmt.Errorf("%d entries, the limit is %d", len(m.Entries), maxEntries-1)
	}
	for name, sum := range m.Entries {
		if name == recordsName {
			continue
		}
		h, ok := strings.CutPrefix(name, attachmentsPath)
		if !ok || !verify.IsHash(h) || sum != h {
			return fmt.Errorf("entry %q with sha256 %q is neither records.jsonl nor attachments/<its sha256>", name, sum)
		}
	}
	return nil
}

// checkKeys rejects JSON that encoding/json would accept but that another
// parser might read differently: duplicate keys, keys in another case,
// unknown keys, missing keys, and anything after the object.
func checkKeys(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	n := 0
	if err := walkObject(d, func(k string) error {
		if !manifestFields[k] {
			return fmt.Errorf("unknown field %q", k)
		}
		n++
		if k == "entries" {
			return walkObject(d, func(string) error { return skipValue(d) })
		}
		return skipValue(d)
	}); err != nil {
		return err
	}
	if n != len(manifestFields) {
		return fmt.Errorf("%d of the %d fields are missing", len(manifestFields)-n, len(manifestFields))
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("data after the manifest object")
	}
	return nil
}

// walkObject reads one JSON object from d, calling value for each key with d
// positioned at its value, and fails on a repeated key.
func walkObject(d *json.Decoder, value func(key string) error) error {
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("want an object (%v)", err)
	}
	seen := map[string]bool{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		k := t.(string) // object keys are strings, or Token fails
		if seen[k] {
			return fmt.Errorf("field %q appears twice", k)
		}
		seen[k] = true
		if err := value(k); err != nil {
			return err
		}
	}
	_, err := d.Token() // '}'
	return err
}

func skipValue(d *json.Decoder) error {
	var v json.RawMessage
	return d.Decode(&v)
}
