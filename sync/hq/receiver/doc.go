// Package receiver is HQ's receiver: the HTTPS server that takes the
// bundles monitors' devices upload, checks each against the device
// registry of the HQ folder (package hq) and its signature, stores it in
// a folder or an S3-compatible bucket, and answers with a signed receipt.
// Package importer reads what it stores.
//
// # Receiver
//
// The receiver (Receiver, Serve) holds no decryption key, and does not
// import age code, the packages that read a key (setup, importer) or the
// vault. It
// reads only devices/, receipt.key and tls/ of the HQ folder, never
// age.key or the vault: on an exposed server, copy just those and keep the
// rest on the machine that imports. Enrollments and revocations take
// effect at once, as the receiver reads devices/<id>.json for every
// upload, and again before it signs a receipt. Revocation stops new
// uploads only: import takes a revoked device's bundles that the receiver
// receipted before the revocation (the stored receipt proves when), so
// that notes a monitor deleted after HQ's receipt are not lost. Revoke on
// the receiver's copy of devices/ first, then on the importing machine's.
//
// Serve speaks TLS with tls/'s certificate, whose key profiles pin; plain
// HTTP (Config.PlainHTTP) only on a loopback address, for a proxy in
// front. It keeps TLS sessions in memory and gives clients 16-byte
// tickets, each resuming once (tickets.go); after a restart every device
// makes one full handshake.
//
// An upload, POST /v1/bundles/{device}/{seq}, is accepted only when all of
// this holds, checked in this order so that a stranger's request is
// refused before its body is read:
//
//  1. the device is enrolled and not revoked (else 403);
//  2. the Courtwatch-Signature header is a minisign signature by that
//     device's key whose trusted comment is authentic and names that
//     device (else 403) and the seq of the URL (else 400);
//     the compact upload, POST /v2/bundles/{device}/{seq}, sends the
//     signature's binary parts as the first bytes of its body instead,
//     expanded to the same .minisig file (with the URL's device and seq,
//     see wire.ExpandSignature) and checked the same way, and is answered
//     with the compact receipt;
//  3. the body is at most Config.MaxBody bytes (else 413), and fewer than
//     Config.MaxUploads uploads are running (else 503 with Retry-After);
//  4. the body, streamed to a temporary file and hashed on the way (it is
//     never held in memory), has the sha256 that the trusted comment names
//     and the signature verifies over it (else 403).
//
// These are the checks of verify.Verify, made over a stream. With the
// folder store, when the seq holds a bundle already, the body is hashed
// but not written: a resend of the stored bundle is checked and answered
// with the stored receipt, and a bundle whose authentic trusted comment
// names another hash gets 409 before its body is read. (The S3 store finds
// these out when it writes; see below.) If the body took a second or more
// to arrive, the store's registry is read again before the receipt is
// signed, and a device revoked meanwhile gets 403 and no receipt.
//
// # Store
//
//	<store>/<device>/<seq, 12 digits>.cwb           the bundle, as uploaded
//	<store>/<device>/<seq, 12 digits>.cwb.minisig   its signature
//	<store>/<device>/<seq, 12 digits>.receipt.json  the signed receipt sent back
//
// A bundle is stored in this order: the .minisig file (made durable), the
// .cwb file (the upload's fsynced temporary file, renamed), the receipt,
// then an fsync of the folder. So a .cwb always has its .minisig, and a
// receipt is sent only for a bundle that is durably on disk. The store is append-only: a seq that
// holds a bundle keeps it. The same bundle again gets the stored receipt
// (200); another bundle for that seq gets 409 and changes nothing.
// Uploads of one (device, seq) commit one at a time. If the receiver
// stopped between the .cwb and its receipt, the next upload of that bundle
// writes the receipt. Temporary files (".upload-*") that a crash left are
// removed when a Receiver is made.
//
// The store holds ciphertext only. `courtwatch-hq import` reads it.
//
// # Store in a bucket
//
// With Config.Store s3://BUCKET/PREFIX (OpenS3; credentials and endpoint
// from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
// AWS_REGION and AWS_ENDPOINT_URL) bundles live in an S3-compatible
// bucket, one object each, and the registry under PREFIX/devices/<id>.json:
//
//	PREFIX/<device>/<seq, 12 digits>.cwb   the bundle, as uploaded, with user metadata
//	  x-amz-meta-courtwatch-signature      base64 of its .minisig file
//	  x-amz-meta-courtwatch-receipt        base64 of its signed receipt (JSON)
//
// So one object holds the bundle, its signature and its receipt, written
// at once; S3 allows 2 KB of such metadata, and a signature too long for
// it (a long untrusted comment) is stored in the older layout below. To
// recover a signature with stock tools: `aws s3api head-object --bucket B
// --key K --query 'Metadata."courtwatch-signature"' --output text |
// base64 -d > B.cwb.minisig`. Buckets written by earlier receivers hold
// <seq>.cwb, <seq>.cwb.minisig and <seq>.receipt.json objects instead;
// receivers and `courtwatch-hq import` read both layouts.
//
// Several receivers may share the bucket; it stays append-only across
// them because every write is conditional (If-None-Match: *, answered 412
// when the key exists):
//
//  1. the upload is spooled to a local temporary file (ciphertext) and
//     verified as above, without looking in the bucket first: step 2
//     tells a new seq from a taken one, so a new upload costs two
//     requests (the registry entry and one write), and a resend or a
//     conflicting bundle is found out there, after its body;
//  2. the receipt is signed, then the .cwb object, carrying signature and
//     receipt and the bundle's SHA-256 (x-amz-checksum-sha256, which the
//     server checks and keeps), is created only if absent: of two
//     receivers racing for one seq, one creates it; the other discards
//     its receipt and looks at the stored object (a HEAD of the .cwb),
//     answering 409 if it holds other bytes, or with the stored receipt
//     for the same bytes.
//
// Receipt lookups and resends trust nothing in the bucket that its
// receivers did not write (someone else with its keys may have): the
// hash is that of the bytes it holds (its checksum, or else the bytes
// read), and a stored receipt is answered only if it verifies with
// receipt.key for those bytes and lies next to a signature that names
// them, in the metadata or in the older layout's objects. For the same
// bytes without such a receipt, a resend writes the older layout's
// objects (each only if absent) and answers with what is then stored.
//
// A bundle in the older layout whose receiver stopped between its
// objects lacks its .cwb.minisig or receipt; its device, having no
// receipt, sends it again, and that upload writes them, each only if
// absent, as the older receivers did. Receivers read the registry from
// the bucket for every upload (one GET), so `courtwatch-hq enroll --store` and `revoke --store`
// (PublishDevice) reach all of them at once. An enrollment is only
// created, never overwritten, so it cannot undo a revocation. Whoever can
// write to the bucket can enroll devices for the receivers (not for the
// importer, which reads the HQ folder's registry), as whoever holds
// receipt.key can forge receipts: give receivers a key for this bucket
// only. When the
// bucket answers 5xx or 429, is unreachable, or is slower than
// Config.StoreTimeout (30 s) for a request, the receiver answers 503 with
// Retry-After and the device retries; nothing is acknowledged that is
// not in the bucket.
//
// # Limits
//
// Serve sets ReadHeaderTimeout 10 s (a TLS handshake and the headers must
// arrive within it), ReadTimeout 5 min (so one upload must arrive within 5
// minutes: size bundles for the slowest link), WriteTimeout 5 min,
// IdleTimeout 2 min and MaxHeaderBytes 16 KiB. It keeps at most MaxConns
// (1024) connections open, and at most MaxConnsPerAddr (32) from one
// client address (an IPv4 address or an IPv6 /64). At the cap, a new
// connection from an address that holds few closes the connection idle
// the longest, or else the oldest one still in its handshake or headers;
// one from an address that holds many is refused (see conns.go). So idle
// keep-alives, slowloris clients and floods cannot keep a monitor out:
// TestReceiverAbuse times syncs during each. Bodies are bounded by
// MaxBody (256 MiB by default) and go to disk, never to memory, and at
// most MaxUploads (16) are read at once. So memory stays bounded (about
// MaxConns × 70 KiB at worst) whatever slow or abusive clients do.
//
// Logs name device ids, client addresses, seqs, sizes and outcomes, never
// content. Failed requests are logged at a bounded rate: ten lines per
// address, then one every 10 s, and at most 10 a second in all; the next
// line says how many were left out ("suppressed").
package receiver
