// Package hq is the headquarters (HQ) side of Courtwatch delivery and what
// its parts share: the layout of the HQ folder, the registry of enrolled
// devices, and the receiver's certificate and receipt key (see sync/bundle
// for the bundle format, sync/wire for the device file, receipt and HTTP
// API, and sync/wire/hqprofile for the profile).
//
// HQ is split by the keys each part may hold:
//
//   - package setup makes the HQ folder (Init), with its age key and vault,
//     and the HQ profile that monitors install (Profile);
//   - package receiver (Receiver, Serve) stores the bundles that monitors'
//     devices upload, in a folder or a bucket. It holds no decryption key;
//   - package importer decrypts the stored bundles with HQ's age identity
//     and merges them into the HQ vault.
//
// Neither this package nor the receiver imports the vault (package
// storage), the packages that read age.key (setup, importer) or any age
// code (filippo.io/age: they check signatures with sync/bundle/verify,
// not sync/bundle): the receiver cannot read HQ's age identity, decrypt a
// bundle or open the vault. internal/archtest checks this.
//
// # HQ folder
//
//	hq.json            {"format":"courtwatch-hq/1","name":"…"}
//	age.key            the HQ age identity (AGE-SECRET-KEY-1…, age-keygen's format), 0600
//	receipt.key        the minisign key that signs receipts, unencrypted, 0600
//	receipt.pub        its public key, a minisign public key file
//	tls/cert.pem       the receiver's self-signed ECDSA P-256 certificate, 5 years
//	tls/key.pem        its private key (PKCS #8), 0600
//	devices/<id>.json  one enrolled device: its device file plus "enrolled"
//	                   and, once revoked, "revoked" (RFC 3339)
//	vault/             the HQ vault (package storage), for the importer
//
// setup.Init makes the whole folder in a temporary sibling and renames it
// into place, so a folder either is complete or does not exist. Every
// later write replaces one file atomically (package storage/safefile).
//
// Anyone with age.key reads every bundle; anyone with receipt.key can
// forge receipts; keep the folder on an encrypted disk. To use a
// CA-issued certificate instead of the self-signed one, replace tls/ and
// make profiles with pin false.
//
// # Registry
//
// Enroll adds a device file to devices/, Revoke marks a device revoked,
// Devices lists them and LoadDevice reads one. The receiver reads
// devices/<id>.json for every upload, so enrollments and revocations take
// effect at once (see package receiver); a receiver on a bucket reads the
// bucket's copy instead (receiver.S3Store.PublishDevice).
package hq
