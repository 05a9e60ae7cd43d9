package ui

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	cw "courtwatch/storage"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/outbox"
)

// Helpers of the Delivery tests: a real HQ folder and receiver, and the
// app wired to it.

// testHQ is a real HQ: an HQ folder made by sync/hq and its receiver on
// 127.0.0.1, as `courtwatch-hq init` and `serve` make them.
type testHQ struct {
	dir, store string
	srv        *httptest.Server
	profile    []byte // the profile file HQ gives monitors
}

func newTestHQ(t *testing.T, name string) *testHQ {
	t.Helper()
	h := &testHQ{dir: filepath.Join(t.TempDir(), "hq"), store: filepath.Join(t.TempDir(), "store")}
	if err := setup.Init(h.dir, setup.InitOptions{Name: name, Passphrase: []byte("hq passphrase"), KDF: cw.TestKDF}); err != nil {
		t.Fatal(err)
	}
	rv, err := receiver.New(receiver.Config{HQDir: h.dir, Store: h.store})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = httptest.NewServer(rv)
	t.Cleanup(h.srv.Close)
	p, err := setup.Profile(h.dir, h.srv.URL, nil, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if h.profile, err = json.MarshalIndent(p, "", "  "); err != nil {
		t.Fatal(err)
	}
	return h
}

// enroll enrolls a device file, as the HQ admin does with it.
func (h *testHQ) enroll(t *testing.T, deviceFile []byte) hq.Device {
	t.Helper()
	d, _, err := hq.Enroll(h.dir, deviceFile)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newDeliveryUI is the app on a vault with a case and a hearing, with
// background events queued until the test runs them.
func newDeliveryUI(t *testing.T) (*appUI, *uiQueue, *cw.Hearing) {
	t.Helper()
	u := newTestUI(t)
	q := &uiQueue{}
	u.post = q.post
	u.syncOpt = outbox.Options{BaseDelay: time.Hour, MaxDelay: time.Hour} // retries come from Sync now only
	_, _, h := openTestVault(t, u)
	return u, q, h
}

// until runs queued UI events until ok holds.
func until(t *testing.T, q *uiQueue, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		q.run()
		if ok() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// confirmDialog taps the button of the top dialog whose text starts with
// label.
func confirmDialog(t *testing.T, u *appUI, label string) {
	t.Helper()
	test.Tap(findButton(t, overlay(t, u), label))
}

// outboxRows is the outbox table's text, newest bundle first.
func outboxRows(o *outboxView) [][]string {
	var rows [][]string
	for i := len(o.entries) - 1; i >= 0; i-- {
		rows = append(rows, o.row(i))
	}
	return rows
}

// installTestProfile installs h's profile on the Delivery screen.
func installTestProfile(t *testing.T, d *deliveryScreen, h *testHQ) {
	t.Helper()
	if d.previewProfile(h.profile) == nil {
		t.Fatal("the profile was refused")
	}
	confirmDialog(t, d.u, "Install")
	confirmDialog(t, d.u, "OK") // "HQ profile installed"
}

// deliverFromApp is the end of TestMonitorFlow: with the vault open and no
// HQ profile, Ctrl+Shift+Y leads to the Delivery screen; the monitor saves
// the device file (HQ enrolls it), installs HQ's profile, syncs to HQ's
// real receiver on loopback until the outbox says "Receipt verified", and
// exports to a folder.
func deliverFromApp(t *testing.T, u *appUI) {
	t.Helper()
	q := &uiQueue{}
	u.post = q.post
	u.syncOpt = outbox.Options{BaseDelay: time.Hour, MaxDelay: time.Hour}
	h := newTestHQ(t, "Phnom Penh HQ")

	findMenuItem(t, u.win, "Sync now").Action() // Ctrl+Shift+Y
	out, ok := u.sync.watch.(*outboxView)
	if !ok || out.d.tabs.SelectedIndex() != deliverySetupTab {
		t.Fatal("Ctrl+Shift+Y without an HQ profile did not open the Delivery set-up")
	}
	d := out.d

	path := filepath.Join(t.TempDir(), "device.json")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	d.saveDeviceFile(w)
	confirmDialog(t, u, "OK")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h.enroll(t, b)

	installTestProfile(t, d, h)
	if u.sync.up == nil {
		t.Fatal("delivery did not start after the profile was installed")
	}
	d.tabs.SelectIndex(deliveryOutboxTab)
	test.Tap(d.out.syncNow)
	until(t, q, `"Receipt verified" in the outbox`, func() bool {
		rows := outboxRows(d.out)
		for _, r := range rows {
			if r[1] != "Receipt verified" {
				return false
			}
		}
		return len(rows) > 0
	})
	if p, err := outbox.Pending(u.vault); err != nil || len(p) != 0 {
		t.Errorf("pending after the sync: %d, %v", len(p), err)
	}
	until(t, q, "the status bar", func() bool { return strings.HasPrefix(u.sync.text.Text, "All delivered · last at") })

	stick := t.TempDir()
	n := len(d.out.entries)
	d.out.exportTo(stick)
	q.run()
	// HQ has confirmed everything: the stick gets nothing, and is told so.
	if got := d.out.feedback.Text; got != "HQ has confirmed every bundle; nothing to write." {
		t.Errorf("export after a full sync: %q", got)
	}
	confirmDialog(t, u, "OK")
	// A note written after the sync goes onto the stick as a new bundle.
	test.Type(u.hearing.note, " — recess")
	u.hearing.note.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	d.out.exportTo(stick)
	q.run()
	want := fmt.Sprintf("Wrote bundle %d (", n+1)
	if got := d.out.feedback.Text; !strings.HasPrefix(got, want) {
		t.Errorf("export = %q, want %q…", got, want)
	}
	if _, err := os.Stat(filepath.Join(stick, outbox.FileName(u.vault.Device().ID.String(), uint64(n+1)))); err != nil {
		t.Errorf("the new bundle is not on the stick: %v", err)
	}
	confirmDialog(t, u, "OK")
}
