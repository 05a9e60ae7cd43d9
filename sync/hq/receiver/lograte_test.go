package receiver

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestLogLimiter: 150,000 failures from one address (which wrote 21 MB of
// log before) write a burst and then one line per logEvery, each saying
// how many were left out; another address still gets its own lines.
func TestLogLimiter(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	l := newLogLimiter(func() time.Time { return now })
	var logs bytes.Buffer
	rv := &Receiver{log: slog.New(slog.NewTextHandler(&logs, nil)), logRate: l}
	written, left := 0, 0
	for i := range 150_000 {
		now = now.Add(time.Millisecond) // 150 s in all
		if ok, n := l.allow("203.0.113.5"); ok {
			written++
			left += n
		}
		if i%1000 == 0 {
			fmt.Fprintf(rv.errorLog().Writer(), "http: TLS handshake error from 203.0.113.5:%d: EOF\n", 40000+i%1000)
		}
	}
	if max := logBurst + 150/int(logEvery.Seconds()) + 1; written > max {
		t.Errorf("%d lines written for 150,000 failures, want at most %d", written, max)
	}
	if left == 0 || left+written > 150_000+150 {
		t.Errorf("the lines written report %d left out", left)
	}
	if strings.Count(logs.String(), "\n") > 2 {
		t.Errorf("the server's error lines were not limited with the address's:\n%s", logs.String())
	}
	if ok, _ := l.allow("198.51.100.7"); !ok {
		t.Error("another address gets no line")
	}
	t.Logf("%d lines, %d left out; %d bytes of server error lines", written, left, logs.Len())
}

// FuzzOutsideText: the parser of outside text added for the log (a
// server error line naming a client) never panics. The importer's part,
// a bundle file's name, is FuzzNameSeq in package importer.
func FuzzOutsideText(f *testing.F) {
	f.Add("store/01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b/000000000001.cwb")
	f.Add("usb/01920b3c-5d6e-7f80-9a1b-2c3d4e5f6a7b-12.cwb")
	f.Add("http: TLS handshake error from 203.0.113.5:4000: EOF")
	f.Fuzz(func(t *testing.T, s string) {
		rv := &Receiver{log: slog.New(slog.DiscardHandler), logRate: newLogLimiter(time.Now)}
		if n, err := rv.errorLog().Writer().Write([]byte(s)); err != nil || n != len(s) {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	})
}
