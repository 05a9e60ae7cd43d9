package receiver

import (
	"context"
	"fmt"
	"strings"

	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq"

	"github.com/minio/minio-go/v7"
)

// The importer (package importer) reads a bucket store with these; the
// receiver only writes to it.

// ErrStoreUnavailable marks a failure of the store that a later attempt
// may not meet: a bucket that answers 5xx, is slow or unreachable.
var ErrStoreUnavailable = errStoreUnavailable

// StoredBundle is a bundle (*.cwb object) in the store.
type StoredBundle struct {
	Key string // the .cwb object's key
	// Sidecars is true when a .cwb.minisig object lies next to it: the
	// layout of receivers before the signature and receipt went into the
	// .cwb's metadata (see "Store in a bucket" in the package doc).
	Sidecars bool
	// Size is the .cwb object's size in bytes, as listed.
	Size int64
}

// Bundles lists the bundles (*.cwb) in the store, skipping the registry
// and hidden names (a part that starts with ".").
func (s *S3Store) Bundles() ([]StoredBundle, error) {
	ctx, cancel := context.WithCancel(context.Background()) // each page has the transport's timeouts
	defer cancel()
	var out []StoredBundle
	sigs := make(map[string]bool)
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("list %s: %w", s.url, s.explain(obj.Err))
		}
		rel := strings.TrimPrefix(obj.Key, s.prefix)
		if strings.HasPrefix(rel, hq.DevicesDir+"/") || hiddenKey(rel) {
			continue
		}
		switch {
		case strings.HasSuffix(rel, ".cwb"):
			out = append(out, StoredBundle{Key: obj.Key, Size: obj.Size})
		case strings.HasSuffix(rel, ".cwb.minisig"):
			sigs[strings.TrimSuffix(obj.Key, ".minisig")] = true
		}
	}
	for i := range out {
		out[i].Sidecars = sigs[out[i].Key]
	}
	return out, nil
}

// Extras reads the signature of bundle b and, if the .cwb's metadata
// carries it, its receipt; in the older layout (b.Sidecars) the .minisig
// object, and the receipt is nil: read it with ReadReceipt when needed.
// A bundle with neither has sig nil.
func (s *S3Store) Extras(b StoredBundle) (sig, receipt []byte, err error) {
	if b.Sidecars {
		sig, _, err = s.get(b.Key+".minisig", verify.MaxSignature)
		return sig, nil, err
	}
	meta, ok, err := s.head(b.Key)
	switch {
	case err != nil:
		return nil, nil, err
	case !ok:
		return nil, nil, fmt.Errorf("the bundle %s was removed from %s", b.Key, s.url)
	}
	if sig, receipt, err = ParseBundleMeta(meta); err != nil {
		return nil, nil, fmt.Errorf("the bundle %s in %s is damaged: %v", b.Key, s.url, err)
	}
	return sig, receipt, nil
}

// Metadata reads the user metadata of object key; ok is false if there
// is none.
func (s *S3Store) Metadata(key string) (meta map[string]string, ok bool, err error) {
	return s.head(key)
}

// ReadReceipt reads the .receipt.json object of bundle b, stored in the
// older layout; ok is false if there is none.
func (s *S3Store) ReadReceipt(b StoredBundle) (receipt []byte, ok bool, err error) {
	return s.get(strings.TrimSuffix(b.Key, ".cwb")+".receipt.json", maxSmallObject)
}

// Read reads object key, at most limit bytes; ok is false if there is
// none.
func (s *S3Store) Read(key string, limit int64) (b []byte, ok bool, err error) {
	return s.get(key, limit)
}

// URL is the s3:// URL of object key, for messages.
func (s *S3Store) URL(key string) string { return "s3://" + s.bucket + "/" + key }

// hiddenKey reports whether a part of the key starts with ".".
func hiddenKey(key string) bool {
	for _, p := range strings.Split(key, "/") {
		if strings.HasPrefix(p, ".") {
			return true
		}
	}
	return false
}
