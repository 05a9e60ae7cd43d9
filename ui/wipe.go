package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/sync/outbox"
)

// panicShortcut (Ctrl+Shift+Delete) asks once, then wipes the vault.
var panicShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyDelete, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// wipeItem is the menu item "Wipe vault…" with the panic key, which it
// also registers on the window's canvas, so that the key works on every
// screen of an open vault.
func (u *appUI) wipeItem() *fyne.MenuItem {
	item := fyne.NewMenuItem(lang.L("Wipe vault…"), func() { u.confirmWipe() })
	item.Shortcut = panicShortcut
	item.Icon = theme.DeleteIcon()
	u.win.Canvas().AddShortcut(panicShortcut, func(fyne.Shortcut) { u.confirmWipe() })
	return item
}

// confirmWipe asks one quick question, saying how many records HQ has not
// confirmed yet, and wipes on yes. It returns the dialog (nil when no vault
// is open).
func (u *appUI) confirmWipe() *dialog.ConfirmDialog {
	if u.vault == nil {
		return nil
	}
	u.touch()
	n, err := outbox.Unconfirmed(u.vault)
	var msg string
	switch {
	case err != nil:
		msg = lang.L("How many records HQ has not confirmed could not be counted.")
	case n == 0:
		msg = lang.L("HQ has confirmed every record in this vault.")
	default:
		msg = lang.L("{{.Count}} records are not confirmed by HQ yet and will be lost.", map[string]any{"Count": n})
	}
	d := dialog.NewConfirm(lang.L("Wipe the vault for ever?"),
		msg+"\n"+lang.L("Nothing in it can be read afterwards, with any passphrase."),
		func(ok bool) {
			if ok {
				u.wipeVault()
			}
		}, u.win)
	d.SetConfirmText(lang.L("Wipe"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
	return d
}

// wipeVault crypto-erases the open vault (its key first, while it is still
// open) and returns to the unlock screen, which then offers to create a
// vault. Nothing typed is kept: that is the point.
func (u *appUI) wipeVault() {
	v := u.vault
	if v == nil {
		return
	}
	err := v.Wipe()
	u.sync.stop()
	u.sync = nil
	u.vault = nil
	u.tabs, u.cases, u.agenda, u.roster, u.hearing, u.status = nil, nil, nil, nil, nil, nil
	u.showUnlock()
	if err != nil {
		u.fail(lang.L("The wipe did not finish"), err)
	}
}

// Neutral appearance: for a screen seen over the shoulder, the window
// title and the app's name on screen say "Notes" and the vault folder is
// not shown. It is a preference outside the vault, as it must apply
// before unlock.
const prefNeutral = "neutral_appearance"

// neutral reports whether the neutral appearance is on.
func neutral() bool {
	p := preferences()
	return p != nil && p.Bool(prefNeutral)
}

// appTitle is the window title.
func appTitle() string {
	if neutral() {
		return lang.L("Notes")
	}
	return "Courtwatch"
}

// applyAppearance sets the window title and icon for the neutral setting.
func (u *appUI) applyAppearance() {
	u.win.SetTitle(appTitle())
	if a := fyne.CurrentApp(); a != nil {
		if neutral() {
			a.SetIcon(theme.DocumentIcon())
		} else {
			a.SetIcon(appIcon)
		}
	}
}
