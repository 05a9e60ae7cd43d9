// Package s3gw runs a real S3-compatible server for tests and benchmarks:
// versitygw (github.com/versity/versitygw, Apache-2.0) with its POSIX
// backend, on a loopback port, and a TCP proxy in front of it that drops,
// delays or answers 503, to inject store faults. It is never a mock: the
// store talks S3 to a real server.
//
// The binary is found through $COURTWATCH_VERSITYGW, which `make test`
// and `make bench` set after building it into bin/tools; when that
// variable names a missing file, Start fails the test. Without the
// variable, Start looks in bin/tools of the module and skips the test,
// saying why, only if the binary is not there either.
package s3gw

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version is the versitygw release the Makefile builds.
const Version = "v1.8.0"

// EnvBinary names the variable that gives the versitygw binary.
const EnvBinary = "COURTWATCH_VERSITYGW"

// Credentials of the test server.
const (
	AccessKey = "courtwatch"
	SecretKey = "courtwatch-test-secret"
	Region    = "us-east-1"
)

// Gateway is a running versitygw.
type Gateway struct {
	URL    string // http://127.0.0.1:PORT
	Root   string // each folder under Root is a bucket
	cmd    *exec.Cmd
	logs   *logBuffer
	exited chan struct{} // closed once cmd.Wait returned
}

// logBuffer holds the server's output; the process writes it while Start
// may read it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Binary returns the versitygw binary, and why not if there is none.
func Binary() (path string, why string) {
	if p := os.Getenv(EnvBinary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Sprintf("$%s names %s, which does not exist: run make test, which builds it", EnvBinary, p)
		}
		return p, ""
	}
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "..", "bin", "tools", "versitygw-"+Version, "versitygw")
	if _, err := os.Stat(p); err == nil {
		return p, ""
	}
	return "", fmt.Sprintf("no versitygw: $%s is unset and %s is missing; make test builds it (go install github.com/versity/versitygw/cmd/versitygw@%s)", EnvBinary, p, Version)
}

// Start starts versitygw on a free loopback port with an empty root, and
// stops it when the test ends. It fails the test if $COURTWATCH_VERSITYGW
// is set but wrong, and skips it only if that variable is unset and
// bin/tools has no versitygw.
func Start(t testing.TB) *Gateway {
	t.Helper()
	bin, why := Binary()
	if bin == "" {
		if os.Getenv(EnvBinary) != "" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	g, err := Launch(bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	return g
}

// Launch starts the versitygw binary bin on a free loopback port with
// root as its root folder. Stop stops it.
func Launch(bin, root string) (*Gateway, error) {
	for attempt := 0; ; attempt++ {
		g, err := start(bin, root)
		if err == nil || attempt == 4 {
			return g, err
		}
	}
}

func start(bin, root string) (*Gateway, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	g := &Gateway{URL: "http://" + addr, Root: root, logs: new(logBuffer)}
	g.cmd = exec.Command(bin, "--access", AccessKey, "--secret", SecretKey, "--region", Region, "--port", addr, "posix", root)
	g.cmd.Stdout, g.cmd.Stderr = g.logs, g.logs
	g.cmd.WaitDelay = 2 * time.Second // do not wait on output pipes once it is killed
	if err := g.cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	g.exited = exited
	go func() { g.cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			return nil, fmt.Errorf("start versitygw: it exited: %s", g.logs.String())
		default:
		}
		if resp, err := http.Get(g.URL + "/"); err == nil {
			resp.Body.Close()
			return g, nil
		}
		if time.Now().After(deadline) {
			g.cmd.Process.Kill()
			<-exited
			return nil, fmt.Errorf("start versitygw: no answer on %s within 20s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the server.
func (g *Gateway) Stop() {
	g.cmd.Process.Kill()
	<-g.exited
}

// Bucket makes an empty bucket and returns its name.
func (g *Gateway) Bucket(t testing.TB, name string) string {
	t.Helper()
	if err := os.Mkdir(filepath.Join(g.Root, name), 0o755); err != nil {
		t.Fatal(err)
	}
	return name
}

// Env returns the AWS_* variables that point at endpoint (the gateway's
// URL, or a proxy's in front of it).
func Env(endpoint string) map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID":     AccessKey,
		"AWS_SECRET_ACCESS_KEY": SecretKey,
		"AWS_REGION":            Region,
		"AWS_ENDPOINT_URL":      endpoint,
	}
}

// Getenv returns a getenv for Env(endpoint).
func Getenv(endpoint string) func(string) string {
	env := Env(endpoint)
	return func(k string) string { return env[k] }
}

// Environ returns os.Environ with Env(endpoint) added, for subprocesses.
func Environ(endpoint string) []string {
	out := os.Environ()
	for k, v := range Env(endpoint) {
		out = append(out, k+"="+v)
	}
	return out
}

// Files lists the objects under the bucket's folder, relative to it.
func (g *Gateway) Files(t testing.TB, bucket string) []string {
	t.Helper()
	var out []string
	dir := filepath.Join(g.Root, bucket)
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "/.sgwtmp") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}
