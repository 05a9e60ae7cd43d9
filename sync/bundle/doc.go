// Package bundle reads and writes Courtwatch export bundles, and this
// comment is the specification of their format, courtwatch-bundle/1.
//
// A bundle carries a batch of record versions from one monitor's device to
// headquarters (HQ). Only HQ can read it, and HQ can prove which device
// made it. It is built from standard formats only, so that HQ can always
// recover the data with stock tools, even without Courtwatch. A bundle is
// immutable once sealed: sending it again is always safe.
//
// # Files
//
// A bundle is two files:
//
//   - <name>.cwb, the bundle: a tar stream, compressed with zstd, encrypted
//     with age. Its hash is the sha256 of this file, in lowercase hex (Hash).
//   - <name>.cwb.minisig, its detached minisign signature.
//
// # Layers
//
// From the outside in:
//
//  1. age (https://age-encryption.org/v1), binary, not armored, to the X25519
//     recipients in the HQ profile (one or more), optionally with the
//     monitor's own recipient added.
//  2. zstd (RFC 8878), one or more frames, with a window of at most 32 MiB
//     (Courtwatch writes at most 1 MiB; stock zstd decodes up to 128 MiB).
//  3. tar: POSIX USTAR (readers also accept PAX headers), regular files
//     only, mode 0600, owner 0, mtime = the manifest's created time, in the
//     order manifest.json, records.jsonl, then attachments/<sha256 hex>
//     sorted by name, and then the end-of-archive marker (two zero blocks).
//     Only zeros may follow it.
//
// # manifest.json
//
// A JSON object with exactly these fields, each once:
//
//	format       "courtwatch-bundle/1"
//	device       id of the device that made the bundle, a lowercase UUID
//	monitor      the monitor's name, for people (free text)
//	seq          the bundle's number for the device: 1, 2, 3, … without gaps
//	prev         hash of the device's bundle seq-1; "" in bundle 1
//	hlc_first    lowest hybrid-logical-clock value of the records
//	hlc_last     highest one
//	chain_first  device-chain seq of the first record
//	chain_last   device-chain seq of the last record
//	records      number of records
//	created      when the bundle was sealed, RFC 3339, whole seconds, UTC ("Z")
//	entries      object: tar entry name -> sha256 hex of its content, for
//	             records.jsonl and every attachment (not the manifest)
//
// Readers reject unknown, missing, repeated or differently cased fields.
//
// # records.jsonl
//
// One record version per line, exactly the bytes the device stored and
// hashed (storage.Version.Raw: compact JSON with id, type, version, hlc,
// device, seq, prev, chain, deleted, data), each followed by "\n". The
// records are a consecutive run of the device's hash chain: every record's
// device is the manifest's device; the first has seq chain_first, and each
// next one has seq one higher and a chain field equal to the sha256 of the
// line before it (without its newline). The first record's chain field is
// the hash of the device's version chain_first-1 ("" when chain_first is
// 1); the bundle cannot check it, the importer links it to the versions it
// already holds (Contents.Chain).
//
// # attachments/<sha256>
//
// Attachment content, named by the sha256 of the content in lowercase hex.
//
// # Signature
//
// The .minisig file is a minisign signature (https://jedisct1.github.io/minisign/)
// over the .cwb file, made with the device's Ed25519 key, prehashed
// (algorithm "ED", minisign's default). Its trusted comment, which the
// signature covers, is
//
//	courtwatch-bundle/1 device=<uuid> seq=<n> hash=<sha256 hex of the .cwb file>
//
// The device's public key is a minisign public key whose key ID is the
// first 8 bytes of sha256 of the Ed25519 public key (KeyID). HQ learns it
// when it enrolls the device. The manifest inside names the device again:
// a bundle whose manifest names another device than the signature is
// rejected, so a device cannot re-sign another device's bundle, and the
// receiver checks that the signature's device is the one the key was
// enrolled for (verify.Trusted.CheckDevice).
//
// # Chain and sequence
//
// Bundles of a device are numbered from 1 without gaps, and each names the
// hash of the one before it (prev), so they form a hash chain on top of the
// chain of record versions. For each device HQ keeps the last seq it
// imported and its hash (Sequence), and classifies the next bundle:
//
//   - next: seq = last+1 and prev = hash of last; import it.
//   - replay: a bundle with this seq and this hash was imported; skip it.
//   - fork: a bundle with this seq but another hash was imported, or prev
//     names another bundle than the one HQ holds. The device's history has
//     split (restored backup, cloned disk, stolen key): stop and find out.
//   - gap: seq > last+1. Bundles are missing or arrived out of order (a
//     USB stick before the network): keep the bundle and import it once the
//     missing ones arrive. Reordering is thus a gap that closes.
//
// # Limits
//
// Readers refuse (ErrTooLarge) a .cwb over 512 MiB, a .minisig over 4 KiB,
// a decompressed tar stream over 1 GiB, more than 100,000 tar entries, a
// manifest over 1 MiB (which caps a bundle at about 7,000 attachments), and
// a records.jsonl line over 16 MiB. Seal refuses input that breaks them.
//
// # Opening a bundle with stock tools
//
// With Debian's age, minisign, zstd and tar, and the HQ identity in hq.key
// and the device's public key in device.pub:
//
//	minisign -Vm bundle.cwb -p device.pub
//	age -d -i hq.key bundle.cwb | zstd -d | tar x
//
// minisign prints the trusted comment; check that its hash is the one of
// `sha256sum bundle.cwb` and its device the enrolled one. Then check each
// file against manifest.json's entries with sha256sum.
//
// # Using the package
//
// A device seals with Seal and a Signer (NewSigner) made from its vault key,
// or with a Sealer (NewSealer), which takes the records one at a time and
// checks and compresses them on two goroutines while the caller reads the
// next ones. A bundle of more than 256 KiB of records is then two zstd
// frames: manifest.json with records.jsonl's header, and the rest.
// The receiver, which holds no decryption key, checks uploads with package
// sync/bundle/verify, which has no age code: verify.Verify, or a
// verify.Verifier while it streams them to disk, and Trusted.CheckDevice.
// The HQ importer calls Open, which verifies, decrypts and checks
// everything above, then Sequence.Check, imports the records, and
// Sequence.Accept. Every failure is one of the Err values, so callers can
// tell a damaged copy (fetch it again) from an attack (stop).
package bundle
