// Package setup makes a new HQ folder (Init): HQ's age identity, the
// receipt signing key, the receiver's TLS certificate, an empty device
// registry and the HQ vault; see package hq for the layout. Profile makes
// the HQ profile that monitors install, with the recipients of the
// identities in age.key.
//
// It writes and reads age.key, so the receiver (package receiver) must not
// import it.
package setup
