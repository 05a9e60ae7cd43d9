package outbox

import "courtwatch/storage"

// Unconfirmed returns how many of the record versions this device wrote
// no verified HQ receipt covers yet: what a wipe or a lost laptop would
// lose. Versions sealed into a bundle that HQ has not confirmed count.
func Unconfirmed(v *storage.Vault) (int, error) {
	seq, _ := v.Head()
	all, err := Entries(v)
	if err != nil {
		return 0, err
	}
	covered := 0
	for _, e := range all {
		if e.State == ReceiptVerified && e.Device == v.Device().ID.String() {
			covered += e.Records
		}
	}
	return max(int(seq)-covered, 0), nil
}
