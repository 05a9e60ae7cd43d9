package setup

import (
	"courtwatch/storage"
	"courtwatch/sync/hq"
)

// OpenVault opens the HQ vault of the HQ folder dir with its passphrase,
// as a server's vault (storage.OpenOptions.Server): it merges every
// monitor's records, so Badger gets larger memtables, tables and caches
// than a monitor's laptop vault.
func OpenVault(dir string, passphrase []byte) (*storage.Vault, error) {
	return storage.OpenWith(hq.VaultDir(dir), passphrase, storage.OpenOptions{Server: true})
}
