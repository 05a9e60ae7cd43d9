// Package verify checks a bundle's signature without decrypting it: the
// minisign signature over the .cwb file, its trusted comment (Trusted), and
// that the bytes are the ones the device signed (see sync/bundle for the
// format). It holds no age code, so a package that imports it and not
// sync/bundle, like HQ's receiver, cannot decrypt a bundle; the package
// graph says so, and internal/archtest checks it.
//
// The errors are sync/bundle's: bundle.ErrBadSignature is ErrBadSignature,
// and so on, so callers can test either with errors.Is.
package verify
