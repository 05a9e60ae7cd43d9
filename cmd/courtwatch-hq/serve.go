package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"courtwatch/sync/hq/receiver"
	"courtwatch/sync/wire"
)

const helpServe = `Runs the receiver until it gets SIGINT (Ctrl-C) or SIGTERM, then stops
cleanly. It stores the bundles that enrolled devices upload in --store
(default: store/ in the HQ folder) and answers each with a receipt signed
by the HQ's receipt key. It never decrypts: it reads only devices/,
receipt.key and tls/ of the HQ folder, so age.key need not be on this
machine. Enrollments and revocations apply at once, without a restart.

It serves TLS with the HQ certificate (tls/ in the HQ folder), whose pin
every profile for an https URL carries, so monitors accept this receiver
and no other. --plain-http serves plain HTTP instead, only on a loopback
address (127.0.0.1, ::1), for a proxy or a Tor onion service on the same
machine in front of it; all clients then share one address, so raise
--max-conns-per-addr. It logs to standard error: device ids, client
addresses, bundle numbers, sizes and outcomes, never content; repeated
failures from one address at a bounded rate.

With --store s3://BUCKET/PREFIX it keeps the bundles in an S3-compatible
bucket, which several receivers may share; the credentials and endpoint
come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and
AWS_ENDPOINT_URL. Such receivers read the device registry from the bucket
too: publish enrollments and revocations there with "enroll --store" and
"revoke --store". While the bucket fails, uploads get 503 and devices
retry later.

Once it accepts connections it prints "listening on URL", with the port
the system chose for --addr HOST:0.
`

func runServe(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	addr := fs.String("addr", "", "listen on this `host:port`, e.g. 127.0.0.1:8080 or :8443 (port 0: any free port)")
	store := fs.String("store", "", "the `folder` or s3://BUCKET/PREFIX for received bundles (default: store in the HQ folder)")
	maxBody := fs.Int64("max-body-mib", receiver.DefaultMaxBody>>20, "the largest upload, in `MiB`")
	plain := fs.Bool("plain-http", false, "serve plain HTTP, on a loopback address only, for a proxy in front")
	perAddr := fs.Int("max-conns-per-addr", receiver.DefaultMaxConnsPerAddr, "the most open connections from one client `address`")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	if *addr == "" {
		return cmd.UsageError("--addr is required")
	}
	if *perAddr <= 0 {
		return cmd.UsageError("--max-conns-per-addr must be at least 1")
	}
	if min := int64(wire.MaxUpload >> 20); *maxBody < min {
		return cmd.UsageError("--max-body-mib must be at least %d: devices seal bundles of up to %d MiB, and a receiver that refused them would leave them undelivered", min, min)
	}
	dir, err := c.hqDir()
	if err != nil {
		return err
	}
	if *store == "" {
		*store = filepath.Join(dir, "store")
	}
	if _, err := os.Stat(filepath.Join(dir, "devices")); err != nil {
		return &hintError{Msg: "no device registry in " + dir, Err: err,
			Advice: "give the HQ folder made by courtwatch-hq init (or a copy of its devices/, receipt.key and tls/)"}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := receiver.Config{
		HQDir: dir, Store: *store, MaxBody: *maxBody << 20, PlainHTTP: *plain, MaxConnsPerAddr: *perAddr,
		Log: slog.New(slog.NewTextHandler(c.stderr, nil)), Getenv: c.getenv,
	}
	rv, err := receiver.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return &hintError{Msg: "receiver: " + err.Error(), Err: err, Advice: "another program listens on " + *addr + "; choose another port"}
	}
	if err != nil {
		return fmt.Errorf("receiver: %w", err)
	}
	scheme := "https"
	if *plain {
		scheme = "http"
	}
	return rv.Serve(ctx, &announcer{Listener: ln, w: c.stdout, url: scheme + "://" + ln.Addr().String()})
}

// announcer prints "listening on URL" when the receiver first accepts
// connections, once its checks have passed: with --addr HOST:0 the URL
// says which port the system chose, for whoever started the receiver.
type announcer struct {
	net.Listener
	w    io.Writer
	url  string
	once sync.Once
}

func (a *announcer) Accept() (net.Conn, error) {
	a.once.Do(func() { fmt.Fprintf(a.w, "listening on %s\n", a.url) })
	return a.Listener.Accept()
}
