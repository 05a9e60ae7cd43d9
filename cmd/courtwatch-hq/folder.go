package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"courtwatch/cmd/internal/testkdf"
	"courtwatch/sync/hq/setup"
)

const helpInit = `Creates the HQ folder (--dir D, which must not exist yet) with the HQ's
age key, which decrypts every bundle; the key that signs receipts; a
self-signed TLS certificate for the receiver, valid 5 years for the names
given with --host (default: localhost, 127.0.0.1 and ::1); an empty device
registry; and the HQ vault, whose passphrase is asked twice (or taken from
COURTWATCH_PASSPHRASE_FILE or COURTWATCH_PASSPHRASE).

Keep the folder on an encrypted disk and back it up: without age.key no
bundle can be read. The receiver needs only devices/, receipt.key and
tls/; on an exposed server, copy just those.
`

const helpProfile = `Prints the HQ profile, the file that monitors install with
"courtwatch hq add PROFILE", or writes it to --out. It holds the receiver's
URL, the age recipients bundles are encrypted to (HQ's own, then any
--recipient, e.g. the next key while rotating), the key that verifies
receipts, the TLS pin of the receiver's certificate (for https URLs, unless
--no-pin) and the proxy monitors go through (e.g. socks5://127.0.0.1:9050
for Tor). A plain http URL is only for a receiver on the monitor's own
machine.
`

func runInit(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	name := fs.String("name", "", "the HQ's `name`, shown to monitors")
	var hosts stringList
	fs.Var(&hosts, "host", "a DNS `name` or IP address of the receiver for its certificate; repeat for more")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	dir, err := c.hqDir()
	if err != nil {
		return err
	}
	opt := setup.InitOptions{Name: *name, Hosts: hosts}
	if kdf, ok := testkdf.FromEnv(c.getenv); ok {
		fmt.Fprintln(c.stderr, "courtwatch-hq: warning: COURTWATCH_TEST_KDF=1: this HQ vault's passphrase is weakly protected; use it for tests only")
		opt.KDF = kdf
	}
	if opt.Passphrase, err = c.newPassphrase("New passphrase for the HQ vault in " + dir + ": "); err != nil {
		return err
	}
	defer clear(opt.Passphrase)
	if err := setup.Init(dir, opt); err != nil {
		return err
	}
	p, err := setup.Profile(dir, "https://localhost", nil, "", true) // for the public keys and the pin
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "hq folder\t%s\nage recipient\t%s\nreceipt key\t%s\ntls pin\t%s\n", dir, p.Recipients[0], p.ReceiptKey, p.TLSPin)
	return tw.Flush()
}

func runProfile(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	url := fs.String("url", "", "the receiver's `URL`, e.g. https://hq.example.org:8443")
	var recipients stringList
	fs.Var(&recipients, "recipient", "another age `recipient` (age1…) to encrypt to; repeat for more")
	proxy := fs.String("proxy", "", "the `proxy` monitors use, e.g. socks5://127.0.0.1:9050")
	noPin := fs.Bool("no-pin", false, "do not pin the receiver's certificate (use with a CA-issued certificate)")
	out := fs.String("out", "", "write the profile to this `file` instead of standard output")
	if err := cmd.ParseFlags(c.stdout, fs, args); err != nil {
		return err
	}
	if *url == "" {
		return cmd.UsageError("--url is required")
	}
	dir, err := c.hqDir()
	if err != nil {
		return err
	}
	p, err := setup.Profile(dir, *url, recipients, *proxy, !*noPin)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return c.output(*out, append(b, '\n'))
}
