package receiver

import (
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"courtwatch/sync/hq/internal/hqtest"
)

// The other helpers are in sync/hq/internal/hqtest.

// newServer runs a receiver for the HQ in cfg.HQDir on httptest
// (127.0.0.1), storing in a new folder unless cfg.Store is set.
func newServer(t testing.TB, cfg Config) (*httptest.Server, *Receiver, *hqtest.LogBuffer) {
	t.Helper()
	if cfg.Store == "" {
		cfg.Store = filepath.Join(t.TempDir(), "store")
	}
	return hqtest.Serve(t, func(log *slog.Logger) (*Receiver, error) {
		cfg.Log = log
		return New(cfg)
	})
}
