package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire/hqprofile"
)

// outboxView is the Delivery screen's outbox: every bundle with its state,
// size, attempts and receipt, Sync now and Export to USB.
type outboxView struct {
	d       *deliveryScreen
	entries []outbox.Entry // oldest first
	status  outbox.Status  // the uploader's, as last heard

	syncNow  *keyButton
	usb      *keyButton
	feedback *widget.Label
	summary  *widget.Label
	table    *keyTable
	content  fyne.CanvasObject
}

// Widths of the outbox table's columns, which fit a 1024-pixel window with
// the separators, and their titles.
var outboxWidths = []float32{70, 150, 80, 90, 105, 105, 310}

func outboxTitles() []string {
	return []string{lang.L("Bundle"), lang.L("State"), lang.L("Size"), lang.L("Attempts"), lang.L("Sealed"), lang.L("HQ receipt"), lang.L("Details")}
}

func newOutboxView(d *deliveryScreen) *outboxView {
	o := &outboxView{d: d}
	o.syncNow = newKeyButton(lang.L("Sync now"), theme.ViewRefreshIcon(), o.doSyncNow)
	o.syncNow.Importance = widget.HighImportance
	o.usb = newKeyButton(lang.L("Export to USB…"), theme.DownloadIcon(), o.pickFolder)
	o.feedback = wrapped("")
	o.summary = widget.NewLabel("")
	o.table = newKeyTableWithHeaders(
		func() (int, int) { return len(o.entries), len(outboxWidths) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, c fyne.CanvasObject) {
			if id.Row < len(o.entries) {
				c.(*widget.Label).SetText(o.row(len(o.entries) - 1 - id.Row)[id.Col])
			}
		})
	o.table.ShowHeaderColumn = false
	titles := outboxTitles()
	o.table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	o.table.UpdateHeader = func(id widget.TableCellID, c fyne.CanvasObject) {
		if id.Col >= 0 {
			c.(*widget.Label).SetText(titles[id.Col])
		}
	}
	for i, w := range outboxWidths {
		o.table.SetColumnWidth(i, w)
	}
	o.table.OnSelected = func(id widget.TableCellID) {
		o.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(o.entries) {
			o.showEntry(o.entries[len(o.entries)-1-id.Row])
		}
	}
	top := container.NewVBox(
		container.NewHBox(o.syncNow, o.usb, o.summary),
		o.feedback,
	)
	o.content = container.NewBorder(top, nil, nil, nil, o.table)
	if d.u.sync != nil && d.u.sync.up != nil {
		o.status = d.u.sync.up.Status()
	}
	return o
}

// reload reads the outbox in the background and shows it.
func (o *outboxView) reload() {
	d := o.d
	if !d.alive() || d.u.sync == nil {
		return
	}
	b := d.u.sync
	b.job(func() {
		es, err := outbox.Entries(d.v)
		b.br.do(func() {
			if !d.alive() {
				return
			}
			if err != nil {
				o.feedback.SetText(lang.L("The outbox could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
				return
			}
			o.entries = es
			o.showSummary()
			o.table.Refresh()
		})
	})
}

// statusChanged hears the uploader's status from the sync bar, on the UI
// goroutine: progress redraws the table; a bundle that started, ended or
// settled reloads it.
func (o *outboxView) statusChanged(s outbox.Status) {
	prev := o.status
	o.status = s
	if s.Uploading != prev.Uploading || s.Pending != prev.Pending || s.Failed != prev.Failed ||
		!s.LastDelivered.Equal(prev.LastDelivered) || s.LastError != prev.LastError {
		o.reload()
		return
	}
	o.table.Refresh()
}

// syncFeedback shows what Sync now did.
func (o *outboxView) syncFeedback(msg string) {
	o.feedback.SetText(msg)
	o.reload()
}

func (o *outboxView) showSummary() {
	verified, waiting, failed := 0, 0, 0
	for _, e := range o.entries {
		switch e.State {
		case outbox.ReceiptVerified:
			verified++
		case outbox.Failed:
			failed++
		default:
			waiting++
		}
	}
	o.summary.SetText(lang.L("{{.Verified}} confirmed by HQ, {{.Waiting}} waiting, {{.Failed}} failed", map[string]any{"Verified": verified, "Waiting": waiting, "Failed": failed}))
}

// row is the table's text for entry i.
func (o *outboxView) row(i int) []string {
	e := o.entries[i]
	return []string{
		fmt.Sprint(e.Seq),
		entryState(e, o.status),
		sizeText(e.Size),
		fmt.Sprint(e.Attempts),
		shortTime(e.Created),
		shortTime(e.Received),
		entryDetails(e, o.status),
	}
}

// entryState is a bundle's state in words; the one being sent shows how
// far it is.
func entryState(e outbox.Entry, s outbox.Status) string {
	if s.Uploading == e.Seq && !e.State.Settled() {
		pct := 0
		if s.Total > 0 {
			pct = int(s.Sent * 100 / s.Total)
		}
		return lang.L("Uploading {{.Percent}}%", map[string]any{"Percent": pct})
	}
	switch e.State {
	case outbox.Sealed:
		return lang.L("Sealed")
	case outbox.Uploading:
		return lang.L("Uploading")
	case outbox.Delivered:
		return lang.L("Delivered (folder)")
	case outbox.ReceiptVerified:
		return lang.L("Receipt verified")
	case outbox.Failed:
		return lang.L("Failed")
	}
	return string(e.State)
}

// entryDetails says why a bundle failed or waits, or where it went. While
// HQ cannot be reached at all (s.Offline), it says so rather than quote the
// network's error.
func entryDetails(e outbox.Entry, s outbox.Status) string {
	switch {
	case e.State == outbox.Failed:
		return e.LastError
	case e.State == outbox.ReceiptVerified:
		return lang.L("HQ holds it: {{.To}}", map[string]any{"To": e.DeliveredTo})
	case e.LastError != "" && s.Offline && !e.NextAttempt.IsZero():
		return lang.L("HQ could not be reached; next try at {{.Time}}", map[string]any{"Time": e.NextAttempt.Local().Format("15:04")})
	case e.LastError != "" && s.Offline:
		return lang.L("HQ could not be reached")
	case e.LastError != "":
		return lang.L("Last try failed: {{.Err}}", map[string]any{"Err": e.LastError})
	case e.State == outbox.Delivered:
		return lang.L("Written to {{.To}}; waits for HQ's receipt", map[string]any{"To": e.DeliveredTo})
	}
	return lang.L("{{.Records}} records, {{.Attachments}} attachments", map[string]any{"Records": e.Records, "Attachments": e.Attachments})
}

// shortTime is a local time such as "4 Mar 09:30", or "" for none.
func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2 Jan 15:04")
}

// showEntry shows everything about one bundle.
func (o *outboxView) showEntry(e outbox.Entry) {
	f := widget.NewForm(
		widget.NewFormItem(lang.L("State"), wrapped(entryState(e, o.status))),
		widget.NewFormItem(lang.L("Size"), widget.NewLabel(sizeText(e.Size))),
		widget.NewFormItem(lang.L("Content"), widget.NewLabel(lang.L("{{.Records}} records, {{.Attachments}} attachments", map[string]any{"Records": e.Records, "Attachments": e.Attachments}))),
		widget.NewFormItem(lang.L("Attempts"), widget.NewLabel(fmt.Sprint(e.Attempts))),
		widget.NewFormItem(lang.L("Sealed"), widget.NewLabel(shortTime(e.Created))),
		widget.NewFormItem(lang.L("HQ receipt"), widget.NewLabel(orNone(shortTime(e.Received), lang.L("(none)")))),
		widget.NewFormItem(lang.L("Delivered to"), wrapped(orNone(e.DeliveredTo, lang.L("(none)")))),
		widget.NewFormItem(lang.L("Last error"), wrapped(orNone(e.LastError, lang.L("(none)")))),
		widget.NewFormItem(lang.L("Fingerprint"), monoKey(e.Hash)),
	)
	d := dialog.NewCustom(lang.L("Bundle {{.Seq}}", map[string]any{"Seq": e.Seq}), lang.L("Close"), f, o.d.u.win)
	d.Resize(fyne.NewSize(min(o.d.u.win.Canvas().Size().Width-80, 700), 0))
	d.Show()
}

// doSyncNow is Sync now on the Delivery screen: without an HQ profile it
// says so and shows where to install one.
func (o *outboxView) doSyncNow() {
	d := o.d
	if d.u.sync == nil || d.u.sync.up == nil {
		o.feedback.SetText(lang.L("Delivery to HQ is not set up: install the profile HQ gave you first."))
		d.tabs.SelectIndex(deliverySetupTab)
		return
	}
	o.feedback.SetText(lang.L("Sealing what is new…"))
	d.u.sync.doSyncNow()
}

// pickFolder asks for the USB stick's folder and exports to it.
func (o *outboxView) pickFolder() {
	o.d.u.touch()
	if _, err := outbox.DefaultProfile(o.d.v); errors.Is(err, outbox.ErrNoProfile) {
		o.needProfile()
		return
	}
	fd := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			o.d.u.fail(lang.L("The folder could not be opened"), err)
			return
		}
		if dir != nil {
			o.exportTo(dir.Path())
		}
	}, o.d.u.win)
	showFileDialog(fd, o.d.u.win)
}

// needProfile says, before any folder is chosen, that Export to USB needs
// HQ's profile, and offers to install it.
func (o *outboxView) needProfile() {
	d := o.d
	msg := wrapped(lang.L(noProfileForUSB))
	cd := dialog.NewCustomConfirm(lang.L("Export to USB"), lang.L("Install HQ profile…"), lang.L("Cancel"), msg, func(ok bool) {
		if ok && d.alive() {
			d.tabs.SelectIndex(deliverySetupTab)
			d.pickProfile()
		}
	}, d.u.win)
	cd.Resize(fyne.NewSize(min(d.u.win.Canvas().Size().Width-80, 620), 0))
	cd.Show()
}

// noProfileForUSB is what Export to USB says without HQ's profile.
const noProfileForUSB = "Export to USB needs HQ's profile first. Bundles are encrypted to HQ's key, which comes in the profile file HQ gives you: without it, nothing can be written for HQ. Install the profile on the tab “HQ and this device”, check its keys with HQ by phone, then export again."

// exportTo seals what is new and writes every bundle HQ has not
// confirmed into dir, in the background (what `courtwatch export --to DIR`
// does), then says which bundles it wrote and how large they are.
func (o *outboxView) exportTo(dir string) {
	d := o.d
	b := d.u.sync
	if !d.alive() || b == nil {
		return
	}
	o.usb.Disable()
	o.feedback.SetText(lang.L("Sealing and writing to {{.Dir}}…", map[string]any{"Dir": dir}))
	b.job(func() {
		res, err := exportToFolder(d.v, dir)
		b.br.do(func() {
			if !d.alive() {
				return
			}
			o.usb.Enable()
			o.reload()
			o.exported(dir, res, err)
		})
	})
}

// exportToFolder is `courtwatch export --to DIR`: seal, then deliver the
// pending bundles into the folder.
func exportToFolder(v *storage.Vault, dir string) (*outbox.Result, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errors.New(lang.L("{{.Dir}} is not a folder that can be written to", map[string]any{"Dir": dir}))
	}
	if _, err := outbox.SealAll(v); err != nil {
		return nil, err
	}
	folder := &outbox.Folder{Dir: dir}
	return outbox.Deliver(context.Background(), v, func(hqprofile.Profile) (outbox.Transport, error) { return folder, nil }, nil)
}

// exported tells the monitor what Export to USB did.
func (o *outboxView) exported(dir string, res *outbox.Result, err error) {
	win := o.d.u.win
	if res != nil && len(res.Delivered) > 0 {
		var size int64
		for _, e := range res.Delivered {
			size += e.Size
		}
		msg := lang.L("Wrote {{.Bundles}} ({{.Size}}) to {{.Dir}}. Only HQ can read them. They stay in the outbox, and go to HQ's receiver with the next sync too, until HQ confirms them.",
			map[string]any{"Bundles": bundleList(res.Delivered), "Size": sizeText(size), "Dir": dir})
		o.feedback.SetText(msg)
		if err == nil {
			dialog.ShowInformation(lang.L("Exported to USB"), msg, win)
		}
	}
	switch {
	case errors.Is(err, outbox.ErrNoProfile):
		o.feedback.SetText(lang.L("Delivery to HQ is not set up: install the profile HQ gave you first."))
		dialog.ShowError(errors.New(lang.L("Nothing was exported: bundles are encrypted to HQ's key, which comes in HQ's profile. Install it on the tab HQ and this device, then export again.")), win)
	case err != nil:
		o.feedback.SetText(lang.L("Export to USB failed: {{.Err}}", map[string]any{"Err": err.Error()}))
		dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("Export to USB failed"), err,
			lang.L("Check that the stick is plugged in, writable and has room, then export again. Nothing is lost: the bundles stay in the outbox.")), win)
	case res == nil || len(res.Delivered) == 0:
		msg := lang.L("HQ has confirmed every bundle; nothing to write.")
		o.feedback.SetText(msg)
		dialog.ShowInformation(lang.L("Export to USB"), msg, win)
	}
}

// bundleList names bundles by number: "bundle 3", "bundles 3–5" or
// "bundles 2, 4 and 7".
func bundleList(es []outbox.Entry) string {
	if len(es) == 1 {
		return lang.L("bundle {{.Seq}}", map[string]any{"Seq": es[0].Seq})
	}
	run := true
	for i := 1; i < len(es); i++ {
		run = run && es[i].Seq == es[i-1].Seq+1
	}
	if run {
		return lang.L("bundles {{.First}}–{{.Last}}", map[string]any{"First": es[0].Seq, "Last": es[len(es)-1].Seq})
	}
	nums := make([]string, len(es)-1)
	for i, e := range es[:len(es)-1] {
		nums[i] = fmt.Sprint(e.Seq)
	}
	return lang.L("bundles {{.List}} and {{.Last}}", map[string]any{"List": strings.Join(nums, ", "), "Last": es[len(es)-1].Seq})
}

// The sync bar's side of the Delivery screen.

// deliveryWatch is what the sync bar tells an open Delivery screen, on the
// UI goroutine.
type deliveryWatch interface {
	statusChanged(outbox.Status)
	syncFeedback(string)
}

var _ deliveryWatch = (*outboxView)(nil)

// job runs f off the UI goroutine as a job of the bar, which stop waits
// for; false once the bar is stopped. f hands its results to the UI with
// b.br.do. On the UI goroutine only.
func (b *syncBar) job(f func()) bool {
	if b.stopped.Load() {
		return false
	}
	b.work.Add(1)
	b.br.spawn(func() {
		defer b.work.Done()
		f()
	})
	return true
}

// synced says what Sync now did, in the bar and on an open Delivery
// screen; on the UI goroutine.
func (b *syncBar) synced(sealed []*outbox.Entry, pending int) {
	var msg string
	switch {
	case len(sealed) > 0:
		es := make([]outbox.Entry, len(sealed))
		var size int64
		for i, e := range sealed {
			es[i] = *e
			size += e.Size
		}
		msg = lang.L("Sealed {{.Bundles}} ({{.Size}}); sending to HQ…", map[string]any{"Bundles": bundleList(es), "Size": sizeText(size)})
	case pending > 0:
		msg = lang.L("Nothing new to seal; trying HQ again with {{.Count}} waiting bundle(s)…", map[string]any{"Count": pending})
	default:
		msg = lang.L("Nothing new to send: HQ has confirmed every bundle.")
	}
	b.text.SetText(msg)
	if b.watch != nil {
		b.watch.syncFeedback(msg)
	}
}

// afterReceipt deletes, off the UI goroutine, what HQ's receipts now
// cover of the cases whose purge setting is on, as `courtwatch sync` does,
// once a new receipt has verified; on the UI goroutine.
func (b *syncBar) afterReceipt(s outbox.Status) {
	if s.LastDelivered.IsZero() || !s.LastDelivered.After(b.purgedAt) {
		return
	}
	b.purgedAt = s.LastDelivered
	b.job(func() {
		n, err := outbox.Purge(b.v)
		if n == 0 && err == nil {
			return
		}
		b.br.do(func() {
			switch {
			case b.stopped.Load():
			case err != nil:
				dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("HQ confirmed the records, but deleting them from this laptop failed"), err,
					lang.L("They are still here. Lock and unlock the vault; the next sync tries again.")), b.win)
			default:
				// Through setText, so that screens rebuilt by b.purged
				// (which relabel the bar) keep saying it.
				b.setText(func() string {
					return lang.L("Deleted {{.N}} record(s) that HQ confirmed (the purge is on for their case)", map[string]any{"N": n})
				})
				if b.purged != nil {
					b.purged(n)
				}
			}
		})
	})
}
