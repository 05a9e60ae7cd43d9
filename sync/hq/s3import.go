package hq

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"courtwatch/sync/bundle"

	"github.com/minio/minio-go/v7"
)

// findBundlesIn lists the bundles to import from from: a folder, or an
// s3:// store.
func findBundlesIn(from string, opt ImportOptions) ([]bundleFile, error) {
	if !IsS3URL(from) {
		return findBundles(from)
	}
	s, err := OpenS3(from, opt.Getenv)
	if err != nil {
		return nil, err
	}
	return s.findBundles()
}

// findBundles lists the *.cwb objects of the store, as findBundles does
// for a folder: it skips the registry and hidden names, and reads each
// bundle's .minisig object (a few at a time). The bundles themselves are
// read one at a time, as Import reaches them.
func (s *S3Store) findBundles() ([]bundleFile, error) {
	ctx, cancel := context.WithCancel(context.Background()) // each page has the transport's timeouts
	defer cancel()
	var keys []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("list %s: %w", s.url, s.explain(obj.Err))
		}
		rel := strings.TrimPrefix(obj.Key, s.prefix)
		if !strings.HasSuffix(rel, ".cwb") || strings.HasPrefix(rel, devicesDir+"/") || hiddenKey(rel) {
			continue
		}
		keys = append(keys, obj.Key)
	}
	out := make([]bundleFile, len(keys))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(8, len(keys)) {
		wg.Go(func() {
			for i := range next {
				out[i] = s.bundleFile(keys[i])
			}
		})
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, f := range out {
		if errors.Is(f.err, errStoreUnavailable) {
			return nil, f.err
		}
	}
	sortBundles(out)
	return out, nil
}

// bundleFile is the bundle at key, with its signature read.
func (s *S3Store) bundleFile(key string) bundleFile {
	f := bundleFile{path: "s3://" + s.bucket + "/" + key, read: func() ([]byte, error) {
		b, ok, err := s.get(key, bundle.MaxBundle)
		if err == nil && !ok {
			err = fmt.Errorf("the bundle %s was removed from the bucket", key)
		}
		if err != nil {
			return nil, fmt.Errorf("read the bundle: %w", err)
		}
		return b, nil
	}}
	sig, ok, err := s.get(key+".minisig", bundle.MaxSignature)
	switch {
	case err != nil:
		f.err = err
	case !ok:
		f.err = fmt.Errorf("%w: there is no signature %s next to the bundle in the bucket; the device resends it with the bundle, as it has no receipt", bundle.ErrBadSignature, path.Base(key)+".minisig")
	default:
		f.sig, f.t, f.err = parseSignature(sig, path.Base(key)+".minisig")
	}
	return f
}

// hiddenKey reports whether a part of the key starts with ".".
func hiddenKey(key string) bool {
	for _, p := range strings.Split(key, "/") {
		if strings.HasPrefix(p, ".") {
			return true
		}
	}
	return false
}
