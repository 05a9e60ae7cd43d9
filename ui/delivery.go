package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
	"courtwatch/sync/outbox"
)

// deliveryShortcut opens the Delivery screen: Ctrl+Shift+D.
var deliveryShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// deliveryScreen is everything about getting the records to HQ, in a
// dialog over the window so that it can be opened from a hearing too: the
// HQ profile, this device's file for HQ, the purge setting of each case
// (tab "HQ and this device"), and the outbox with Sync now and Export to
// USB (tab "Outbox"). Slow work runs through the sync bar's jobs, off the
// UI goroutine.
type deliveryScreen struct {
	u *appUI
	v *storage.Vault // the vault it shows; the screen is dead once it is locked

	hq         *fyne.Container // the installed profile, or how to get one
	install    *keyButton
	saveDevice *keyButton
	purges     map[uuid.UUID]*keyCheck
	out        *outboxView

	tabs *container.AppTabs
	dlg  *dialog.CustomDialog
	pop  fyne.CanvasObject // the overlay dlg is shown in
}

// Tabs of the Delivery screen.
const (
	deliverySetupTab = iota
	deliveryOutboxTab
)

// showDelivery opens the Delivery screen (Ctrl+Shift+D): on the outbox
// once HQ's profile is installed, else on the set-up.
func (u *appUI) showDelivery() {
	if u.vault == nil {
		return
	}
	tab := deliveryOutboxTab
	if u.sync == nil || u.sync.up == nil {
		tab = deliverySetupTab
	}
	u.openDelivery(tab)
}

// openDeliveries holds the Delivery screen each window shows, so that
// Ctrl+Shift+D while it is open does not open a second one over it.
var openDeliveries sync.Map // *appUI → *deliveryScreen

// openDelivery shows the Delivery screen on tab and returns it. While it
// is already open, it stays as it is (on the tab the monitor chose) and is
// returned.
func (u *appUI) openDelivery(tab int) *deliveryScreen {
	u.touch()
	if d, ok := openDeliveries.Load(u); ok {
		if d := d.(*deliveryScreen); d.alive() && slices.Contains(u.win.Canvas().Overlays().List(), fyne.CanvasObject(d.popUp())) {
			return d
		}
		openDeliveries.Delete(u)
	}
	d := &deliveryScreen{u: u, v: u.vault, purges: map[uuid.UUID]*keyCheck{}}
	d.install = newKeyButton(lang.L("Install HQ profile…"), theme.FolderOpenIcon(), d.pickProfile)
	d.saveDevice = newKeyButton(lang.L("Save device file…"), theme.DocumentSaveIcon(), d.pickDeviceFile)
	d.hq = container.NewVBox()
	d.refreshHQ()
	d.out = newOutboxView(d)

	d.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("HQ and this device"), container.NewVScroll(d.setupContent())),
		container.NewTabItem(lang.L("Outbox"), d.out.content),
	)
	d.tabs.SelectIndex(tab)
	closeBtn := newKeyButton(lang.L("Close"), theme.CancelIcon(), func() { d.dlg.Hide() })
	d.dlg = dialog.NewCustomWithoutButtons(lang.L("Delivery to HQ"), d.tabs, u.win)
	d.dlg.SetButtons([]fyne.CanvasObject{closeBtn})
	d.dlg.SetOnClosed(func() {
		openDeliveries.CompareAndDelete(u, d)
		if u.sync != nil && u.sync.watch == d.out {
			u.sync.watch = nil
		}
	})
	if u.sync != nil {
		u.sync.watch = d.out
	}
	size := u.win.Canvas().Size()
	d.dlg.Resize(fyne.NewSize(size.Width-40, size.Height-40))
	d.dlg.Show()
	d.pop = u.win.Canvas().Overlays().Top()
	openDeliveries.Store(u, d)
	d.out.reload()
	return d
}

// popUp is the overlay the screen is shown in.
func (d *deliveryScreen) popUp() fyne.CanvasObject { return d.pop }

// alive reports whether the vault the screen shows is still open.
func (d *deliveryScreen) alive() bool { return d.u.vault == d.v && d.v != nil }

// setupContent is the tab "HQ and this device": HQ on the left, this
// device and the purge setting on the right.
func (d *deliveryScreen) setupContent() fyne.CanvasObject {
	hq := container.NewVBox(heading(lang.L("HQ")), d.hq, container.NewHBox(d.install))

	dev, _, _ := outbox.DeviceFile(d.v)
	name := dev.Monitor
	if name == "" {
		name = lang.L("(no monitor name)")
	}
	device := container.NewVBox(heading(lang.L("This device")),
		widget.NewForm(
			widget.NewFormItem(lang.L("Monitor"), widget.NewLabel(name)),
			widget.NewFormItem(lang.L("Device id"), monoText(dev.ID, dev.ID)),
			widget.NewFormItem(lang.L("Device key"), monoKey(dev.PublicKey))),
		wrapped(lang.L("Give the device file to the HQ admin. When they enroll it, HQ's program shows the device key: have them read it out to you by phone, and check it against the key above, group by group. It holds no secret.")),
		container.NewHBox(d.saveDevice))

	return container.NewGridWithColumns(2, hq, container.NewVBox(device, widget.NewSeparator(), d.purgeSection()))
}

// refreshHQ shows the installed HQ profile, or how to get one.
func (d *deliveryScreen) refreshHQ() {
	p, err := outbox.DefaultProfile(d.v)
	var objs []fyne.CanvasObject
	switch {
	case errors.Is(err, outbox.ErrNoProfile):
		objs = append(objs,
			warnLabel(lang.L("Delivery to HQ is not set up.")),
			wrapped(lang.L("HQ gives you a profile file: it says where HQ's receiver is and holds the keys that bundles are encrypted to, so that only HQ can read them. Install it here, check its keys with HQ by phone, then give HQ this device's file (on the right).")))
		d.install.Importance = widget.HighImportance
	case err != nil:
		objs = append(objs, warnLabel(lang.L("The HQ profile could not be read: {{.Err}}", map[string]any{"Err": err.Error()})))
	default:
		objs = append(objs, profileForm(p),
			wrapped(lang.L("Check these keys with HQ by phone: ask the HQ admin to read theirs out, group by group. If one group differs, do not sync: call HQ.")))
		if others := otherProfiles(d.v, p.Name); others != "" {
			objs = append(objs, wrapped(lang.L("Other HQ profiles installed: {{.Names}}", map[string]any{"Names": others})))
		}
		d.install.Importance = widget.MediumImportance
	}
	d.hq.Objects = objs
	d.hq.Refresh()
	d.install.Refresh()
}

// otherProfiles names the installed profiles other than def.
func otherProfiles(v *storage.Vault, def string) string {
	ps, err := outbox.Profiles(v)
	if err != nil {
		return ""
	}
	var names []string
	for _, p := range ps {
		if p.Name != def {
			names = append(names, p.Name)
		}
	}
	return strings.Join(names, ", ")
}

// purgeSection is the purge setting of every case, with what it means.
func (d *deliveryScreen) purgeSection() fyne.CanvasObject {
	objs := []fyne.CanvasObject{
		heading(lang.L("Delete observations once HQ confirms them")),
		wrapped(lang.L("When this is on for a case, each sync deletes from this laptop the case's notes, events, attendance, checklist answers and attachments that HQ's signed receipt shows HQ holds. The case, its hearings and its defendants stay. What is deleted can then be read only at HQ, not on this laptop: if it is seized, there is less to find. Off by default.")),
	}
	var cases []*storage.Case
	err := d.v.View(func(tx *storage.Tx) (err error) {
		cases, err = tx.Cases()
		return err
	})
	if err != nil {
		return container.NewVBox(append(objs, warnLabel(lang.L("The cases could not be read: {{.Err}}", map[string]any{"Err": err.Error()})))...)
	}
	if len(cases) == 0 {
		objs = append(objs, widget.NewLabel(lang.L("No cases yet.")))
	}
	for _, c := range cases {
		on, err := outbox.PurgeAfterReceipt(d.v, c.ID)
		// The case's name wraps beside the box: a long title must not
		// widen the screen.
		check := newKeyCheck("", nil)
		check.SetChecked(on)
		if err != nil {
			check.Disable()
		}
		check.OnChanged = func(on bool) { d.setPurge(c, check, on) }
		d.purges[c.ID] = check
		objs = append(objs, container.NewBorder(nil, nil, check, nil, wrapped(caseLabel(c))))
	}
	return container.NewVBox(objs...)
}

// caseLabel is "NUMBER — TITLE", or whichever of them there is.
func caseLabel(c *storage.Case) string {
	switch {
	case c.Number == "":
		return c.Title
	case c.Title == "":
		return c.Number
	}
	return c.Number + " — " + c.Title
}

// setPurge asks before turning the purge on for a case, then stores the
// setting; turning it off needs no question.
func (d *deliveryScreen) setPurge(c *storage.Case, check *keyCheck, on bool) {
	d.u.touch()
	store := func() {
		if !d.alive() {
			return
		}
		if err := outbox.SetPurgeAfterReceipt(d.v, c.ID, on); err != nil {
			check.OnChanged = nil
			check.SetChecked(!on)
			check.OnChanged = func(on bool) { d.setPurge(c, check, on) }
			d.u.fail(lang.L("The setting was not saved"), err)
		}
	}
	if !on {
		store()
		return
	}
	cd := dialog.NewConfirm(lang.L("Delete observations once HQ confirms them?"),
		lang.L("From the next sync on, the notes, events, attendance, checklist answers and attachments of {{.Case}} that HQ has confirmed receiving are deleted from this laptop for good. HQ keeps them. You can turn this off again at any time; what was deleted stays deleted.", map[string]any{"Case": caseLabel(c)}),
		func(yes bool) {
			if yes {
				store()
				return
			}
			check.OnChanged = nil
			check.SetChecked(false)
			check.OnChanged = func(on bool) { d.setPurge(c, check, on) }
		}, d.u.win)
	cd.SetConfirmText(lang.L("Turn on"))
	cd.SetDismissText(lang.L("Cancel"))
	cd.Show()
}

// pickDeviceFile asks where to save the device file.
func (d *deliveryScreen) pickDeviceFile() {
	d.u.touch()
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			d.u.fail(lang.L("The device file was not saved"), err)
			return
		}
		if w != nil {
			d.saveDeviceFile(w)
		}
	}, d.u.win)
	fd.SetFileName("courtwatch-device-" + fileSlug(d.v.Device().Name, "monitor") + ".json")
	showFileDialog(fd, d.u.win)
}

// saveDeviceFile writes the device file (what `courtwatch device export`
// writes) to w and says which key HQ will read back.
func (d *deliveryScreen) saveDeviceFile(w fyne.URIWriteCloser) {
	dev, b, err := outbox.DeviceFile(d.v)
	if err == nil {
		err = writeChosen(w, b)
	} else {
		w.Close()
	}
	if err != nil {
		dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("The device file was not saved"), err,
			lang.L("Choose a folder you can write to, such as a USB stick, and save again.")), d.u.win)
		return
	}
	msg := wrapped(lang.L("Saved to {{.Path}}. Give it to the HQ admin. When they enroll it, ask them to read out the device key, and check it here, group by group:", map[string]any{"Path": w.URI().Path()}))
	dialog.ShowCustom(lang.L("Device file saved"), lang.L("OK"),
		container.NewVBox(msg, monoKey(dev.PublicKey)), d.u.win)
}

// restartSync makes a new sync bar, so that delivery starts at once after
// the first HQ profile is installed, and puts it in the status bar.
func (u *appUI) restartSync() {
	old := u.sync
	old.stop()
	u.sync = newSyncBar(u.vault, u.win, &u.bridge, outbox.HTTPSFunc(outbox.HTTPSOptions{}), u.syncOpt)
	u.sync.setup, u.sync.purged = u.showDelivery, u.afterPurge
	u.sync.watch = old.watch
	if u.syncSlot != nil {
		u.syncSlot.Objects = []fyne.CanvasObject{u.sync.content}
		u.syncSlot.Refresh()
	}
	u.setMenu() // its Sync now is the new bar's
}

// heading is a bold label.
func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// wrapped is a label that wraps at words.
func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// warnLabel is a wrapped label in the warning colour.
func warnLabel(s string) *widget.Label {
	l := wrapped(s)
	l.Importance = widget.WarningImportance
	return l
}

// monoKey shows a key in groups of four (keyGroups), with a button that
// copies it.
func monoKey(key string) fyne.CanvasObject { return monoText(keyGroups(key), key) }

// monoText shows text, a key or an id, in a fixed-width font, wrapped
// between groups, with a button that copies copied. (Not a selectable
// label: the focus it takes would keep Escape from the dialog.)
func monoText(text, copied string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Wrapping = fyne.TextWrapWord
	b := &copyButton{text: copied}
	b.Icon = theme.ContentCopyIcon()
	b.Importance = widget.LowImportance
	b.OnTapped = b.copy
	b.ExtendBaseWidget(b)
	return container.NewBorder(nil, nil, nil, container.NewVBox(b), l)
}

// keyGroups writes a key in groups of four characters, to be read out by
// phone: "RWQf 6LRC GA3H …". The text is the key exactly, as HQ's programs
// print it, with spaces added.
func keyGroups(key string) string {
	var b strings.Builder
	for i, r := range []rune(key) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sizeText says "850 B", "4.2 kB" or "3.1 MB", as the command line does.
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return lang.L("{{.N}} B", map[string]any{"N": n})
	case n < 1_000_000:
		return lang.L("{{.N}} kB", map[string]any{"N": fmt.Sprintf("%.1f", float64(n)/1e3)})
	}
	return lang.L("{{.N}} MB", map[string]any{"N": fmt.Sprintf("%.1f", float64(n)/1e6)})
}

// afterPurge shows the screens afresh once records HQ confirmed were
// deleted, so that none shows what is gone; an open hearing is reopened
// with its half-typed note.
func (u *appUI) afterPurge(int) {
	if u.vault != nil {
		u.rebuild()
	}
}
