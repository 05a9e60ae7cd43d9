package receiver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"
	"courtwatch/sync/wire"

	"aead.dev/minisign"
)

// Defaults of Config.
const (
	DefaultMaxBody    = 256 << 20
	DefaultMaxUploads = 16
	DefaultMaxConns   = 1024

	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 5 * time.Minute
	DefaultWriteTimeout      = 5 * time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
	MaxHeaderBytes           = 16 << 10
)

// retryAfter is the Retry-After of a 503, in seconds.
const retryAfter = "10"

// Config configures a receiver. HQDir and Store are required.
type Config struct {
	HQDir      string // the HQ folder; only devices/, receipt.key and tls/ are read
	Store      string // where bundles are stored: a folder, created if missing, or s3://BUCKET/PREFIX
	MaxBody    int64  // largest upload in bytes; 0: DefaultMaxBody (at most verify.MaxBundle)
	MaxUploads int    // uploads read at once; 0: DefaultMaxUploads
	MaxConns   int    // Serve's open connections; 0: DefaultMaxConns
	// MaxConnsPerAddr is Serve's open connections from one client
	// address; 0: DefaultMaxConnsPerAddr. Behind a proxy or an onion
	// service on the same machine every client has its address: raise it.
	MaxConnsPerAddr int
	Now             func() time.Time // the clock for receipts; nil: time.Now
	Log             *slog.Logger     // nil: no logging

	// Getenv reads the AWS_* variables of an s3:// Store; nil: os.Getenv.
	Getenv func(string) string
	// StoreTimeout bounds each request to an s3:// Store; 0: DefaultStoreTimeout.
	StoreTimeout time.Duration

	// Serve's timeouts; zero: the defaults above.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// PlainHTTP makes Serve serve plain HTTP, for a proxy or an onion
	// service on the same machine in front of it; only on a loopback
	// address. Otherwise it serves TLS with the HQ certificate, which
	// profiles pin.
	PlainHTTP bool
}

// Receiver is the HTTP handler of the receiver API (see sync/wire).
type Receiver struct {
	cfg        Config
	store      bundleStore
	receiptKey minisign.PrivateKey
	uploads    chan struct{} // a semaphore: one token per running upload
	log        *slog.Logger
	logRate    *logLimiter // bounds the lines that failed requests write

	mu       sync.Mutex // guards closed and the Adds of inflight
	closed   bool
	inflight sync.WaitGroup
}

var _ http.Handler = (*Receiver)(nil)

// NewReceiver checks cfg, loads the receipt key and removes the leftovers
// of interrupted uploads from the store.
func New(cfg Config) (*Receiver, error) {
	if cfg.HQDir == "" || cfg.Store == "" {
		return nil, errors.New("receiver: both the HQ folder and the store folder are needed")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	cfg.MaxBody = min(cfg.MaxBody, verify.MaxBundle)
	if cfg.MaxUploads <= 0 {
		cfg.MaxUploads = DefaultMaxUploads
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.MaxConnsPerAddr <= 0 {
		cfg.MaxConnsPerAddr = DefaultMaxConnsPerAddr
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if _, err := os.Stat(filepath.Join(cfg.HQDir, hq.DevicesDir)); err != nil {
		return nil, fmt.Errorf("receiver: %s is not an HQ folder: %w", cfg.HQDir, err)
	}
	key, err := hq.ReceiptKey(cfg.HQDir)
	if err != nil {
		return nil, fmt.Errorf("receiver: %w", err)
	}
	st, err := openStore(cfg, key.Public().(minisign.PublicKey))
	if err != nil {
		return nil, fmt.Errorf("receiver: %w", err)
	}
	return &Receiver{cfg: cfg, store: st, receiptKey: key,
		uploads: make(chan struct{}, cfg.MaxUploads), log: cfg.Log, logRate: newLogLimiter(time.Now)}, nil
}

// ServeHTTP serves the receiver API.
func (rv *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !rv.enter() {
		rv.fail(w, http.StatusServiceUnavailable, "the receiver is stopping; try again later")
		return
	}
	defer rv.inflight.Done()
	if r.URL.Path == wire.HealthPath {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			rv.notAllowed(w, "GET, HEAD")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, wire.BundlesPathV2); ok {
		parts := strings.Split(rest, "/")
		switch {
		case len(parts) != 2:
			rv.fail(w, http.StatusNotFound, "no such page; the receiver serves "+wire.BundlesPathV2+"{device}/{seq}")
		case r.Method != http.MethodPost:
			rv.notAllowed(w, "POST")
		default:
			if device, seq, err := parseTarget(parts[0], parts[1]); err != nil {
				rv.fail(w, http.StatusBadRequest, err.Error())
			} else {
				rv.upload(w, r, device, seq, true)
			}
		}
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, wire.BundlesPath)
	parts := strings.Split(rest, "/")
	switch {
	case ok && len(parts) == 2:
		if r.Method != http.MethodPost {
			rv.notAllowed(w, "POST")
			return
		}
		if device, seq, err := parseTarget(parts[0], parts[1]); err != nil {
			rv.fail(w, http.StatusBadRequest, err.Error())
		} else {
			rv.upload(w, r, device, seq, false)
		}
	case ok && len(parts) == 3 && parts[2] == "receipt":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			rv.notAllowed(w, "GET, HEAD")
			return
		}
		if device, seq, err := parseTarget(parts[0], parts[1]); err != nil {
			rv.fail(w, http.StatusBadRequest, err.Error())
		} else {
			rv.getReceipt(w, device, seq)
		}
	default:
		rv.fail(w, http.StatusNotFound, "no such page; the receiver serves "+wire.BundlesPath+" and "+wire.HealthPath)
	}
}

// parseTarget reads the device and seq of a bundle's URL.
func parseTarget(device, seqs string) (string, uint64, error) {
	if err := hq.CheckID(device); err != nil {
		return "", 0, err
	}
	seq, err := strconv.ParseUint(seqs, 10, 64)
	if err != nil || seq == 0 || strconv.FormatUint(seq, 10) != seqs {
		return "", 0, fmt.Errorf("bundle number %q is not a number from 1 without leading zeros", seqs)
	}
	return device, seq, nil
}

// getReceipt answers GET /v1/bundles/{device}/{seq}/receipt.
func (rv *Receiver) getReceipt(w http.ResponseWriter, device string, seq uint64) {
	have, receipt, err := rv.store.stored(device, seq)
	switch {
	case err != nil:
		rv.log.Error("read receipt", "device", device, "seq", seq, "err", err)
		rv.storeFailed(w, err)
	case have == "" || receipt == nil:
		rv.fail(w, http.StatusNotFound, fmt.Sprintf("bundle %d of device %s is not stored here", seq, device))
	default:
		writeJSON(w, http.StatusOK, receipt)
	}
}

// enter registers a request, unless Serve has stopped serving.
func (rv *Receiver) enter() bool {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if rv.closed {
		return false
	}
	rv.inflight.Add(1)
	return true
}

// drain waits for the requests being handled and refuses any later ones.
func (rv *Receiver) drain() {
	rv.mu.Lock()
	rv.closed = true
	rv.mu.Unlock()
	rv.inflight.Wait()
}

func (rv *Receiver) notAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	rv.fail(w, http.StatusMethodNotAllowed, "method not allowed; use "+allow)
}

// fail answers with status and a wire error body.
func (rv *Receiver) fail(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{msg})
	writeJSON(w, status, b)
}

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
