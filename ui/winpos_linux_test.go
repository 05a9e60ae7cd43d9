//go:build linux

package ui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/internal/testtool"
)

// TestWindowPlaceKept runs the real app (Fyne's GLFW driver) in a virtual
// X display: the window is moved, the app is stopped with SIGTERM, and the
// next start puts the window back where it was, at the same size; a place
// that is no longer on the screen is ignored (issue 10, flaw 10). There is
// no window manager here; with openbox (tried by hand) the place held over
// four restarts.
func TestWindowPlaceKept(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real app")
	}
	testtool.Need(t, "xvfb-run", "xvfb")
	testtool.Need(t, "xauth", "xauth")
	testtool.Need(t, "xdotool", "xdotool")
	dir := t.TempDir()
	bin := filepath.Join(dir, "courtwatch")
	build := exec.Command("go", "build", "-o", bin, "courtwatch/cmd/courtwatch")
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the app: %v\n%s", err, out)
	}
	script := `set -e
start() { "$APP" >>"$LOG" 2>&1 & pid=$!; id=$(timeout 30 xdotool search --sync --onlyvisible --name Courtwatch | head -1); sleep 1; }
stop() { kill -TERM $pid; wait $pid; echo "exit $?"; }
start
xdotool windowmove $id 211 133; xdotool windowsize $id 900 560; sleep 1; xdotool getwindowgeometry $id
stop
start
xdotool getwindowgeometry --shell $id
stop
# A place on a monitor that is gone: the window manager places the window.
printf '{"window":"5000 4000 900 560"}' >"$XDG_CONFIG_HOME/fyne/org.courtwatch.app/preferences.json"
start
xdotool getwindowgeometry --shell $id | sed 's/^/GONE_/'
stop
`
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "bash", "-c", script)
	cmd.Env = append(os.Environ(),
		"APP="+bin, "LOG="+filepath.Join(dir, "app.log"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "HOME="+dir,
		"COURTWATCH_VAULT="+filepath.Join(dir, "vault"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "app.log"))
		t.Fatalf("running the app in Xvfb: %v\n%s\napp log:\n%s", err, out, log)
	}
	got := string(out)
	for _, want := range []string{"X=211\n", "Y=133\n", "WIDTH=900\n", "HEIGHT=560\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("after a restart the window's geometry is\n%s\nwant %q in it", got, want)
		}
	}
	if !strings.Contains(got, "GONE_X=0\n") || !strings.Contains(got, "GONE_Y=0\n") || !strings.Contains(got, "GONE_WIDTH=900\n") {
		t.Errorf("a place off the screen was not ignored (want the window at 0,0, 900 wide):\n%s", got)
	}
	if strings.Count(got, "exit 0") != 3 {
		t.Errorf("the app did not exit cleanly on SIGTERM every time:\n%s", got)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "config", "fyne", appID, "preferences.json"))
	if err != nil {
		t.Fatal(err)
	}
	var prefs map[string]any
	if err := json.Unmarshal(raw, &prefs); err != nil {
		t.Fatalf("preferences.json: %v\n%s", err, raw)
	}
	if prefs[prefWindow] != "0 0 900 560" {
		t.Errorf("preferences.json keeps the window at %q; want \"0 0 900 560\"", prefs[prefWindow])
	}
}
