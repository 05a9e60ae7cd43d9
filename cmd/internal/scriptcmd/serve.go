package scriptcmd

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"courtwatch/sync/wire"

	"github.com/rogpeppe/go-internal/testscript"
)

// A script reads what a background command printed only after "wait",
// so a receiver started on port 0 could not tell the script its port.
// Main lets it: the scripts' programs copy their standard output to
// $WORK/.stdout/PID, where WaitServe reads it while they run.

// Main returns the function that testscript.Main runs for a program whose
// command line is run and whose exit status report gives (as the
// programs' main does), copying standard output as said above.
func Main(run func(args []string, stdin io.Reader, stdout, stderr io.Writer) error, report func(io.Writer, error) int) func() {
	return func() {
		var stdout io.Writer = os.Stdout
		if work := os.Getenv("WORK"); work != "" {
			dir := filepath.Join(work, ".stdout")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				fmt.Fprintln(os.Stderr, "scriptcmd:", err)
				os.Exit(3)
			}
			f, err := os.Create(filepath.Join(dir, strconv.Itoa(os.Getpid())))
			if err != nil {
				fmt.Fprintln(os.Stderr, "scriptcmd:", err)
				os.Exit(3)
			}
			stdout = io.MultiWriter(os.Stdout, f)
		}
		os.Exit(report(os.Stderr, run(os.Args[1:], os.Stdin, stdout, os.Stderr)))
	}
}

var listening = regexp.MustCompile(`(?m)^listening on (\S+)$`)

// WaitServe is the script command
//
//	waitserve NAME
//
// which waits until the newest background command, a receiver ("serve"),
// prints "listening on URL" and answers at that URL, then sets $NAME to
// the URL and prints it (for capture). The receiver picks its own port
// (--addr 127.0.0.1:0), so no other test can take the port between
// choosing and binding it.
func WaitServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitserve NAME")
	}
	bg := ts.BackgroundCmds()
	if len(bg) == 0 {
		ts.Fatalf("waitserve: no background command; start the receiver with exec ... &name&")
	}
	cmd := bg[len(bg)-1]
	out := filepath.Join(ts.Getenv("WORK"), ".stdout", strconv.Itoa(cmd.Process.Pid))
	deadline := time.Now().Add(20 * time.Second)
	url := ""
	for ; url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, err := os.ReadFile(out)
		if m := listening.FindSubmatch(b); err == nil && m != nil {
			url = string(m[1])
		}
	}
	if url == "" {
		ts.Fatalf("waitserve: %q printed no \"listening on URL\" (see its output after wait)", cmd.Args)
	}
	// Only whether it answers: the scripts' monitors check the pin.
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	defer c.CloseIdleConnections()
	for ; time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := c.Get(url + wire.HealthPath); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ts.Setenv(args[0], url)
				fmt.Fprintln(ts.Stdout(), url)
				return
			}
		}
	}
	ts.Fatalf("waitserve: no receiver answers at %s", url)
}
