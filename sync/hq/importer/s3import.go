package importer

import (
	"errors"
	"fmt"
	"io/fs"
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
// bundle's signature (a few at a time): from the .cwb's metadata, or the
// .minisig object of the older layout. The bundles themselves are read
// one at a time, as Import reaches them.
func (s s3Store) findBundles() ([]bundleFile, error) {
	bs, err := s.Bundles()
	if err != nil {
		return nil, err
	}
	out := make([]bundleFile, len(bs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(8, len(bs)) {
		wg.Go(func() {
			for i := range next {
				out[i] = s.bundleFile(bs[i])
			}
		})
	}
	for i := range bs {
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

// bundleFile is bundle b, with its signature read.
func (s s3Store) bundleFile(b receiver.StoredBundle) bundleFile {
	key := b.Key
	f := bundleFile{path: s.URL(key), read: func() ([]byte, error) {
		data, ok, err := s.Read(key, verify.MaxBundle)
		if err == nil && !ok {
			err = fmt.Errorf("the bundle %s was removed from the bucket", key)
		}
		if err != nil {
			return nil, fmt.Errorf("read the bundle: %w", err)
		}
		return data, nil
	}}
	sig, receipt, err := s.Extras(b)
	f.receipt = func() ([]byte, error) {
		if receipt != nil {
			return receipt, nil
		}
		r, ok, err := s.ReadReceipt(b)
		if err == nil && !ok {
			err = fmt.Errorf("%w: bundle %s has no receipt in the bucket", fs.ErrNotExist, key)
		}
		return r, err
	}
	name := path.Base(key) + ".minisig"
	switch {
	case err != nil:
		f.err = err
	case sig == nil:
		f.err = fmt.Errorf("%w: the bundle %s in the bucket has no signature, neither in its metadata nor as %s next to it; the device resends it with the bundle, as it has no receipt", bundle.ErrBadSignature, path.Base(key), name)
	case len(sig) > verify.MaxSignature:
		f.err = fmt.Errorf("%w: the signature of %s in the bucket has more than %d bytes; it is not a Courtwatch signature", bundle.ErrBadSignature, path.Base(key), verify.MaxSignature)
	default:
		if !b.Sidecars {
			name = path.Base(key) + " (its metadata)"
		}
		f.sig, f.t, f.err = parseSignature(sig, name)
	}
	return f
}
