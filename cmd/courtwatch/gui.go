package main

import "courtwatch/ui"

// runGUI opens the Courtwatch window on the vault in dir.
func runGUI(dir string) error { return ui.Run(dir) }
