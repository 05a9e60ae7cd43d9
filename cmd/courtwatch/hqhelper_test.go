package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"courtwatch/sync/bundle"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"

	"aead.dev/minisign"
	"filippo.io/age"
)

// testHQ is the scripts' stand-in for HQ's tools, which live in another
// command:
//
//	courtwatch-test-hq profile DIR URL
//	    makes HQ keys in DIR (hq.key, the age identity) and writes the
//	    monitors' profile DIR/profile.json for the receiver at URL
//	courtwatch-test-hq open DIR DEVICE-FILE BUNDLE
//	    verifies and decrypts BUNDLE (and BUNDLE.minisig) with DIR/hq.key
//	    and the device file's key, and prints what it holds
func testHQ() {
	if err := runTestHQ(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "courtwatch-test-hq:", err)
		os.Exit(1)
	}
}

func runTestHQ(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "profile":
		return testHQProfile(args[1], args[2])
	case len(args) == 4 && args[0] == "open":
		return testHQOpen(args[1], args[2], args[3])
	}
	return fmt.Errorf("usage: courtwatch-test-hq profile DIR URL | open DIR DEVICE-FILE BUNDLE")
}

func testHQProfile(dir, url string) error {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return err
	}
	pub, _, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	p := hqprofile.Profile{Format: hqprofile.Format, Name: "hq", URL: url,
		Recipients: []string{id.Recipient().String()}, ReceiptKey: pub.String()}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "hq.key"), []byte(id.String()+"\n"), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "profile.json"), append(b, '\n'), 0o644)
}

func testHQOpen(dir, deviceFile, name string) error {
	f, err := os.Open(filepath.Join(dir, "hq.key"))
	if err != nil {
		return err
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return err
	}
	db, err := os.ReadFile(deviceFile)
	if err != nil {
		return err
	}
	dev, err := wire.ParseDevice(db)
	if err != nil {
		return err
	}
	key, err := dev.Key()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	sig, err := os.ReadFile(name + ".minisig")
	if err != nil {
		return err
	}
	c, err := bundle.Open(data, sig, key, ids...)
	if err != nil {
		return err
	}
	if err := c.Trusted.CheckDevice(dev.ID); err != nil {
		return err
	}
	fmt.Printf("bundle %d of device %s (%s): %d records, %d attachments\n",
		c.Manifest.Seq, c.Manifest.Device, c.Manifest.Monitor, len(c.Records), len(c.Attachments))
	for _, r := range c.Records {
		fmt.Printf("%s\n", r)
	}
	return nil
}
