package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"courtwatch/sync/bundle"
	"courtwatch/sync/bundle/verify"
	"courtwatch/sync/hq/receiver"

	"aead.dev/minisign"
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
// bundle's signatures (a few at a time): from the .cwb's metadata, and
// the .minisig object of the older layout. The bundles themselves are
// read one at a time, as Import reaches them.
func (s s3Store) findBundles() ([]bundleFile, error) {
	bs, err := s.Bundles()
	if err != nil {
		return nil, err
	}
	found := make([][]bundleFile, len(bs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(8, len(bs)) {
		wg.Go(func() {
			for i := range next {
				found[i] = s.bundleFiles(bs[i])
			}
		})
	}
	for i := range bs {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []bundleFile
	for _, fs := range found {
		for _, f := range fs {
			if errors.Is(f.err, receiver.ErrStoreUnavailable) {
				return nil, f.err
			}
			out = append(out, f)
		}
	}
	sortBundles(out)
	return out, nil
}

// bundleFiles is bundle b with its signature read: the one in its
// metadata, or the .minisig object next to it (the older layout). A
// receiver never stores two that differ, nor one that is not a
// signature: someone else with the bucket's keys did. So neither hides
// the other: one that is not a signature is reported on its own, with the
// bundle read with the other, and of two different signatures each is
// tried (one entry each), so the bundle is imported with the one that
// verifies and the other is reported.
func (s s3Store) bundleFiles(b receiver.StoredBundle) []bundleFile {
	key, url := b.Key, s.URL(b.Key)
	base := path.Base(key)
	f := bundleFile{path: url, read: func() ([]byte, error) {
		if b.Size > verify.MaxBundle { // not downloaded only to be refused
			return nil, fmt.Errorf("read the bundle: %w: %s has %d bytes, the limit is %d; it is not a bundle a device sealed", bundle.ErrTooLarge, base, b.Size, verify.MaxBundle)
		}
		data, ok, err := s.Read(key, verify.MaxBundle)
		if err == nil && !ok {
			err = fmt.Errorf("the bundle %s was removed from the bucket", key)
		}
		if errors.Is(err, receiver.ErrStoreUnavailable) {
			return nil, fmt.Errorf("read the bundle: %w; nothing of it was imported: import again once the bucket answers", err)
		}
		if err != nil {
			return nil, fmt.Errorf("read the bundle: %w", err)
		}
		return data, nil
	}}
	meta, ok, err := s.Metadata(key)
	switch {
	case err == nil && !ok && garbled(key):
		err = fmt.Errorf("the bucket lists an object named %q, but has none under that name: its real name holds characters that the bucket's listing cannot carry (control characters, or bytes that are not UTF-8). Receivers never store such names, so it is not a bundle they stored: look at it with the bucket's own tools and move it aside", key)
	case err == nil && !ok:
		err = fmt.Errorf("the bundle %s was removed from %s while it was read", key, s)
	}
	var sidecar []byte
	if err == nil && b.Sidecars {
		sidecar, _, err = s.Read(key+".minisig", verify.MaxSignature+1)
	}
	if err != nil {
		f.err = err
		return []bundleFile{f}
	}
	metaSig, metaReceipt, metaErr := receiver.ParseBundleMeta(meta)
	f.receipt = func() ([][]byte, error) {
		var out [][]byte
		if metaReceipt != nil {
			out = append(out, metaReceipt)
		}
		r, ok, err := s.ReadReceipt(b)
		switch {
		case err != nil:
			return nil, err
		case ok:
			out = append(out, r)
		case out == nil:
			return nil, fmt.Errorf("%w: bundle %s has no receipt in the bucket", fs.ErrNotExist, key)
		}
		return out, nil
	}

	type candidate struct {
		f    bundleFile
		name string // the object that holds it, for a report of its own
	}
	var good, bad []candidate
	try := func(sig []byte, from, name string) {
		c := f
		c.sigFrom = from
		var ms minisign.Signature
		switch {
		case len(sig) > verify.MaxSignature:
			c.err = fmt.Errorf("%w: the signature %s has more than %d bytes; it is not a Courtwatch signature", bundle.ErrBadSignature, from, verify.MaxSignature)
		case ms.UnmarshalText(sig) != nil:
			c.err = fmt.Errorf("%w: the signature %s is not a minisign signature", bundle.ErrBadSignature, from)
		default:
			c.sig, c.t, c.err = parseSignature(sig, from)
		}
		if c.err != nil {
			bad = append(bad, candidate{c, name})
		} else if !slices.ContainsFunc(good, func(g candidate) bool { return bytes.Equal(g.f.sig, sig) }) {
			good = append(good, candidate{c, name})
		}
	}
	if metaSig != nil {
		try(metaSig, "in the metadata of "+base, url)
	} else if metaErr != nil && hasKey(meta, receiver.MetaSignature) {
		c := f
		c.err = fmt.Errorf("%w: the metadata of %s is damaged: %v", bundle.ErrBadSignature, base, metaErr)
		bad = append(bad, candidate{c, url})
	}
	if sidecar != nil {
		try(sidecar, "in "+base+".minisig", url+".minisig")
	}
	const tampered = "; HQ's receivers never store that: check who else holds the bucket's keys, and move the object aside"
	switch {
	case len(good) == 0 && len(bad) == 0:
		f.err = fmt.Errorf("%w: the bundle %s has no signature, neither in its metadata (x-amz-meta-courtwatch-signature) nor as %s.minisig next to it. If it was copied into this bucket with a tool that drops object metadata, copy it again with its metadata; to read the signature with stock tools, see \"Bundles in a bucket\" in the README. A receiver that stopped before storing the signature gets the bundle again from the device, which resends it until it has a receipt",
			bundle.ErrBadSignature, base, base)
		return []bundleFile{f}
	case len(good) == 0:
		var out []bundleFile
		for _, c := range bad {
			c.f.err = fmt.Errorf("%w%s", c.f.err, tampered)
			out = append(out, c.f)
		}
		return out
	}
	out := make([]bundleFile, 0, len(good)+len(bad))
	for _, c := range good {
		out = append(out, c.f)
	}
	for _, c := range bad { // the bundle is read with a good one
		c.f.path, c.f.read = c.name, nil
		c.f.err = fmt.Errorf("%w; the bundle was read with its other signature%s", c.f.err, tampered)
		out = append(out, c.f)
	}
	return out
}

// garbled reports whether an object key, as listed, may not be the
// object's real name: it holds control characters, or the replacement
// character that a listing puts for what it cannot carry.
func garbled(key string) bool {
	return !utf8.ValidString(key) || strings.ContainsFunc(key, func(r rune) bool { return r == utf8.RuneError || unicode.IsControl(r) })
}

// hasKey reports whether the metadata m has key k, in any case.
func hasKey(m map[string]string, k string) bool {
	for key := range m {
		if strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}
