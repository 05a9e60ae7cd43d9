package ui

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	cw "courtwatch/storage"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/importer"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire/hqprofile"
)

// TestDeliveryFirstRun: without an HQ profile the status bar says delivery
// is not set up, and its button and Ctrl+Shift+Y open the Delivery screen
// on the set-up; Sync now there says what is missing.
func TestDeliveryFirstRun(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	if got := u.sync.text.Text; got != "Delivery to HQ is not set up" {
		t.Errorf("status bar = %q", got)
	}
	if hasLabel(u.win.Content(), "courtwatch hq add") {
		t.Error("the status bar still sends the monitor to the command line")
	}
	btn := findButton(t, u.win.Content(), "Set up delivery…")
	if btn.Disabled() {
		t.Fatal("Set up delivery… is disabled")
	}
	test.Tap(btn)
	if !hasLabel(overlay(t, u), "Delivery to HQ is not set up.") {
		t.Fatalf("the Delivery screen did not open on the set-up: %q", labelTexts(overlay(t, u)))
	}
	clearOverlays(u.win.Canvas())

	item := findMenuItem(t, u.win, "Sync now")
	if item.Shortcut != syncNowShortcut {
		t.Error("Sync now lost Ctrl+Shift+Y")
	}
	item.Action()
	if !hasLabel(overlay(t, u), "Delivery to HQ is not set up.") {
		t.Fatal("Ctrl+Shift+Y did nothing visible without an HQ profile")
	}
	clearOverlays(u.win.Canvas())

	if findMenuItem(t, u.win, "Delivery…").Shortcut != deliveryShortcut {
		t.Error("Delivery… has no Ctrl+Shift+D")
	}
	d := u.openDelivery(deliveryOutboxTab)
	test.Tap(d.out.syncNow)
	if got := d.out.feedback.Text; !strings.Contains(got, "install the profile HQ gave you") {
		t.Errorf("Sync now without a profile says %q", got)
	}
	if d.tabs.SelectedIndex() != deliverySetupTab {
		t.Error("Sync now without a profile did not show where to install one")
	}
}

// TestDeliveryInstallProfile installs a real HQ's profile file, shows its
// name, receiver and keys in groups, starts delivery at once, and asks
// before another HQ's profile replaces it.
func TestDeliveryInstallProfile(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	h := newTestHQ(t, "Phnom Penh HQ")
	var p hqprofile.Profile
	if err := json.Unmarshal(h.profile, &p); err != nil {
		t.Fatal(err)
	}
	d := u.openDelivery(deliverySetupTab)

	// Not a profile: refused with what to do; nothing installed.
	if d.previewProfile([]byte(`{"format":"courtwatch-device/1"}`)) != nil {
		t.Fatal("a device file was taken for a profile")
	}
	if !hasLabel(overlay(t, u), "ask HQ for a new one") {
		t.Errorf("error dialog: %q", labelTexts(overlay(t, u)))
	}
	clearOverlays(u.win.Canvas())
	d = u.openDelivery(deliverySetupTab)

	pv := d.previewProfile(h.profile)
	if pv == nil {
		t.Fatal("the profile was refused")
	}
	dlg := overlay(t, u)
	for _, want := range []string{"Phnom Penh HQ", h.srv.URL, keyGroups(p.Recipients[0]), keyGroups(p.ReceiptKey), "check the keys above"} {
		if !hasLabel(dlg, want) {
			t.Errorf("the preview does not show %q: %q", want, labelTexts(dlg))
		}
	}
	if got := keyGroups("RWQf6LRCGA3H"); got != "RWQf 6LRC GA3H" {
		t.Errorf("keyGroups = %q", got)
	}
	confirmDialog(t, u, "Install")
	got, err := outbox.DefaultProfile(u.vault)
	if err != nil || got.Name != "Phnom Penh HQ" || got.URL != h.srv.URL {
		t.Fatalf("default profile after install: %+v, %v", got, err)
	}
	if u.sync.up == nil {
		t.Fatal("delivery did not start after the first profile")
	}
	if u.syncSlot.Objects[0] != u.sync.content {
		t.Error("the status bar does not show the new sync bar")
	}
	if findMenuItem(t, u.win, "Sync now").Action == nil {
		t.Error("no Sync now in the menu")
	}
	confirmDialog(t, u, "OK")
	if !hasLabel(d.hq, keyGroups(p.ReceiptKey)) {
		t.Errorf("the screen does not show the installed profile: %q", labelTexts(d.hq))
	}

	// The same file again changes nothing and says so.
	d.previewProfile(h.profile)
	if !hasLabel(overlay(t, u), "installing it again changes nothing") {
		t.Errorf("reinstall preview: %q", labelTexts(overlay(t, u)))
	}
	confirmDialog(t, u, "Cancel")

	// Another HQ under the same name: asked first, with what changes.
	other := newTestHQ(t, "Phnom Penh HQ")
	pv = d.previewProfile(other.profile)
	if !pv.other {
		t.Fatal("a profile with other keys was not seen as another HQ")
	}
	dlg = overlay(t, u)
	for _, want := range []string{"This replaces the profile for a different HQ: Phnom Penh HQ", "Receipt key: ", "Encryption keys: ", "Receiver: "} {
		if !hasLabel(dlg, want) {
			t.Errorf("the replace question lacks %q: %q", want, labelTexts(dlg))
		}
	}
	confirmDialog(t, u, "Cancel")
	if got, _ := outbox.DefaultProfile(u.vault); got.ReceiptKey != p.ReceiptKey {
		t.Fatal("Cancel replaced the profile")
	}
	d.previewProfile(other.profile)
	confirmDialog(t, u, "Replace")
	confirmDialog(t, u, "OK")
	var op hqprofile.Profile
	json.Unmarshal(other.profile, &op)
	if got, _ := outbox.DefaultProfile(u.vault); got.ReceiptKey != op.ReceiptKey {
		t.Fatal("Replace did not replace the profile")
	}
}

// TestDeliveryDeviceFile saves the device file, which HQ's enroll accepts,
// and shows the key that HQ reads back.
func TestDeliveryDeviceFile(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	d := u.openDelivery(deliverySetupTab)
	want, wantFile, err := outbox.DeviceFile(u.vault)
	if err != nil {
		t.Fatal(err)
	}
	if !hasLabel(overlay(t, u), keyGroups(want.PublicKey)) {
		t.Errorf("the screen does not show the device key: %q", labelTexts(overlay(t, u)))
	}
	path := filepath.Join(t.TempDir(), "device.json")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	d.saveDeviceFile(w)
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, wantFile) {
		t.Fatalf("device file = %q, %v; want %q", b, err, wantFile)
	}
	if !hasLabel(overlay(t, u), keyGroups(want.PublicKey)) {
		t.Errorf("the saved message does not show the key HQ reads back: %q", labelTexts(overlay(t, u)))
	}
	h := newTestHQ(t, "HQ")
	if got := h.enroll(t, b); got.PublicKey != want.PublicKey || got.ID != u.vault.Device().ID.String() {
		t.Errorf("HQ enrolled %+v, want key %s", got, want.PublicKey)
	}

	// A folder that cannot be written: the error says what to do.
	bad, err := storage.Writer(storage.NewFileURI(filepath.Join(t.TempDir(), "gone", "device.json")))
	if err == nil {
		d.saveDeviceFile(bad)
		if !hasLabel(overlay(t, u), "Choose a folder you can write to") {
			t.Errorf("error: %q", labelTexts(overlay(t, u)))
		}
	}
}

// TestDeliveryOutboxSync syncs to a real receiver from the Delivery
// screen: a device HQ has not enrolled fails with the receiver's reason,
// an enrolled one gets a verified receipt, and Sync now with nothing new
// says so.
func TestDeliveryOutboxSync(t *testing.T) {
	u, q, hr := newDeliveryUI(t)
	h := newTestHQ(t, "Phnom Penh HQ")
	d := u.openDelivery(deliverySetupTab)
	installTestProfile(t, d, h)
	if u.sync.watch != d.out {
		t.Fatal("the outbox does not hear the uploader")
	}
	note := &cw.Note{HearingID: hr.ID, Time: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), Text: "Judge reads the charges", Source: cw.SourceSeen}
	if err := u.vault.Put(note); err != nil {
		t.Fatal(err)
	}

	// Not enrolled yet: HQ refuses, and the outbox says why.
	d.tabs.SelectIndex(deliveryOutboxTab)
	test.Tap(d.out.syncNow)
	until(t, q, "the refusal in the outbox", func() bool {
		rows := outboxRows(d.out)
		return len(rows) == 1 && strings.Contains(rows[0][6], "Last try failed: ") && rows[0][3] == "1"
	})
	if rows := outboxRows(d.out); rows[0][0] != "1" || rows[0][1] != "Sealed" || !strings.Contains(rows[0][6], "not enrolled") {
		t.Errorf("row after a refused upload: %q", rows[0])
	}

	// Enrolled: Sync now delivers and the receipt verifies.
	_, file, _ := outbox.DeviceFile(u.vault)
	h.enroll(t, file)
	test.Tap(d.out.syncNow)
	if got := d.out.feedback.Text; got != "Sealing what is new…" {
		t.Errorf("feedback at once = %q", got)
	}
	q.run()
	if got := d.out.feedback.Text; !strings.Contains(got, "trying HQ again with 1 waiting bundle") {
		t.Errorf("feedback = %q", got)
	}
	until(t, q, "receipt verified", func() bool {
		rows := outboxRows(d.out)
		return len(rows) == 1 && rows[0][1] == "Receipt verified"
	})
	row := outboxRows(d.out)[0]
	if row[5] == "" || row[3] != "2" || !strings.HasSuffix(row[2], " B") {
		t.Errorf("verified row: %q", row)
	}
	if got := d.out.summary.Text; got != "1 confirmed by HQ, 0 waiting, 0 failed" {
		t.Errorf("summary = %q", got)
	}

	// Nothing new: said, in the bar and on the screen.
	test.Tap(d.out.syncNow)
	q.run()
	if got := d.out.feedback.Text; got != "Nothing new to send: HQ has confirmed every bundle." || u.sync.text.Text != got {
		t.Errorf("feedback with nothing new = %q, bar %q", got, u.sync.text.Text)
	}

	// A new note: sealed into bundle 2 and delivered.
	note2 := &cw.Note{HearingID: hr.ID, Time: time.Date(2026, 3, 4, 9, 5, 0, 0, time.UTC), Text: "Defence asks for an adjournment", Source: cw.SourceSeen}
	if err := u.vault.Put(note2); err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(t, u.win.Content(), "Sync now")) // the status bar's
	q.run()
	if got := d.out.feedback.Text; !strings.HasPrefix(got, "Sealed bundle 2 (") {
		t.Errorf("feedback = %q", got)
	}
	until(t, q, "bundle 2 verified", func() bool {
		rows := outboxRows(d.out)
		return len(rows) == 2 && rows[0][1] == "Receipt verified" && rows[0][0] == "2"
	})
	test.Tap(d.out.table) // no panic on a tap between rows
}

// TestOutboxStates: each state in words, with the progress of the bundle
// being sent and the reason of a failure.
func TestOutboxStates(t *testing.T) {
	for _, tc := range []struct {
		e          outbox.Entry
		s          outbox.Status
		state, det string
	}{
		{outbox.Entry{Seq: 3, State: outbox.Sealed, Records: 12, Attachments: 1}, outbox.Status{}, "Sealed", "12 records, 1 attachments"},
		{outbox.Entry{Seq: 3, State: outbox.Uploading}, outbox.Status{Uploading: 3, Sent: 450, Total: 1000}, "Uploading 45%", "0 records, 0 attachments"},
		{outbox.Entry{Seq: 3, State: outbox.Uploading}, outbox.Status{Uploading: 4}, "Uploading", "0 records, 0 attachments"},
		{outbox.Entry{Seq: 3, State: outbox.Delivered, DeliveredTo: "/media/usb"}, outbox.Status{}, "Delivered (folder)", "Written to /media/usb; waits for HQ's receipt"},
		{outbox.Entry{Seq: 3, State: outbox.ReceiptVerified, DeliveredTo: "https://hq.example.org"}, outbox.Status{Uploading: 3}, "Receipt verified", "HQ holds it: https://hq.example.org"},
		{outbox.Entry{Seq: 3, State: outbox.Failed, LastError: "HQ holds a different bundle"}, outbox.Status{}, "Failed", "HQ holds a different bundle"},
		{outbox.Entry{Seq: 3, State: outbox.Sealed, LastError: "HQ answered 403: not enrolled"}, outbox.Status{}, "Sealed", "Last try failed: HQ answered 403: not enrolled"},
		{outbox.Entry{Seq: 3, State: outbox.Delivered, LastError: "dial tcp: connection refused", NextAttempt: time.Date(2026, 3, 4, 9, 30, 0, 0, time.UTC)}, outbox.Status{Offline: true}, "Delivered (folder)", "HQ could not be reached; next try at 09:30"},
		{outbox.Entry{Seq: 3, State: outbox.Sealed, LastError: "dial tcp: connection refused"}, outbox.Status{Offline: true}, "Sealed", "HQ could not be reached"},
	} {
		if got := entryState(tc.e, tc.s); got != tc.state {
			t.Errorf("entryState(%+v, %+v) = %q, want %q", tc.e, tc.s, got, tc.state)
		}
		if got := entryDetails(tc.e, tc.s); got != tc.det {
			t.Errorf("entryDetails(%+v) = %q, want %q", tc.e, got, tc.det)
		}
	}
	for _, tc := range []struct {
		seqs []uint64
		want string
	}{
		{[]uint64{3}, "bundle 3"}, {[]uint64{3, 4, 5}, "bundles 3–5"}, {[]uint64{2, 4, 7}, "bundles 2, 4 and 7"},
	} {
		var es []outbox.Entry
		for _, s := range tc.seqs {
			es = append(es, outbox.Entry{Seq: s})
		}
		if got := bundleList(es); got != tc.want {
			t.Errorf("bundleList(%v) = %q, want %q", tc.seqs, got, tc.want)
		}
	}
}

// TestDeliveryExportUSB exports to a folder: sealed, written, confirmed
// with the bundle numbers and size; the files verify as HQ would check
// them; a path that is not a folder and a missing profile are explained.
func TestDeliveryExportUSB(t *testing.T) {
	u, q, hr := newDeliveryUI(t)
	d := u.openDelivery(deliveryOutboxTab)
	stick := t.TempDir()

	// No profile yet: nothing can be sealed, and the screen says why.
	d.out.exportTo(stick)
	q.run()
	q.run() // the outbox reloads
	if !hasLabel(overlay(t, u), "Install it on the tab HQ and this device") {
		t.Errorf("export without a profile: %q", labelTexts(overlay(t, u)))
	}
	clearOverlays(u.win.Canvas())

	h := newTestHQ(t, "Phnom Penh HQ")
	d = u.openDelivery(deliveryOutboxTab)
	installTestProfile(t, d, h)
	d.out.exportTo(stick)
	q.run()
	q.run() // the outbox reloads
	dev := u.vault.Device().ID.String()
	name := filepath.Join(stick, outbox.FileName(dev, 1))
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("bundle 1 not on the stick: %v", err)
	}
	if _, err := os.Stat(name + ".minisig"); err != nil {
		t.Fatalf("no signature on the stick: %v", err)
	}
	want := "Wrote bundle 1 (" + sizeText(int64(len(data))) + ") to " + stick
	if !hasLabel(overlay(t, u), want) || !strings.HasPrefix(d.out.feedback.Text, want) {
		t.Errorf("confirmation %q / %q, want %q", labelTexts(overlay(t, u)), d.out.feedback.Text, want)
	}
	confirmDialog(t, u, "OK")
	if rows := outboxRows(d.out); len(rows) != 1 || rows[0][1] != "Delivered (folder)" {
		t.Errorf("outbox after export: %q", rows)
	}
	// HQ imports the stick's bundle: signed by this device, readable by HQ.
	_, file, _ := outbox.DeviceFile(u.vault)
	h.enroll(t, file)
	hv, err := cw.Open(hq.VaultDir(h.dir), []byte("hq passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := importer.Import(h.dir, hv, stick, importer.ImportOptions{})
	hv.Close()
	if err != nil || rep.Failed() || rep.Device(dev) == nil || len(rep.Device(dev).Imported) != 1 {
		t.Fatalf("HQ's import of the stick: %+v, %v", rep, err)
	}

	// A second note: bundle 2 sealed; bundle 1 still unconfirmed, so both go.
	if err := u.vault.Put(&cw.Note{HearingID: hr.ID, Time: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC), Text: "Recess", Source: cw.SourceSeen}); err != nil {
		t.Fatal(err)
	}
	d.out.exportTo(stick)
	q.run()
	q.run() // the outbox reloads
	if !strings.HasPrefix(d.out.feedback.Text, "Wrote bundles 1–2 (") {
		t.Errorf("second export: %q", d.out.feedback.Text)
	}
	confirmDialog(t, u, "OK")

	// Not a folder.
	notDir := filepath.Join(stick, outbox.FileName(dev, 1))
	d.out.exportTo(notDir)
	q.run()
	if !hasLabel(overlay(t, u), "is not a folder that can be written to") || d.out.usb.Disabled() {
		t.Errorf("export to a file: %q", labelTexts(overlay(t, u)))
	}
}

// TestDeliveryPurgeSetting turns the purge of a case on (after a question
// that says what it means) and off.
func TestDeliveryPurgeSetting(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	cases := vaultCases(t, u.vault)
	c := cases[0]
	d := u.openDelivery(deliverySetupTab)
	if !hasLabel(overlay(t, u), "HQ's signed receipt shows HQ holds") {
		t.Error("the purge setting is not explained")
	}
	check := d.purges[c.ID]
	if check == nil || check.Checked {
		t.Fatal("no purge check for the case, or it is on by default")
	}
	test.Tap(check)
	if !hasLabel(overlay(t, u), "deleted from this laptop for good") {
		t.Fatalf("no question before turning the purge on: %q", labelTexts(overlay(t, u)))
	}
	confirmDialog(t, u, "Cancel")
	if on, _ := outbox.PurgeAfterReceipt(u.vault, c.ID); on || check.Checked {
		t.Fatal("Cancel turned the purge on")
	}
	test.Tap(check)
	confirmDialog(t, u, "Turn on")
	if on, err := outbox.PurgeAfterReceipt(u.vault, c.ID); !on || err != nil {
		t.Fatalf("purge after Turn on: %v, %v", on, err)
	}
	test.Tap(check)
	if on, _ := outbox.PurgeAfterReceipt(u.vault, c.ID); on {
		t.Fatal("unticking did not turn the purge off")
	}
}

// TestDeliveryPurgeAfterReceipt: with the purge on for the case, a note
// that HQ's receipt covers is deleted from the laptop after the sync, and
// the bar says so.
func TestDeliveryPurgeAfterReceipt(t *testing.T) {
	u, q, hr := newDeliveryUI(t)
	h := newTestHQ(t, "Phnom Penh HQ")
	d := u.openDelivery(deliverySetupTab)
	installTestProfile(t, d, h)
	_, file, _ := outbox.DeviceFile(u.vault)
	h.enroll(t, file)
	test.Tap(d.purges[hr.CaseID])
	confirmDialog(t, u, "Turn on")
	note := &cw.Note{HearingID: hr.ID, Time: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), Text: "Witness names the officer", Source: cw.SourceSeen}
	if err := u.vault.Put(note); err != nil {
		t.Fatal(err)
	}
	test.Tap(d.out.syncNow)
	until(t, q, "the purge", func() bool { return strings.HasPrefix(u.sync.text.Text, "Deleted 1 record(s)") })
	if _, err := cw.Load[cw.Note](u.vault, note.ID); err == nil {
		t.Error("the note HQ confirmed is still in the vault")
	}
	if _, err := cw.Load[cw.Hearing](u.vault, hr.ID); err != nil {
		t.Errorf("the hearing went with the purge: %v", err)
	}
}

// TestDeliveryHostileProfiles: files that are not profiles, too large,
// or carry a name the vault refuses are explained and install nothing.
func TestDeliveryHostileProfiles(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	d := u.openDelivery(deliverySetupTab)
	if _, err := readProfile(io.LimitReader(zeros{}, maxProfileFile+100)); err == nil || !strings.Contains(err.Error(), "larger than 1 MB") {
		t.Errorf("a huge file: %v", err)
	}
	h := newTestHQ(t, "Phnom Penh HQ")
	var p hqprofile.Profile
	json.Unmarshal(h.profile, &p)
	for name, b := range map[string][]byte{
		"empty":     nil,
		"binary":    {0xff, 0xfe, 0},
		"truncated": h.profile[:len(h.profile)/2],
		"device":    []byte(`{"format":"courtwatch-device/1","id":"x"}`),
	} {
		if d.previewProfile(b) != nil {
			t.Errorf("%s: taken for a profile", name)
		}
		if !hasLabel(overlay(t, u), "This is not an HQ profile that can be installed") {
			t.Errorf("%s: %q", name, labelTexts(overlay(t, u)))
		}
		clearOverlays(u.win.Canvas())
	}
	// A name with a line break is refused when the file is read (names in
	// profile files refuse control characters outright), and nothing is
	// installed.
	p.Name = "HQ\nkey RWQfake"
	b, _ := json.Marshal(p)
	d = u.openDelivery(deliverySetupTab)
	if d.previewProfile(b) != nil {
		t.Fatal("a profile whose name holds a line break was taken")
	}
	if !hasLabel(overlay(t, u), "This is not an HQ profile that can be installed") {
		t.Errorf("a bad name: %q", labelTexts(overlay(t, u)))
	}
	if ps, err := outbox.Profiles(u.vault); err != nil || len(ps) != 0 {
		t.Errorf("profiles after a bad name: %+v, %v", ps, err)
	}
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}
