package ui

// showSearch opens global search (Ctrl+F).
// TODO(scaffold): being written; replaced before this session ends.
func (u *appUI) showSearch() {}
