package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// TestLanguageSwitchEverywhere: after switching to Khmer with the vault
// open, the status bar, the Sync button, the Quit item and the dates are
// Khmer too (issue 10, flaw 9).
func TestLanguageSwitchEverywhere(t *testing.T) {
	resetLanguage(t)
	u := newTestUI(t)
	_, _, h := openTestVault(t, u)
	u.openHearing(h.ID)
	english := u.sync.text.Text
	f := u.openSettings()
	f.language.SetSelectedIndex(slices.Index(languageCodes, langKhmer))
	f.save()

	km := readTranslation(t, "km")
	// No HQ profile is installed, so the button offers to set up delivery.
	if got, want := u.sync.syncNow.Text, km["Set up delivery…"]; got != want || want == "" {
		t.Errorf("Sync button %q, want %q", got, want)
	}
	if got := u.sync.text.Text; got == english || got != u.sync.say() {
		t.Errorf("status bar still says %q", got)
	}
	quit := findMenuItem(t, u.win, km["Quit"])
	if !quit.IsQuit {
		t.Error("the Khmer Quit item is not the quit item")
	}
	if hd := u.hearing.header.Text; !strings.Contains(hd, "មីនា") || !strings.Contains(hd, "២០២៦") || strings.Contains(hd, "Mar") {
		t.Errorf("hearing header in Khmer: %q", hd)
	}
	if got := lang.L("Cases"); got == "Cases" {
		t.Error("lang.L still English")
	}
}
