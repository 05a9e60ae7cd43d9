package importer

import (
	"errors"
	"fmt"
	"path"
	"sync"

	"courtwatch/sync/bundle"
	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq/receiver"
)

// findBundlesIn lists the bundles to import from from: a folder, or an
// s3:// store.
func findBundlesIn(from string, opt ImportOptions) ([]bundleFile, error) {
	if !receiver.IsS3URL(from) {
		return findBundles(from)
	}
	s, err := receiver.OpenS3(from, opt.Getenv)
	if err != nil {
		return nil, err
	}
	return s3Store{s}.findBundles()
}

// s3Store reads a bucket store (see package receiver) for Import.
type s3Store struct{ *receiver.S3Store }

// findBundles lists the *.cwb objects of the store, as findBundles does
// for a folder: it skips the registry and hidden names, and reads each
// bundle's .minisig object (a few at a time). The bundles themselves are
// read one at a time, as Import reaches them.
func (s s3Store) findBundles() ([]bundleFile, error) {
	keys, err := s.BundleKeys()
	if err != nil {
		return nil, err
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
		if errors.Is(f.err, receiver.ErrStoreUnavailable) {
			return nil, f.err
		}
	}
	sortBundles(out)
	return out, nil
}

// bundleFile is the bundle at key, with its signature read.
func (s s3Store) bundleFile(key string) bundleFile {
	f := bundleFile{path: s.URL(key), read: func() ([]byte, error) {
		b, ok, err := s.Read(key, verify.MaxBundle)
		if err == nil && !ok {
			err = fmt.Errorf("the bundle %s was removed from the bucket", key)
		}
		if err != nil {
			return nil, fmt.Errorf("read the bundle: %w", err)
		}
		return b, nil
	}}
	sig, ok, err := s.Read(key+".minisig", verify.MaxSignature)
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
