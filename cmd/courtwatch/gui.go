package main

import "courtwatch/ui"

// runGUI opens the Courtwatch window on the vault in dir; chosen says that
// dir came from --vault or COURTWATCH_VAULT rather than the default.
func runGUI(dir string, chosen bool) error {
	hideOwnConsole()
	return ui.Run(dir, chosen)
}
