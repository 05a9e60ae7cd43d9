package ui

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire/hqprofile"
)

// maxProfileFile is the largest HQ profile file read, as `courtwatch hq
// add` reads it; real ones are well under 1 kB.
const maxProfileFile = 1 << 20

// pickProfile asks for the HQ profile file and previews it.
func (d *deliveryScreen) pickProfile() {
	d.u.touch()
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			d.u.fail(lang.L("The file could not be opened"), err)
			return
		}
		if r == nil {
			return // cancelled
		}
		b, err := readProfile(r)
		r.Close()
		if err != nil {
			d.profileError(err)
			return
		}
		d.previewProfile(b)
	}, d.u.win)
	showFileDialog(fd, d.u.win)
}

// readProfile reads a profile file, refusing one over maxProfileFile
// without reading it all.
func readProfile(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxProfileFile+1))
	if err == nil && len(b) > maxProfileFile {
		err = errors.New(lang.L("the file is larger than 1 MB, far larger than an HQ profile"))
	}
	return b, err
}

func (d *deliveryScreen) profileError(err error) {
	dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("This is not an HQ profile that can be installed"), err,
		lang.L("Install the file exactly as HQ sent it, or ask HQ for a new one.")), d.u.win)
}

// profilePreview shows what a profile file holds and what installing it
// changes, and installs it only when the monitor confirms.
type profilePreview struct {
	d       *deliveryScreen
	p       hqprofile.Profile
	old     *hqprofile.Profile // the profile it replaces or supersedes; nil if none
	changes []string           // what changes, in words; empty for a first install
	other   bool               // old is for a different HQ: other keys, or another HQ
	dlg     *dialog.ConfirmDialog
}

// previewProfile checks the profile file b and asks to install it.
func (d *deliveryScreen) previewProfile(b []byte) *profilePreview {
	p, err := hqprofile.Parse(b)
	if err != nil {
		d.profileError(err)
		return nil
	}
	if p.Name == "" { // older `courtwatch-hq profile` wrote none
		p.Name = "HQ"
		if u, err := url.Parse(p.URL); err == nil && u.Hostname() != "" {
			p.Name = u.Hostname()
		}
	}
	pv := &profilePreview{d: d, p: p}
	if err := pv.compare(); err != nil {
		d.u.fail(lang.L("The installed HQ profiles could not be read"), err)
		return nil
	}

	objs := []fyne.CanvasObject{profileForm(p)}
	title, confirm := lang.L("Install this HQ profile?"), lang.L("Install")
	switch {
	case pv.old == nil:
		objs = append(objs, wrapped(lang.L("Before you install it, call HQ and check the keys above with the HQ admin, group by group.")))
	case len(pv.changes) == 0:
		objs = append(objs, wrapped(lang.L("This profile is installed already; installing it again changes nothing.")))
	case pv.other:
		title, confirm = lang.L("Replace the profile of a different HQ?"), lang.L("Replace")
		objs = append(objs, warnLabel(lang.L("This replaces the profile for a different HQ: {{.Old}}. What changes:", map[string]any{"Old": pv.old.Name})))
		for _, c := range pv.changes {
			objs = append(objs, wrapped("• "+c))
		}
		objs = append(objs, wrapped(lang.L("From now on, new bundles are sealed so that only the new HQ can read them. Bundles sealed before keep their keys. Do this only if HQ told you to, and check the keys above with HQ by phone first.")))
	default:
		objs = append(objs, wrapped(lang.L("This updates the profile of {{.Name}}. What changes:", map[string]any{"Name": pv.old.Name})))
		for _, c := range pv.changes {
			objs = append(objs, wrapped("• "+c))
		}
	}
	pv.dlg = dialog.NewCustomConfirm(title, confirm, lang.L("Cancel"), container.NewVScroll(container.NewVBox(objs...)), func(ok bool) {
		if ok {
			pv.install()
		}
	}, d.u.win)
	if pv.other {
		pv.dlg.SetConfirmImportance(widget.DangerImportance)
	}
	size := d.u.win.Canvas().Size()
	pv.dlg.Resize(fyne.NewSize(min(size.Width-80, 760), size.Height-80))
	pv.dlg.Show()
	return pv
}

// compare finds the profile the new one replaces (the same name) or
// supersedes as the default (another name), and what changes.
func (pv *profilePreview) compare() error {
	ps, err := outbox.Profiles(pv.d.v)
	if err != nil {
		return err
	}
	for _, q := range ps {
		if q.Name == pv.p.Name || (q.Default && pv.old == nil) {
			pv.old = &q.Profile
		}
	}
	if pv.old == nil {
		return nil
	}
	o, p := pv.old, pv.p
	sameKeys := slices.Equal(o.Recipients, p.Recipients) && o.ReceiptKey == p.ReceiptKey
	pv.other = !sameKeys || o.Name != p.Name
	change := func(what, from, to string) {
		if from == to {
			return
		}
		if from == "" {
			from = lang.L("(none)")
		}
		if to == "" {
			to = lang.L("(none)")
		}
		pv.changes = append(pv.changes, lang.L("{{.What}}: {{.Old}} → {{.New}}", map[string]any{"What": what, "Old": from, "New": to}))
	}
	change(lang.L("HQ"), o.Name, p.Name)
	change(lang.L("Receiver"), o.URL, p.URL)
	change(lang.L("Encryption keys"), strings.Join(o.Recipients, ", "), strings.Join(p.Recipients, ", "))
	change(lang.L("Receipt key"), o.ReceiptKey, p.ReceiptKey)
	change(lang.L("Certificate pin"), o.TLSPin, p.TLSPin)
	change(lang.L("Proxy"), o.Proxy, p.Proxy)
	return nil
}

// install installs the profile as the default, once the monitor has
// confirmed what it replaces, and starts delivery if it was not running.
func (pv *profilePreview) install() {
	d := pv.d
	if !d.alive() {
		return
	}
	if err := installProfile(d.v, pv.p); err != nil {
		d.profileError(err)
		return
	}
	d.refreshHQ()
	if d.u.sync == nil || d.u.sync.up == nil {
		d.u.restartSync()
	}
	d.out.reload()
	dialog.ShowInformation(lang.L("HQ profile installed"),
		lang.L("New bundles are now sealed to {{.Name}}. Next, save this device's file and give it to HQ; once HQ has enrolled it, Sync now delivers.", map[string]any{"Name": pv.p.Name}), d.u.win)
}

// installProfile is the library call of `courtwatch hq add --default`
// (with --replace: the preview has asked the monitor before replacing a
// profile for a different HQ).
func installProfile(v *storage.Vault, p hqprofile.Profile) error {
	return outbox.AddProfile(v, p, "", true)
}

// profileForm shows a profile's name, receiver and keys, the keys in groups
// of four to be checked by phone.
func profileForm(p hqprofile.Profile) *widget.Form {
	f := widget.NewForm(
		widget.NewFormItem(lang.L("HQ"), widget.NewLabelWithStyle(p.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		widget.NewFormItem(lang.L("Receiver"), wrapped(orNone(p.URL, lang.L("none: deliver on a USB stick")))),
	)
	if p.Proxy != "" {
		f.Append(lang.L("Proxy"), wrapped(p.Proxy))
	}
	for i, r := range p.Recipients {
		label := lang.L("Encryption key")
		if len(p.Recipients) > 1 {
			label = lang.L("Encryption key {{.N}}", map[string]any{"N": i + 1})
		}
		f.Append(label, monoKey(r))
	}
	f.Append(lang.L("Receipt key"), monoKey(p.ReceiptKey))
	if p.TLSPin != "" {
		f.Append(lang.L("Certificate pin"), monoKey(strings.TrimPrefix(p.TLSPin, "sha256:")))
	}
	return f
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}
