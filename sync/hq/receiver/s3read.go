package receiver

import (
	"context"
	"fmt"
	"strings"

	"courtwatch/sync/hq"

	"github.com/minio/minio-go/v7"
)

// The importer (package importer) reads a bucket store with these; the
// receiver only writes to it.

// ErrStoreUnavailable marks a failure of the store that a later attempt
// may not meet: a bucket that answers 5xx, is slow or unreachable.
var ErrStoreUnavailable = errStoreUnavailable

// BundleKeys lists the object keys of the bundles (*.cwb) in the store,
// skipping the registry and hidden names (a part that starts with ".").
func (s *S3Store) BundleKeys() ([]string, error) {
	ctx, cancel := context.WithCancel(context.Background()) // each page has the transport's timeouts
	defer cancel()
	var keys []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("list %s: %w", s.url, s.explain(obj.Err))
		}
		rel := strings.TrimPrefix(obj.Key, s.prefix)
		if !strings.HasSuffix(rel, ".cwb") || strings.HasPrefix(rel, hq.DevicesDir+"/") || hiddenKey(rel) {
			continue
		}
		keys = append(keys, obj.Key)
	}
	return keys, nil
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
