package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"courtwatch/storage"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/importer"
	"courtwatch/sync/hq/setup"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
	"github.com/google/uuid"
)

// forged is a monitor name that tries to print a fake key and state at
// enrollment and hide the real key with a conceal code.
const forged = "Sok Dara\nkey     RWQFORGEDFORGEDFORGED\nstate   enrolled\x1b[8m\u202e\u009b"

// TestForgedMonitorName: a device file whose monitor name holds line
// breaks and terminal escapes is refused at enrollment, and a registry
// entry that holds one (enrolled before names were checked) prints
// escaped in devices, revoke and the import report: one line per value,
// no control character reaches the terminal.
func TestForgedMonitorName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hq")
	if err := setup.Init(dir, setup.InitOptions{Name: "HQ", Passphrase: []byte("pass"), KDF: storage.TestKDF}); err != nil {
		t.Fatal(err)
	}
	pub, _, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.Must(uuid.NewV7()).String()
	file, _ := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: id, Monitor: forged, PublicKey: pub.String()})
	devFile := filepath.Join(t.TempDir(), "device.json")
	if err := os.WriteFile(devFile, file, 0o644); err != nil {
		t.Fatal(err)
	}
	clean := func(t *testing.T, what, s string, lines int) {
		t.Helper()
		if strings.ContainsAny(s, "\x1b\r\u202e\u009b") || strings.Count(s, "\n") != lines || strings.Contains(s, "\nkey     RWQFORGED") {
			t.Errorf("%s printed control characters or forged lines:\n%q", what, s)
		}
	}

	var out, errOut bytes.Buffer
	err = run([]string{"--dir", dir, "enroll", devFile}, strings.NewReader(""), &out, &errOut)
	if err == nil {
		t.Fatalf("enroll accepted the forged name:\n%s", out.String())
	}
	var printed bytes.Buffer
	report(&printed, err)
	clean(t, "enroll", out.String()+printed.String(), 1)
	t.Logf("enroll: %s", printed.String())

	// An entry enrolled before names were checked.
	reg, _ := json.Marshal(hq.Device{Device: wire.Device{Format: wire.DeviceFormat, ID: id, Monitor: forged, PublicKey: pub.String()}, Enrolled: time.Now().UTC()})
	if err := os.WriteFile(filepath.Join(dir, "devices", id+".json"), reg, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"devices"}, {"revoke", id}} {
		out.Reset()
		if err := run(append([]string{"--dir", dir}, args...), strings.NewReader(""), &out, &errOut); err != nil {
			t.Fatalf("%s: %v", args[0], err)
		}
		clean(t, args[0], out.String(), map[string]int{"devices": 2, "revoke": 1}[args[0]])
		if !strings.Contains(out.String(), `Sok Dara\nkey`) {
			t.Errorf("%s does not show the name escaped:\n%s", args[0], out.String())
		}
		t.Logf("%s:\n%s", args[0], out.String())
	}
	out.Reset()
	rep := &importer.ImportReport{Devices: []*importer.DeviceReport{{Device: id, Monitor: forged, Enrolled: true, Revoked: time.Now(),
		Rejected: []importer.Problem{{File: "usb/x\x1b[2J.cwb", Seq: 2, Reason: "bundle says \u202edanger"}}}}}
	if err := writeReport(&out, "usb", rep, false); err != nil {
		t.Fatal(err)
	}
	clean(t, "import", out.String(), 3)
}

// TestReportMonitorNames: a device enrolled without a monitor name is
// shown as such, not as "(not enrolled)", which only an unknown device is.
func TestReportMonitorNames(t *testing.T) {
	var out bytes.Buffer
	rep := &importer.ImportReport{Devices: []*importer.DeviceReport{
		{Device: "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b", Enrolled: true, Imported: []uint64{1}, Added: 3},
		{Device: "01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7c", Rejected: []importer.Problem{{File: "x.cwb", Seq: 1, Reason: "not enrolled"}}},
	}}
	if err := writeReport(&out, "store", rep, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "6a7b  (no monitor name)\n") || !strings.Contains(out.String(), "6a7c  (not enrolled)\n") {
		t.Errorf("report:\n%s", out.String())
	}
}
