package outbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"golang.org/x/net/proxy"
)

var _ Transport = (*HTTPS)(nil)

// ErrNoURL: the HQ profile has no receiver URL, so bundles for it can only
// go out through a folder.
var ErrNoURL = errors.New("the HQ profile has no receiver URL")

// HTTPSOptions tune the HTTPS transport. The zero value suits real use.
type HTTPSOptions struct {
	DialTimeout           time.Duration // TCP connect, through the proxy if any (default 30s)
	TLSHandshakeTimeout   time.Duration // default 30s
	ResponseHeaderTimeout time.Duration // after the body is sent (default 60s)
	// MinRate is the slowest upload, in bytes per second, that an attempt
	// waits for: it gets 2 minutes plus size/MinRate (default 4 KiB/s,
	// slow Tor).
	MinRate int64
}

func (o *HTTPSOptions) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.DialTimeout, 30*time.Second)
	def(&o.TLSHandshakeTimeout, 30*time.Second)
	def(&o.ResponseHeaderTimeout, 60*time.Second)
	if o.MinRate <= 0 {
		o.MinRate = 4 << 10
	}
}

// HTTPS delivers bundles to an HQ receiver with the HTTP API of sync/wire.
type HTTPS struct {
	base   string // the profile's URL without a trailing slash
	via    string // the proxy, for String
	client *http.Client
	tr     *http.Transport
	opt    HTTPSOptions
	host   string                                                            // the receiver's host name or address
	dial   func(ctx context.Context, network, addr string) (net.Conn, error) // TCP, through a socks5 proxy if any

	// receiptKey expands compact receipts; without one (hasKey false) the
	// transport uploads with API v1 only.
	receiptKey minisign.PublicKey
	hasKey     bool
	// v1 is set once the receiver answered a compact upload (API v2) with
	// 404: it predates v2, and this transport uploads with v1 from then
	// on. v2 is set once it answered one otherwise.
	v1, v2 atomic.Bool
}

// HTTPSFunc returns a TransportFunc that makes HTTPS transports with opt.
func HTTPSFunc(opt HTTPSOptions) TransportFunc {
	return func(p hqprofile.Profile) (Transport, error) { return NewHTTPS(p, opt) }
}

// NewHTTPS makes the transport to p's receiver.
//
// With a tls_pin in the profile, the receiver's certificate is accepted only
// if the sha256 of its SubjectPublicKeyInfo is the pin, and no other check
// is made: HQ's certificate is self-signed (courtwatch-hq init makes it; no
// public authority certifies a receiver on a bare IP address or an onion
// service), so verifying it against the system's roots would always fail.
// That is why the TLS configuration sets InsecureSkipVerify, which turns off
// only Go's chain and host name checks, and always together with a
// VerifyConnection that compares the pin: a pin is stricter than any
// authority, since it accepts exactly the one key HQ named. VerifyConnection
// also runs on resumed sessions, unlike VerifyPeerCertificate. Without a
// pin, certificates are verified against the system roots as usual.
//
// Only the profile's proxy is used, never HTTP_PROXY or ALL_PROXY from the
// environment: the profile alone decides the route of the bundles. socks5
// proxies (Tor: socks5://127.0.0.1:9050) resolve host names themselves, so
// no DNS query leaves this machine.
func NewHTTPS(p hqprofile.Profile, opt HTTPSOptions) (*HTTPS, error) {
	if p.URL == "" {
		return nil, fmt.Errorf("%w (profile %q); deliver its bundles with a folder", ErrNoURL, p.Name)
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	opt.defaults()
	u, err := url.Parse(p.URL)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: opt.DialTimeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   opt.TLSHandshakeTimeout,
		ResponseHeaderTimeout: opt.ResponseHeaderTimeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   2,
		DisableCompression:    true, // answers are short: no Accept-Encoding on the wire
		// Large compact uploads ask first while the receiver may predate
		// API v2 (see postCompact).
		ExpectContinueTimeout: 3 * time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
	if p.TLSPin != "" {
		want, _ := hex.DecodeString(strings.TrimPrefix(p.TLSPin, "sha256:")) // Check made sure
		tr.TLSClientConfig.InsecureSkipVerify = true
		tr.TLSClientConfig.VerifyConnection = pinCheck(want, u.Hostname())
	}
	h := &HTTPS{base: strings.TrimSuffix(p.URL, "/"), tr: tr, opt: opt, host: u.Hostname()}
	h.receiptKey, err = p.ReceiptPublicKey()
	h.hasKey = err == nil
	if p.Proxy != "" {
		pu, err := url.Parse(p.Proxy)
		if err != nil {
			return nil, err
		}
		switch pu.Scheme {
		case "http", "https":
			tr.Proxy = http.ProxyURL(pu)
		default: // socks5, socks5h (Check allows nothing else)
			d, err := proxy.FromURL(pu, dialer)
			if err != nil {
				return nil, fmt.Errorf("HQ profile %q: proxy: %w", p.Name, err)
			}
			tr.DialContext = d.(proxy.ContextDialer).DialContext
		}
		pu.User = nil
		h.via = " via " + pu.String()
	}
	if tr.Proxy == nil && u.Scheme == "https" {
		h.dial = tr.DialContext
		tr.DialTLSContext = h.dialTLS
	}
	h.client = &http.Client{
		Transport: tr,
		// A redirect would send the bundle somewhere the profile does not
		// name: report it instead.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return h, nil
}

// pinCheck accepts the receiver (host) only with the pinned key. A
// connection to another server name can only be the TLS connection to an
// https:// proxy, which shares the configuration: it is verified against
// the system roots as usual. The receiver's own connection always has
// host, or no name at all for an IP address, as its server name, so it can
// never take that path.
func pinCheck(want []byte, host string) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("the server sent no certificate")
		}
		if cs.ServerName != "" && !strings.EqualFold(cs.ServerName, host) {
			opts := x509.VerifyOptions{DNSName: cs.ServerName, Intermediates: x509.NewCertPool()}
			for _, c := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		}
		got := sha256.Sum256(cs.PeerCertificates[0].RawSubjectPublicKeyInfo)
		if subtle.ConstantTimeCompare(got[:], want) != 1 {
			return fmt.Errorf("the server's key sha256:%x is not the one pinned in the HQ profile; someone may be intercepting the connection, or HQ changed its certificate (ask HQ for a new profile)", got)
		}
		return nil
	}
}

// resumeWith makes the transport resume TLS sessions from c and keep new
// ones there (see sessions.go). It must be called before the first
// Deliver.
func (h *HTTPS) resumeWith(c tls.ClientSessionCache) {
	h.tr.TLSClientConfig.ClientSessionCache = c
}

// errFullHandshake aborts a handshake that was meant to resume a session
// but became a full one; dialTLS then dials again with every key share.
var errFullHandshake = errors.New("the receiver did not resume the TLS session")

// dialTLS opens the TLS connection to the receiver (directly or through a
// socks5 proxy; an http(s) proxy takes Go's own path, with every key
// share).
//
// A connection that resumes a stored session offers only an X25519 key
// share, not Go's default hybrid X25519MLKEM768 one, which is 2.3 KB of the
// 5.6 KB a one-note sync puts on the wire. This keeps the protection
// against an adversary who records today and has a quantum computer later:
// a resumed TLS 1.3 handshake (psk_dhe_ke) derives its keys from both the
// X25519 secret and the session's pre-shared key, and that key comes from
// the full handshake before it, which had the post-quantum share. X25519
// adds forward secrecy on top. What it gives up: an adversary who later
// holds both a quantum computer and the session stored in the vault (or
// the receiver's memory, which forgets it once it resumed) could read the
// resumed connections; a vault opened with its passphrase holds the
// records themselves anyway.
//
// A handshake that would not resume (HQ restarted and forgot its
// sessions, the session expired) is never completed with X25519 alone:
// it is aborted before anything is sent, and the connection is dialled
// again with every key share, so a full handshake always has the post-quantum
// share and every stored session descends from one.
//
// The resuming ClientHello offers TLS 1.3 only, 28 bytes less than one
// that also offers TLS 1.2 (its cipher suites; issue 13): HQ's receiver
// speaks TLS 1.3. A server in front of it that speaks TLS 1.2 only (a
// proxy with HQ's certificate) refuses that hello, and a session of TLS
// 1.2 is not offered in it. Either way the connection is dialled again
// with the full configuration, as whenever a resuming handshake fails
// other than on the network or on the pin (TestResumeFromTLS12Server).
func (h *HTTPS) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	cfg := h.tr.TLSClientConfig
	if c := cfg.ClientSessionCache; c != nil {
		if _, stored := c.Get(h.host); stored {
			resume := cfg.Clone()
			resume.CurvePreferences = []tls.CurveID{tls.X25519}
			resume.MinVersion = tls.VersionTLS13
			verify := cfg.VerifyConnection
			var refused error // the pin check's, on a resumed session
			resume.VerifyConnection = func(cs tls.ConnectionState) error {
				if !cs.DidResume {
					return errFullHandshake
				}
				if verify != nil {
					refused = verify(cs)
				}
				return refused
			}
			c, err := h.handshake(ctx, network, addr, resume)
			var ne net.Error
			if err == nil || refused != nil || errors.As(err, new(dialError)) || errors.As(err, &ne) && ne.Timeout() || ctx.Err() != nil {
				return c, err
			}
			// errFullHandshake, or the server refused the hello: dial again
		}
	}
	return h.handshake(ctx, network, addr, cfg)
}

// handshake dials addr and makes the TLS handshake with cfg, within the
// transport's handshake timeout.
func (h *HTTPS) handshake(ctx context.Context, network, addr string, cfg *tls.Config) (net.Conn, error) {
	raw, err := h.dial(ctx, network, addr)
	if err != nil {
		return nil, dialError{err}
	}
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = h.host // also the session cache's key, as Go's transport sets it
	}
	ctx, cancel := context.WithTimeout(ctx, h.opt.TLSHandshakeTimeout)
	defer cancel()
	c := tls.Client(raw, cfg)
	if err := c.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return c, nil
}

// dialError is a failure to reach the receiver, before any TLS.
type dialError struct{ err error }

func (e dialError) Error() string { return e.err.Error() }
func (e dialError) Unwrap() error { return e.err }

// String is the receiver's URL, and the proxy if any.
func (h *HTTPS) String() string { return h.base + h.via }

// CloseIdleConnections closes connections kept open for the next bundle.
func (h *HTTPS) CloseIdleConnections() { h.tr.CloseIdleConnections() }

// Deliver uploads the bundle. After an earlier attempt, whose answer may
// have been lost after HQ stored the bundle, it first asks for the receipt,
// and uploads only if HQ has none. It uploads with the compact API v2 (see
// sync/wire), and with v1 to a receiver that predates v2 (it answers 404)
// or for a signature without a compact form.
func (h *HTTPS) Deliver(ctx context.Context, e *Entry, data, sig []byte, progress func(sent, total int64)) (*wire.SignedReceipt, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute+time.Duration(int64(len(data))/h.opt.MinRate)*time.Second)
	defer cancel()
	path := fmt.Sprintf("%s%s/%d", wire.BundlesPath, e.Device, e.Seq)
	if e.Attempts > 1 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.base+path+"/receipt", nil)
		if err != nil {
			return nil, err
		}
		r, err := receipt(h.do(req))
		var he *HTTPError
		switch {
		case errors.As(err, &he) && he.Status == http.StatusNotFound:
		case err == nil && !names(r, e):
			// HQ holds another bundle under this seq: the upload gets
			// the 409 that says so.
		default:
			return r, err
		}
	}
	if c, ok := wire.CompactSignature(sig, e.Device, e.Seq); ok && h.hasKey && !h.v1.Load() {
		r, err := h.postCompact(ctx, e, c, data, progress)
		var he *HTTPError
		if !errors.As(err, &he) || he.Status != http.StatusNotFound {
			return r, err
		}
		h.v1.Store(true) // a receiver before API v2
	}
	body := func() io.ReadCloser {
		return io.NopCloser(&progressReader{r: bytes.NewReader(data), total: int64(len(data)), fn: progress})
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.base+path, body())
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(data))
	req.GetBody = func() (io.ReadCloser, error) { return body(), nil }
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set(wire.SignatureHeader, base64.StdEncoding.EncodeToString(sig))
	return receipt(h.do(req))
}

// smallUpload is the largest compact upload sent in one piece, its
// progress reported once it is sent: with the request's headers it fits
// the client's 4 KiB write buffer, so both go out in one write, and a
// one-note bundle in one TLS record.
const smallUpload = 3 << 10

// postCompact uploads the bundle with API v2: its compact signature c
// leads the body, and the answer is a compact receipt (or a JSON one),
// which it expands for e. A receiver that predates v2 answers 404. While
// it is not known to have v2, a large bundle asks with Expect:
// 100-continue first, so that an old receiver's 404 comes before the body.
func (h *HTTPS) postCompact(ctx context.Context, e *Entry, c, data []byte, progress func(sent, total int64)) (*wire.SignedReceipt, error) {
	url := fmt.Sprintf("%s%s%s/%d", h.base, wire.BundlesPathV2, e.Device, e.Seq)
	total := int64(len(data))
	small := len(c)+len(data) <= smallUpload
	var req *http.Request
	var err error
	if small {
		// A bytes.Reader lets Go's client send the headers and the body
		// in one write: one TLS record, 22 bytes less.
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(append(c[:len(c):len(c)], data...)))
	} else {
		body := func() io.ReadCloser {
			return io.NopCloser(io.MultiReader(bytes.NewReader(c), &progressReader{r: bytes.NewReader(data), total: total, fn: progress}))
		}
		if req, err = http.NewRequestWithContext(ctx, http.MethodPost, url, body()); err == nil {
			req.ContentLength = int64(len(c) + len(data))
			req.GetBody = func() (io.ReadCloser, error) { return body(), nil }
			if !h.v2.Load() {
				req.Header.Set("Expect", "100-continue")
			}
		}
	}
	if err != nil {
		return nil, err
	}
	b, err := h.do(req)
	if he := (*HTTPError)(nil); err == nil || errors.As(err, &he) && he.Status != http.StatusNotFound {
		h.v2.Store(true) // the receiver answered as one with v2 does
	}
	if err != nil {
		return nil, err
	}
	if small && progress != nil {
		progress(total, total)
	}
	if !wire.IsCompactReceipt(b) {
		return receipt(b, nil)
	}
	r, err := wire.ExpandReceipt(b, h.receiptKey, e.Device, e.Seq, e.Hash)
	if err != nil {
		return nil, fmt.Errorf("%w: HQ's answer is not a receipt (%d bytes)", wire.ErrBadReceipt, len(b))
	}
	return &r, nil
}

// names reports whether receipt r, not yet verified, is for bundle e.
func names(r *wire.SignedReceipt, e *Entry) bool {
	var rc wire.Receipt
	return json.Unmarshal([]byte(r.Receipt), &rc) == nil && rc.Hash == e.Hash
}

// maxAnswer bounds what is read of the receiver's answer.
const maxAnswer = 64 << 10

// do sends req and returns the body of a 200 answer, or the receiver's
// error as *HTTPError.
func (h *HTTPS) do(req *http.Request) ([]byte, error) {
	req.Header.Set("User-Agent", "") // none: it would only name Go's HTTP client
	resp, err := h.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the method and URL: the caller names the receiver
		}
		return nil, fmt.Errorf("cannot reach HQ: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var msg struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &msg) != nil || msg.Error == "" {
			msg.Error = http.StatusText(resp.StatusCode)
		}
		return nil, &HTTPError{Status: resp.StatusCode, Msg: msg.Error}
	}
	return b, nil
}

// receipt reads a receipt's JSON from a 200 answer's body b, or passes on
// do's error.
func receipt(b []byte, err error) (*wire.SignedReceipt, error) {
	if err != nil {
		return nil, err
	}
	var r wire.SignedReceipt
	if err := json.Unmarshal(b, &r); err != nil || r.Receipt == "" || r.Signature == "" {
		return nil, fmt.Errorf("%w: HQ's answer is not a receipt (%d bytes)", wire.ErrBadReceipt, len(b))
	}
	return &r, nil
}

// progressReader reports how much of a body was read.
type progressReader struct {
	r     io.Reader
	sent  int64
	total int64
	fn    func(sent, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.sent += int64(n)
	if p.fn != nil && n > 0 {
		p.fn(p.sent, p.total)
	}
	return n, err
}
