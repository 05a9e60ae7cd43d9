package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/setup"

	"aead.dev/minisign"
	"filippo.io/age"
)

// Import merges bundles into the HQ vault. For each bundle file under a
// folder (the receiver's store, <device>/<seq>.cwb, or a folder from a USB
// stick, <device>-<seq>.cwb; each next to its .cwb.minisig), or in a
// bucket that receivers share (from is then s3://BUCKET/PREFIX; see
// OpenS3; signature and receipt in each .cwb's metadata, or next to it
// in the older layout), in order of device and seq, it:
//
//  1. skips it as a replay if HQ imported exactly these bytes as the
//     bundle that its signature names (checked when it was imported),
//     unless its name says it is another bundle (ErrMisplaced: see 3);
//  2. finds the device that the signature names in the registry (an
//     unknown device's bundles are rejected before step 1, unread, and a
//     revoked device's unless HQ receipted them before the revocation:
//     see import_revoked.go);
//  3. opens the bundle with bundle.Open: signature by that device's key,
//     decryption with HQ's age identity, manifest, entries and the hash
//     chain of the records inside; a bundle whose name, in one of the
//     layouts, names another device or seq than its signature is
//     reported (ErrMisplaced) and not imported from there;
//  4. classifies it with the device's bundle.Sequence kept in the vault:
//     a replay is skipped and counted; a fork is reported and skipped; a
//     bundle after a gap is merged, and the gap reported;
//  5. links it to the bundles of the device that HQ holds: bundle N+1
//     names bundle N's hash, and its first record continues the device's
//     chain where bundle N's last record ends (a mismatch is a fork);
//  6. merges every record with storage.Tx.Merge and records the new
//     sequence state in the same vault transaction.
//
// A bundle that fails any check merges nothing. Importing a bundle again
// changes nothing. Bundles that are too large for one transaction are
// merged in several; only the last records the sequence, so a crash
// between them leaves a bundle that the next import merges again, which
// is idempotent.
//
// Attachment content in a bundle is stored with the bundle's last
// transaction, addressed by its sha256 like the monitor's copy.
//
// The error is for what stops the whole import (unreadable age.key or
// registry, a failing vault); what is wrong with single bundles is in the
// report. Import runs one at a time per process; the vault's lock keeps
// other processes out.
func Import(dir string, v *storage.Vault, from string, opt ImportOptions) (*ImportReport, error) {
	importMu.Lock()
	defer importMu.Unlock()
	im, err := newImporter(dir, v, opt)
	if err != nil {
		return nil, err
	}
	files, err := findBundlesIn(from, opt)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	for _, f := range files {
		if err := im.importFile(f); err != nil {
			return im.rep, err
		}
	}
	if err := im.gaps(); err != nil {
		return im.rep, err
	}
	return im.rep, nil
}

var importMu sync.Mutex

// ImportOptions tune Import. The zero value is right for real use.
type ImportOptions struct {
	// Identities decrypt the bundles; nil: those in the HQ folder's age.key.
	Identities []age.Identity
	// Batch is the most records merged in one vault transaction; 0: a whole
	// bundle at once, split only when the vault finds it too large.
	Batch int
	// Now is the clock for the import times kept with each bundle; nil:
	// time.Now.
	Now func() time.Time
	// Getenv reads the AWS_* variables when importing from an s3://
	// store; nil: os.Getenv.
	Getenv func(string) string
}

// ImportReport says what Import did.
type ImportReport struct {
	Devices []*DeviceReport `json:"devices"` // ordered by device id
	// Unreadable lists bundle files whose signature names no device: the
	// .minisig file is missing, damaged or not a Courtwatch signature;
	// and folders under the import folder that cannot be read.
	Unreadable []Problem `json:"unreadable"`
}

// DeviceReport is what Import did with one device's bundles.
type DeviceReport struct {
	Device   string `json:"device"`
	Monitor  string `json:"monitor"`  // from the registry; "" if not enrolled
	Enrolled bool   `json:"enrolled"` // whether the registry holds the device
	// Revoked is when the device was revoked, if it was: its bundles are
	// imported only if HQ receipted them before then.
	Revoked  time.Time `json:"revoked,omitzero"`
	Imported []uint64  `json:"imported"` // bundles merged in this run, by seq
	Added    int       `json:"added"`    // record versions new to the HQ vault
	Replays  int       `json:"replays"`  // bundles imported before, skipped
	// Missing are the bundles of the device that HQ lacks below the
	// highest one it imported (gaps), at most 1000.
	Missing  []uint64  `json:"missing"`
	Forks    []Problem `json:"forks"`    // bundles that conflict with what HQ holds
	Rejected []Problem `json:"rejected"` // bundles that fail a check
	// Attachments counts the attachment files in the imported
	// bundles; their content is stored in the HQ vault.
	Attachments int `json:"attachments"`
}

// Problem is a bundle file that was not imported, and why, in plain words.
type Problem struct {
	File   string `json:"file"`
	Seq    uint64 `json:"seq,omitempty"`
	Reason string `json:"reason"`
	Err    error  `json:"-"` // for errors.Is: bundle.ErrFork, hq.ErrUnknownDevice, …
}

// Failed reports whether a bundle was rejected, forked or unreadable.
func (r *ImportReport) Failed() bool {
	if len(r.Unreadable) > 0 {
		return true
	}
	for _, d := range r.Devices {
		if len(d.Forks)+len(d.Rejected) > 0 {
			return true
		}
	}
	return false
}

// Any reports whether Import did or found anything to report: a bundle
// imported, skipped or refused, or a file or folder it could not read.
func (r *ImportReport) Any() bool {
	if len(r.Unreadable) > 0 {
		return true
	}
	for _, d := range r.Devices {
		if len(d.Imported)+d.Replays+len(d.Forks)+len(d.Rejected) > 0 {
			return true
		}
	}
	return false
}

// Device returns the report of device id, or nil.
func (r *ImportReport) Device(id string) *DeviceReport {
	for _, d := range r.Devices {
		if d.Device == id {
			return d
		}
	}
	return nil
}

// importer is one run of Import.
type importer struct {
	dir     string
	v       *storage.Vault
	ids     []age.Identity
	devices map[string]hq.Device
	batch   int // records per transaction; shrinks when one is too large
	// receiptPub is HQ's receipt key, read when a revoked device's bundle
	// needs its receipt checked.
	receiptPub *minisign.PublicKey
	now        func() time.Time
	rep        *ImportReport
}

func newImporter(dir string, v *storage.Vault, opt ImportOptions) (*importer, error) {
	all, err := hq.Devices(dir)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	im := &importer{dir: dir, v: v, ids: opt.Identities, devices: map[string]hq.Device{},
		batch: opt.Batch, now: opt.Now, rep: &ImportReport{Devices: []*DeviceReport{}, Unreadable: []Problem{}}}
	for _, d := range all {
		im.devices[d.ID] = d
	}
	if im.ids == nil {
		if im.ids, err = setup.Identities(dir); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
	}
	if im.now == nil {
		im.now = time.Now
	}
	return im, nil
}

// device returns the report of device id, adding it in order.
func (im *importer) device(id string) *DeviceReport {
	if d := im.rep.Device(id); d != nil {
		return d
	}
	reg, ok := im.devices[id]
	d := &DeviceReport{Device: id, Monitor: reg.Monitor, Enrolled: ok, Revoked: reg.Revoked, Imported: []uint64{},
		Missing: []uint64{}, Forks: []Problem{}, Rejected: []Problem{}}
	i, _ := slices.BinarySearchFunc(im.rep.Devices, id, func(d *DeviceReport, id string) int { return strings.Compare(d.Device, id) })
	im.rep.Devices = slices.Insert(im.rep.Devices, i, d)
	return d
}

// importFile imports one bundle file. Its error stops the whole import.
func (im *importer) importFile(f bundleFile) error {
	if f.err != nil {
		im.rep.Unreadable = append(im.rep.Unreadable, Problem{File: f.path, Reason: f.err.Error(), Err: f.err})
		return nil
	}
	dr := im.device(f.t.Device)
	if _, err := im.enrolled(f.t.Device); errors.Is(err, hq.ErrUnknownDevice) {
		// Not enrolled (a registry never forgets a device): nothing to
		// read. A prefix of another organisation's bundles is not
		// downloaded only to be refused. (A revoked device's bundles are
		// read: those HQ receipted before the revocation are imported.)
		dr.Rejected = append(dr.Rejected, Problem{File: f.path, Seq: f.t.Seq, Reason: err.Error(), Err: err})
		return nil
	}
	var data []byte
	reject := func(err error) error {
		seq := f.t.Seq
		if errors.Is(err, bundle.ErrBadSignature) || (errors.Is(err, bundle.ErrTampered) && bundle.Hash(data) != f.t.Hash) {
			// The number came from a signature that did not verify: it is
			// only a claim.
			seq, err = claimed(f, err)
		}
		dr.Rejected = append(dr.Rejected, Problem{File: f.path, Seq: seq, Reason: err.Error(), Err: err})
		return nil
	}
	data, err := f.read()
	if err != nil {
		return reject(err)
	}
	if seen, err := im.imported(f.t, data); err != nil {
		return err
	} else if seen {
		if err := misplaced(f.path, f.t, true); err != nil {
			return reject(err)
		}
		dr.Replays++
		return nil
	}
	c, err := im.open(f, data)
	if err != nil {
		return reject(err)
	}
	if err := misplaced(f.path, c.Trusted, false); err != nil {
		return reject(err)
	}
	var st *deviceState
	if err := im.v.View(func(tx *storage.Tx) (err error) {
		st, err = loadState(tx, c.Trusted.Device, c.Trusted.Seq)
		return err
	}); err != nil {
		return fmt.Errorf("import: read the import state of device %s: %w", c.Trusted.Device, err)
	}
	switch err := st.check(c); {
	case errors.Is(err, bundle.ErrReplay):
		dr.Replays++
		return nil
	case errors.Is(err, bundle.ErrFork):
		dr.Forks = append(dr.Forks, Problem{File: f.path, Seq: f.t.Seq, Reason: err.Error(), Err: err})
		return nil
	case err != nil && !errors.Is(err, bundle.ErrGap):
		return reject(err)
	}
	added, err := im.merge(c, st)
	var fatal *vaultError
	switch {
	case errors.As(err, &fatal):
		return fmt.Errorf("import bundle %d of device %s (%s): %w", f.t.Seq, f.t.Device, f.path, fatal.err)
	case errors.Is(err, storage.ErrConflict):
		dr.Forks = append(dr.Forks, Problem{File: f.path, Seq: f.t.Seq, Reason: err.Error(), Err: fmt.Errorf("%w: %w", bundle.ErrFork, err)})
		return nil
	case err != nil:
		return reject(err)
	}
	dr.Imported = append(dr.Imported, f.t.Seq)
	dr.Added += added
	dr.Attachments += len(c.Attachments)
	return nil
}

// imported reports whether HQ imported exactly these bytes as the bundle
// that t names: a replay, which needs no further checks (they were made
// when it was imported), even if the device was revoked since.
func (im *importer) imported(t verify.Trusted, data []byte) (bool, error) {
	var l *bundleLink
	err := im.v.View(func(tx *storage.Tx) (err error) {
		l, err = loadLink(tx, t.Device, t.Seq)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("import: read the import state of device %s: %w", t.Device, err)
	}
	return l != nil && l.Hash == bundle.Hash(data), nil
}

// open opens the bundle file's data with the key of the device that its
// signature names. A revoked device's bundle is opened only if HQ
// receipted it before the revocation (see import_revoked.go).
func (im *importer) open(f bundleFile, data []byte) (*bundle.Contents, error) {
	d, err := im.enrolled(f.t.Device)
	switch {
	case errors.Is(err, hq.ErrRevoked):
		return im.openRevoked(d, f, data)
	case err != nil:
		return nil, err
	}
	return im.openWith(d, f, data)
}

// openWith opens the bundle file's data with the key of device d.
func (im *importer) openWith(d hq.Device, f bundleFile, data []byte) (*bundle.Contents, error) {
	pub, err := d.Key()
	if err != nil {
		return nil, fmt.Errorf("the registry entry of device %s is damaged: %w", d.ID, err)
	}
	c, err := bundle.Open(data, f.sig, pub, im.ids...)
	if err != nil {
		return nil, err
	}
	if err := c.Trusted.CheckDevice(d.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// enrolled returns the registry entry of device id if its bundles are
// accepted.
func (im *importer) enrolled(id string) (hq.Device, error) {
	d, ok := im.devices[id]
	switch {
	case !ok:
		return d, fmt.Errorf("%w: the bundle is signed in the name of device %s, which this HQ has not enrolled; enroll its device file if you trust it, then import again", hq.ErrUnknownDevice, id)
	case !d.Active():
		return d, fmt.Errorf("%w: device %s (%s) was revoked on %s, so its bundles are not imported", hq.ErrRevoked, id, d.Monitor, d.Revoked.Format(time.DateOnly))
	}
	return d, nil
}

// gaps fills in the missing bundles of every device in the report.
func (im *importer) gaps() error {
	return im.v.View(func(tx *storage.Tx) error {
		for _, dr := range im.rep.Devices {
			seq, err := loadSequence(tx, dr.Device)
			if err != nil {
				return fmt.Errorf("import: read the import state of device %s: %w", dr.Device, err)
			}
			dr.Missing = append(dr.Missing[:0], missing(seq)...)
		}
		return nil
	})
}
