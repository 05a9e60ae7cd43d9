package outbox

import (
	"bytes"
	"encoding/json"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/wire"
)

// DeviceFile is this device's device file (see sync/wire), as `courtwatch
// device export` and the app's Delivery screen save it: indented JSON
// ending in a newline. It holds no secret. d.PublicKey is the key the HQ
// admin reads back from `courtwatch-hq enroll`.
func DeviceFile(v *storage.Vault) (d wire.Device, file []byte, err error) {
	dev := v.Device()
	d = wire.Device{
		Format: wire.DeviceFormat, ID: dev.ID.String(), Monitor: dev.Name,
		PublicKey: bundle.PublicKey(dev.PublicKey).String(),
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return d, nil, err
	}
	return d, b.Bytes(), nil
}
