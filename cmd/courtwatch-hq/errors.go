package main

import (
	"courtwatch/cmd/internal/cmdline"
	"courtwatch/storage"
	"courtwatch/sync/hq"
)

// hintError is an error with what to do next; usageError is a command
// called the wrong way (exit status 2). See package cmdline.
type (
	hintError  = cmdline.HintError
	usageError = cmdline.UsageError
)

// explain adds a hint to the errors of package hq that no command
// explained.
func explain(err error) error {
	return cmdline.Explain(err,
		cmdline.Hint{Err: hq.ErrNoHQ, Advice: "create one with: courtwatch-hq init --dir D, or check --dir and COURTWATCH_HQ_DIR"},
		cmdline.Hint{Err: hq.ErrExists, Advice: "choose a folder that does not exist yet; init never overwrites one"},
		cmdline.Hint{Err: hq.ErrUnknownDevice, Advice: "see the enrolled devices with: courtwatch-hq devices"},
		cmdline.Hint{Err: hq.ErrKeyMismatch, Advice: "check with the monitor, by a channel you trust, which key their device has; do not enroll a key you cannot vouch for"},
		cmdline.Hint{Err: hq.ErrRevoked, Advice: "a revoked device stays revoked; the monitor makes a new vault, whose new device can be enrolled"},
		cmdline.Hint{Err: storage.ErrVaultExists, Advice: "choose another folder"})
}
