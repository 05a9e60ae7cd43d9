package ui

// showSettings opens the settings (Ctrl+,).
// TODO(scaffold): being written; replaced before this session ends.
func (u *appUI) showSettings() {}
