package main

import (
	"errors"
	"fmt"

	"courtwatch/cmd/internal/cmdline"
	"courtwatch/storage"
	"courtwatch/sync/hq"
	"courtwatch/sync/hq/setup"

	"github.com/google/uuid"
)

// withVault opens the HQ vault of the HQ folder with its passphrase, runs
// fn and closes the vault.
func (c *cli) withVault(fn func(dir string, v *storage.Vault) error) (err error) {
	dir, err := c.hqDir()
	if err != nil {
		return err
	}
	if _, err := hq.ReadInfo(dir); err != nil {
		return err
	}
	vdir := hq.VaultDir(dir)
	pass, err := c.passphrase("Passphrase for the HQ vault in "+dir+": ", false)
	if err != nil {
		return err
	}
	v, err := setup.OpenVault(dir, pass) // hq.VaultDir(dir), sized for a server
	clear(pass)
	if err != nil {
		return vaultError(vdir, err)
	}
	defer func() {
		if cerr := v.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	return fn(dir, v)
}

// vaultError explains an error of opening the HQ vault.
func vaultError(dir string, err error) error {
	return cmdline.Explain(fmt.Errorf("open the HQ vault %s: %w", dir, err),
		cmdline.Hint{Err: storage.ErrWrongPassphrase, Advice: "type the HQ vault's passphrase again, or check " + passphraseFileVar + " and " + passphraseVar},
		cmdline.Hint{Err: storage.ErrVaultInUse, Advice: "another courtwatch-hq command is using the HQ vault; wait until it ends"},
		cmdline.Hint{Err: storage.ErrNoVault, Advice: "the HQ folder has no vault; was it made by courtwatch-hq init?"},
		cmdline.Hint{Err: storage.ErrTampered, Advice: "the HQ vault is damaged or was tampered with: do not change it, keep a copy of the folder and restore from a backup"})
}

// notFound explains a record that the HQ vault does not hold.
func notFound(kind string, id uuid.UUID, err error) error {
	if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	hint := map[string]string{
		storage.KindCase:    "see the cases with: courtwatch-hq list cases",
		storage.KindHearing: "see the hearings with: courtwatch-hq list hearings",
		storage.KindNote:    "see a hearing's notes with: courtwatch-hq list notes --hearing ID",
	}[kind]
	if hint == "" {
		hint = "look for it with: courtwatch-hq search WORDS; or import the monitors' latest bundles first"
	}
	return &hintError{Msg: fmt.Sprintf("no %s with id %s", kind, id), Err: err, Advice: hint}
}

// monitors names the devices that wrote records: their monitor in the
// registry, or the HQ vault's own device.
type monitors map[uuid.UUID]string

func loadMonitors(dir string, v *storage.Vault) (monitors, error) {
	all, err := hq.Devices(dir)
	if err != nil {
		return nil, err
	}
	m := monitors{}
	for _, d := range all {
		if id, err := uuid.Parse(d.ID); err == nil {
			m[id] = d.Monitor
		}
	}
	m[v.Device().ID] = v.Device().Name
	return m, nil
}

// name is the monitor of device, or "" if it is not enrolled.
func (m monitors) name(device uuid.UUID) string { return m[device] }
