// Package outbox is the monitor's side of delivery: it seals what the device
// wrote into export bundles (see sync/bundle), keeps them in a durable queue
// inside the vault, and delivers them to headquarters (HQ) over HTTPS or to a
// folder such as a USB stick, until HQ's signed receipt proves HQ stored them.
//
// # Guarantees
//
//   - Sealing a bundle, recording it in the outbox and advancing the sealed
//     cursor happen in one durable vault transaction (Seal): a crash leaves
//     either the whole bundle queued or nothing, never a gap in the chain.
//   - A bundle is immutable once sealed; its bytes and signature are kept in
//     the vault, so every retry sends exactly the same bytes, and resending
//     is always safe: HQ answers a bundle it already holds with the same
//     receipt.
//   - A bundle counts as delivered to HQ only when HQ's receipt verifies with
//     the receipt key of the bundle's HQ profile and names this device, the
//     bundle's sequence number and its hash (state receipt_verified). A
//     folder cannot give a receipt: a bundle written to one is "delivered",
//     and stays in the queue until HQ's receiver confirms it.
//   - The queue lives in the vault, so delivery resumes after a restart
//     without anyone asking for it.
//
// # States of a bundle
//
//	sealed            in the outbox, not yet sent anywhere
//	uploading         an attempt is under way (or was when the app stopped)
//	delivered         written to a folder; no receipt from HQ yet
//	receipt_verified  HQ's receipt verified: done
//	failed            HQ holds a different bundle under this sequence number
//	                  (a fork: restored backup, cloned disk). Retrying can
//	                  never fix it; a person must find out what happened.
//
// # Vault state (storage aux keys)
//
//	hq/default                     name of the default HQ profile
//	hq/profile/<name>              an hqprofile.Profile, JSON
//	hq/tls-session/<name>          the TLS sessions to resume with that
//	                               profile's receiver (sessions.go)
//	cursor/outbox                  the sealed cursor: device chain position
//	                               covered by the last bundle, the last
//	                               bundle's seq and hash; the seq up to
//	                               which every bundle is settled, so that
//	                               finding the pending ones costs what is
//	                               pending; counts for the status bar
//	outbox/<seq, 20 digits>        an Entry, JSON
//	bundle/<seq, 20 digits>/sig    the bundle's .minisig
//	bundle/<seq, 20 digits>/<n>    the bundle's bytes in chunks of ≤ 4 MiB
//	settings/purge/<case id>       "delete local records after HQ receipt"
//
// Bundles are kept after their receipt, so that HQ can always be sent them
// again.
//
// # Delivery
//
// A Transport carries one bundle to one destination: HTTPS (the receiver's
// API in sync/wire, with optional TLS pinning and an HTTP or SOCKS5 proxy)
// or Folder. The Uploader delivers the queue in sequence order in the
// background, with exponential backoff and jitter while HQ is unreachable;
// Deliver does one pass for the command line. A pass sends all its bundles
// over one connection, which the Uploader keeps open between passes while
// the receiver does; a new connection resumes the TLS session of the last
// one, also in a new process, so that it carries no certificate.
package outbox
