package importer

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"courtwatch/sync/hq/internal/hqtest"
	"courtwatch/sync/hq/receiver"
)

// newServer runs a receiver for the HQ in cfg.HQDir on httptest
// (127.0.0.1), storing in a new folder unless cfg.Store is set, for the
// tests that import what a receiver stored. The other helpers are in
// sync/hq/internal/hqtest.
func newServer(t testing.TB, cfg receiver.Config) (*httptest.Server, *receiver.Receiver, *hqtest.LogBuffer) {
	t.Helper()
	if cfg.Store == "" {
		cfg.Store = filepath.Join(t.TempDir(), "store")
	}
	return hqtest.Serve(t, func(log *slog.Logger) (*receiver.Receiver, error) {
		cfg.Log = log
		return receiver.New(cfg)
	})
}

// upload has m write n notes, the i-th with the text fmt.Sprintf(format,
// i), each sealed for the HQ in dir in a bundle of its own and uploaded to
// the receiver at srv; it returns the bundles.
func (m *monitor) upload(t testing.TB, dir, srv string, n int, format string) []sealed {
	t.Helper()
	var out []sealed
	for i := range n {
		m.note(t, fmt.Sprintf(format, i))
		s := m.seal(t, dir, nil)
		if status, body := hqtest.Post(t, nil, srv, m.id(), s.seq, s.data, s.sig); status != http.StatusOK {
			t.Fatalf("upload of bundle %d of %s to %s: %d %s", s.seq, m.name, srv, status, body)
		}
		out = append(out, s)
	}
	return out
}
