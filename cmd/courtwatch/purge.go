package main

import (
	"fmt"

	"courtwatch/storage"
	"courtwatch/sync/outbox"
)

const helpCasePurge = `With "on", every sync deletes from this laptop the notes, events,
attendance, checklist answers and attachments of the case that HQ has
confirmed receiving (a verified receipt covers every version). Cases,
hearings and defendants stay. Only the hashes of deleted records remain,
so the device's chain of custody still verifies. Off by default.`

func runCasePurge(c *cli, cmd *command, args []string) error {
	fs := c.flagSet(cmd)
	caseFlag := fs.String("case", "", "the case's `id`")
	rest, err := cmd.Parse(c.stdout, fs, args)
	if err != nil {
		return err
	}
	caseID, err := cmd.ID("--case", *caseFlag)
	if err != nil {
		return err
	}
	if len(rest) != 1 || (rest[0] != "on" && rest[0] != "off") {
		return cmd.UsageError("say on or off")
	}
	on := rest[0] == "on"
	return c.withVault(func(v *storage.Vault) error {
		if _, err := storage.Load[storage.Case](v, caseID); err != nil {
			return err
		}
		if err := outbox.SetPurgeAfterReceipt(v, caseID, on); err != nil {
			return err
		}
		state := "off: records stay on this laptop after HQ confirms them"
		if on {
			state = "on: records HQ confirms are deleted from this laptop at the next sync"
		}
		_, err := fmt.Fprintf(c.stdout, "delete after HQ receipt for case %s is %s\n", caseID, state)
		return err
	})
}
