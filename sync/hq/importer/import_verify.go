package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"

	"filippo.io/age"
)

// Explanation says, check by check, what is right or wrong with one
// bundle file, and what Import would do with it.
type Explanation struct {
	File    string `json:"file"`
	Device  string `json:"device,omitempty"`  // as the signature names it
	Monitor string `json:"monitor,omitempty"` // from the registry
	Seq     uint64 `json:"seq,omitempty"`
	Steps   []Step `json:"steps"`
	// Outcome is what Import would do: "import" (the next bundle), "import
	// after a gap", "replay" (skip: imported before), "fork" or "reject".
	Outcome string `json:"outcome"`
	Err     error  `json:"-"` // the failure, for errors.Is; nil unless fork or reject
}

// Outcomes of Explanation.
const (
	OutcomeImport = "import"
	OutcomeGap    = "import after a gap"
	OutcomeReplay = "replay"
	OutcomeFork   = "fork"
	OutcomeReject = "reject"
)

// Step is one check of a bundle.
type Step struct {
	Check  string `json:"check"`  // files, signer, device, signature, place, decryption, contents, chain, sequence
	Status string `json:"status"` // ok, failed, warning, not checked
	Detail string `json:"detail"` // plain words
}

// Status of a Step.
const (
	StepOK         = "ok"
	StepFailed     = "failed"
	StepWarning    = "warning"
	StepNotChecked = "not checked"
)

// String is the explanation as text, one line per check.
func (e *Explanation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bundle %s\n", e.File)
	for _, s := range e.Steps {
		fmt.Fprintf(&b, "  %-11s %-11s %s\n", s.Check, s.Status, s.Detail)
	}
	fmt.Fprintf(&b, "outcome: %s\n", e.Outcome)
	return b.String()
}

// VerifyFile explains what is right or wrong with the bundle file at path
// (next to its .minisig), for the HQ folder dir: the signature (which
// device, enrolled or not), decryption with HQ's age key, the manifest and
// entries, the device's hash chain, and its position among the device's
// bundles that the HQ vault v holds. With v nil, that last check is
// skipped. The error is for failures of HQ's own files; what is wrong
// with the bundle is in the explanation.
func VerifyFile(dir string, v *storage.Vault, path string) (*Explanation, error) {
	im, err := newImporter(dir, v, ImportOptions{})
	if err != nil {
		return nil, err
	}
	e := &Explanation{File: path, Steps: []Step{}}
	e.Err = im.explain(e, path)
	switch {
	case e.Err == nil:
		e.Outcome = OutcomeImport
	case errors.Is(e.Err, bundle.ErrReplay):
		e.Outcome, e.Err = OutcomeReplay, nil
	case errors.Is(e.Err, bundle.ErrGap):
		e.Outcome, e.Err = OutcomeGap, nil
	case errors.Is(e.Err, bundle.ErrFork):
		e.Outcome = OutcomeFork
	default:
		e.Outcome = OutcomeReject
	}
	var fatal *vaultError
	if errors.As(e.Err, &fatal) {
		return e, fatal.err
	}
	return e, nil
}

// explain runs the checks in order, adding a step for each, and returns
// the first failure (or the sequence's ErrReplay or *GapError).
func (im *importer) explain(e *Explanation, path string) error {
	step := func(check, status, format string, a ...any) {
		e.Steps = append(e.Steps, Step{Check: check, Status: status, Detail: fmt.Sprintf(format, a...)})
	}
	fail := func(check string, err error) error {
		step(check, StepFailed, "%v", err)
		return err
	}
	data, err := readBundle(path)
	if err != nil {
		return fail("files", err)
	}
	sig, t, err := readSignature(path + ".minisig")
	if err != nil {
		return fail("files", err)
	}
	step("files", StepOK, "%d bytes, sha256 %s, with its signature file", len(data), bundle.Hash(data))
	e.Device, e.Seq = t.Device, t.Seq
	step("signer", StepOK, "the signature names bundle %d of device %s (checked below)", t.Seq, t.Device)

	d, err := im.enrolled(t.Device)
	switch {
	case errors.Is(err, hq.ErrRevoked):
		e.Monitor = d.Monitor
		readReceipt := func() ([]byte, error) { return readLimited(receiptPath(path), maxReceipt) }
		received, err := im.receiptedBefore(d, path, readReceipt, t.Seq, bundle.Hash(data))
		if err != nil {
			return fail("device", err)
		}
		step("device", StepWarning, "enrolled on %s for monitor %q and revoked on %s; HQ's receipt shows it received this bundle on %s, before the revocation, so it is imported",
			d.Enrolled.Format(time.DateOnly), d.Monitor, d.Revoked.Format(time.RFC3339), received.Format(time.RFC3339))
	case err != nil:
		return fail("device", err)
	default:
		e.Monitor = d.Monitor
		step("device", StepOK, "enrolled on %s for monitor %q", d.Enrolled.Format(time.DateOnly), d.Monitor)
	}
	pub, err := d.Key()
	if err != nil {
		return fail("device", fmt.Errorf("the registry entry is damaged: %w", err))
	}
	vt, err := verify.Verify(data, sig, pub)
	if err != nil {
		if bundle.Hash(data) != t.Hash { // the signature file is another bundle's
			e.Seq, err = claimed(bundleFile{path: path, sig: sig, t: t}, err)
		}
		return fail("signature", err)
	}
	t = vt
	if err := t.CheckDevice(d.ID); err != nil {
		return fail("signature", err)
	}
	step("signature", StepOK, "made with the device's key over exactly these bytes")
	if err := misplaced(path, t, false); err != nil {
		return fail("place", err)
	}

	if _, err := age.Decrypt(bytes.NewReader(data), im.ids...); err != nil {
		return fail("decryption", fmt.Errorf("%w: HQ's age key cannot open it (%v); it was sealed for another HQ key, so check the HQ profile on the device", bundle.ErrNotForUs, err))
	}
	step("decryption", StepOK, "HQ's age key opens it")
	c, err := bundle.Open(data, sig, pub, im.ids...)
	if err != nil {
		return fail("contents", err)
	}
	m := c.Manifest
	step("contents", StepOK, "manifest of %s from monitor %q, sealed %s: %s written %s to %s, %s; records.jsonl and every attachment match the sha256 the manifest gives",
		m.Format, m.Monitor, m.Created.Format(time.RFC3339), plural(m.Records, "record"), storage.HLCTime(m.HLCFirst).UTC().Format(time.RFC3339),
		storage.HLCTime(m.HLCLast).UTC().Format(time.RFC3339), plural(len(c.Attachments), "attachment"))
	if m.ChainFirst == m.ChainLast {
		step("chain", StepOK, "the record is version %d of the device's hash chain", m.ChainFirst)
	} else {
		step("chain", StepOK, "the records are versions %d to %d of the device's hash chain, each naming the hash of the one before", m.ChainFirst, m.ChainLast)
	}

	if im.v == nil {
		step("sequence", StepNotChecked, "without the HQ vault, its place among the device's bundles is not checked")
		return nil
	}
	var st *deviceState
	if err := im.v.View(func(tx *storage.Tx) (err error) {
		st, err = loadState(tx, t.Device, t.Seq)
		return err
	}); err != nil {
		return &vaultError{err}
	}
	err = st.check(c)
	var gap *bundle.GapError
	switch {
	case errors.Is(err, bundle.ErrReplay):
		step("sequence", StepOK, "HQ imported this exact bundle on %s; importing it again changes nothing", st.self.Imported.Format(time.DateOnly))
	case errors.As(err, &gap):
		step("sequence", StepWarning, "%s; import merges it now and links it to them when they arrive", missingWords(gap.Missing))
	case err != nil:
		return fail("sequence", err)
	case t.Seq == 1:
		step("sequence", StepOK, "the device's first bundle, which HQ has not imported yet")
	default:
		step("sequence", StepOK, "the next bundle HQ expects from the device: it follows bundle %d, and its first record continues the device's chain where that bundle ends", t.Seq-1)
	}
	return err
}

// plural says "1 record" or "2 records".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// missingWords says which bundles have not arrived.
func missingWords(seqs []uint64) string {
	switch n := len(seqs); {
	case n == 0:
		return "earlier bundles of the device have not arrived"
	case n == 1:
		return fmt.Sprintf("bundle %d of the device has not arrived", seqs[0])
	case n > 10:
		return fmt.Sprintf("%d bundles of the device, from %d to %d, have not arrived", n, seqs[0], seqs[n-1])
	}
	s := make([]string, len(seqs))
	for i, q := range seqs {
		s[i] = fmt.Sprint(q)
	}
	return fmt.Sprintf("bundles %s and %s of the device have not arrived", strings.Join(s[:len(s)-1], ", "), s[len(s)-1])
}
