package importer

import (
	"log/slog"
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
