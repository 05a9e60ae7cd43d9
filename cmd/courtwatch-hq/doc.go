// Command courtwatch-hq is the headquarters side of Courtwatch. It makes
// the HQ folder (keys, TLS certificate, HQ vault), writes the profile that
// monitors install, enrolls and revokes monitors' devices, runs the
// receiver that stores the bundles they upload, imports them into the HQ
// vault, and lists, searches and reports across every monitor. Run
// "courtwatch-hq help" for the commands. Its command line behaves as the
// monitor's courtwatch does: both are built on courtwatch/cmd/internal/cmdline,
// and the commands that read records are package courtwatch/cmd/internal/records.
//
// Every command works on an HQ folder, given with --dir D or
// COURTWATCH_HQ_DIR; see package courtwatch/sync/hq for its layout, and
// sync/hq/setup, receiver and importer for what init, serve and import do.
// Commands that write a file print it to standard output unless --out is
// given. Errors go to standard error as "courtwatch-hq: <what happened>",
// often followed by "courtwatch-hq: hint: <what to do>". The exit status is
// 0 on success, 2 for a command called the wrong way and 1 otherwise.
package main
