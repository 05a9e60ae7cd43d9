package receiver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"courtwatch/sync/hq"
)

// shutdownGrace is how long Serve lets running requests finish when its
// context ends, before it cuts them off.
const shutdownGrace = 10 * time.Second

// Serve serves rv on ln until ctx ends, then stops cleanly: it stops
// accepting, gives running requests a few seconds, and returns once every
// request has ended. rv serves nothing after Serve returns.
func (rv *Receiver) Serve(ctx context.Context, ln net.Listener) error {
	cfg := rv.cfg
	limiter := newConnLimiter(ln, cfg.MaxConns, cfg.MaxConnsPerAddr)
	ln = limiter
	srv := &http.Server{
		ConnState:         limiter.track,
		Handler:           rv,
		ReadHeaderTimeout: or(cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       or(cfg.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      or(cfg.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       or(cfg.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          rv.errorLog(),
	}
	scheme := "https"
	if cfg.PlainHTTP {
		if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
			ln.Close()
			return fmt.Errorf("receiver: plain HTTP is only for a loopback address (127.0.0.1, ::1), for a proxy on the same machine; %s is not one: serve TLS", ln.Addr())
		}
		scheme = "http"
		rv.log.Warn("plain HTTP on loopback only", "addr", ln.Addr().String())
	} else {
		tc, err := hq.TLSConfig(cfg.HQDir)
		if err != nil {
			ln.Close()
			return fmt.Errorf("receiver: %w", err)
		}
		newTicketStore(nil, maxTickets).useWith(tc) // 16-byte session tickets (tickets.go)
		ln = tls.NewListener(ln, tc)
	}
	rv.log.Info("receiver listening", "url", scheme+"://"+ln.Addr().String(), "store", cfg.Store, "max_body", cfg.MaxBody)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		rv.drain()
		return fmt.Errorf("receiver: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		rv.log.Warn("receiver cut off running requests", "err", err)
		srv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("receiver: %w", err)
	}
	rv.drain()
	rv.log.Info("receiver stopped")
	return nil
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
