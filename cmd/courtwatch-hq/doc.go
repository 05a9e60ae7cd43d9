// Courtwatch-hq is the headquarters side of Courtwatch. It will run the
// receiver that stores monitors' sealed bundles, enroll monitors' devices,
// and import, verify and report on their records in an HQ vault.
//
// Usage:
//
//	courtwatch-hq help       show the commands
//	courtwatch-hq version    print the version
//
// The receiver and the importer (keygen, serve, enroll, import, verify,
// report) come with the delivery work; until then every other command
// fails with exit status 2.
package main
