package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"courtwatch/cmd/internal/scriptcmd"
	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/hq/s3gw"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run the real command: testscript.Main puts a
// "courtwatch-hq" on the scripts' PATH that re-executes this test binary,
// which then runs as main does, so "exec courtwatch-hq ..." goes through
// run() and report() in a separate process with its own exit status. (It
// also copies its standard output for waitserve: see scriptcmd.Main.)
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"courtwatch-hq": scriptcmd.Main(run, report)})
}

// TestScript runs testdata/script/*.txtar. Besides testscript's own
// commands, the scripts have:
//
//	capture NAME [REGEXP]        set $NAME from the last command's stdout
//	                             (see cmd/courtwatch's TestScript)
//	mkdevice VAULT DEVICE-FILE   make a monitor's vault with one case and
//	                             write its device file; sets $DEVICE
//	waitserve NAME               wait until the receiver just started in
//	                             the background (serve --addr 127.0.0.1:0)
//	                             answers, and set $NAME to its URL
//	                             (see scriptcmd.WaitServe)
//	versitygw BUCKET             start versitygw (see sync/hq/s3gw) with an
//	                             empty BUCKET and set the AWS_* variables;
//	                             [versitygw] says whether it can run
//	upload URL PROFILE VAULT SEQ STATUS
//	                             seal the vault's records as bundle SEQ for
//	                             PROFILE, upload it to URL and check the
//	                             answer's status (and, for 200, the receipt)
//
// Until "courtwatch device export" exists, mkdevice stands in for a
// monitor's device.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"capture": scriptcmd.Capture, "mkdevice": mkdevice, "waitserve": scriptcmd.WaitServe, "upload": upload,
			"versitygw": versitygw,
		},
		// [versitygw] is false only where a test may skip: no binary and
		// no $COURTWATCH_VERSITYGW (make test sets it).
		Condition: func(cond string) (bool, error) {
			if cond != "versitygw" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			bin, why := s3gw.Binary()
			if bin == "" && os.Getenv(s3gw.EnvBinary) == "" {
				fmt.Fprintln(os.Stderr, "s3.txtar skipped:", why)
				return false, nil
			}
			return true, nil
		},
	})
}

var monitorPass = []byte("monitor passphrase")

func mkdevice(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkdevice VAULT DEVICE-FILE")
	}
	v, err := storage.Create(ts.MkAbs(args[0]), monitorPass, storage.CreateOptions{KDF: storage.TestKDF, DeviceName: "សុខ ដារា (Sok Dara)"})
	ts.Check(err)
	defer v.Close()
	ts.Check(v.Put(&storage.Case{Title: "CNRP leaders", Number: "C-1/2024"}))
	b, _, err := deviceFile(v)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o644))
	ts.Setenv("DEVICE", v.Device().ID.String())
}

// deviceFile is the device file that HQ enrolls the monitor's vault v
// with, and v's signer of bundles.
func deviceFile(v *storage.Vault) ([]byte, *bundle.Signer, error) {
	d := v.Device()
	s, err := bundle.NewSigner(d.ID.String(), v.SigningKey())
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(wire.Device{Format: wire.DeviceFormat, ID: d.ID.String(), Monitor: d.Name, PublicKey: s.Public().String()})
	return b, s, err
}

func upload(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 5 {
		ts.Fatalf("usage: upload URL PROFILE VAULT SEQ STATUS")
	}
	p, err := hqprofile.Parse([]byte(ts.ReadFile(args[1])))
	ts.Check(err)
	seq, err := strconv.ParseUint(args[3], 10, 64)
	ts.Check(err)
	v, err := storage.Open(ts.MkAbs(args[2]), monitorPass)
	ts.Check(err)
	var recs [][]byte
	ts.Check(v.ChainSince(0, func(ver *storage.Version) error { recs = append(recs, bytes.Clone(ver.Raw)); return nil }))
	d := v.Device()
	s, err := bundle.NewSigner(d.ID.String(), v.SigningKey())
	ts.Check(err)
	ts.Check(v.Close())
	rs, err := p.AgeRecipients()
	ts.Check(err)
	prev := ""
	if seq > 1 {
		prev = strings.Repeat("0", 64)
	}
	data, sig, err := bundle.Seal(bundle.Input{Device: d.ID.String(), Monitor: d.Name, Seq: seq, Prev: prev, Created: time.Now(), Records: recs}, rs, s)
	ts.Check(err)
	req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("%s%s%s/%d", args[0], wire.BundlesPath, d.ID, seq), bytes.NewReader(data))
	ts.Check(err)
	req.Header.Set(wire.SignatureHeader, base64.StdEncoding.EncodeToString(sig))
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	ts.Check(err)
	if strconv.Itoa(resp.StatusCode) != args[4] {
		ts.Fatalf("upload: %d %s, want %s", resp.StatusCode, body, args[4])
	}
	ts.Logf("upload: %d %s", resp.StatusCode, body)
	if resp.StatusCode != http.StatusOK {
		return
	}
	var sr wire.SignedReceipt
	ts.Check(json.Unmarshal(body, &sr))
	pub, err := p.ReceiptPublicKey()
	ts.Check(err)
	_, err = sr.Verify(pub, d.ID.String(), seq, bundle.Hash(data))
	ts.Check(err)
}

func versitygw(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: versitygw BUCKET")
	}
	bin, why := s3gw.Binary()
	if bin == "" {
		ts.Fatalf("%s", why)
	}
	root := ts.MkAbs("s3root")
	ts.Check(os.MkdirAll(filepath.Join(root, args[0]), 0o755))
	g, err := s3gw.Launch(bin, root)
	ts.Check(err)
	ts.Defer(g.Stop)
	for k, v := range s3gw.Env(g.URL) {
		ts.Setenv(k, v)
	}
}
