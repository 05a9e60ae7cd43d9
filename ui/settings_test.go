package ui

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// resetLanguage puts the language back to the system's after the test,
// since lang.L is global.
func resetLanguage(t *testing.T) {
	t.Cleanup(func() {
		if err := setLanguage(langSystem); err != nil {
			t.Error(err)
		}
	})
}

func TestSettingsIdleTime(t *testing.T) {
	u := newTestUI(t)
	openTestVault(t, u)
	f := u.openSettings()
	if got := f.idle.SelectedIndex(); idleChoices[got] != 5 {
		t.Fatalf("idle select shows %d min, want the default 5", idleChoices[got])
	}
	f.idle.SetSelectedIndex(slices.Index(idleChoices, 15))
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), lang.L("Save")))
	if u.idle != 15*time.Minute {
		t.Errorf("u.idle = %v, want 15m", u.idle)
	}
	if got := fyne.CurrentApp().Preferences().Int(prefIdleMinutes); got != 15 {
		t.Errorf("preference %s = %d, want 15", prefIdleMinutes, got)
	}
	// A new start reads it back.
	u2 := newAppUI(u.win, u.dir, storage.TestKDF)
	applyPrefs(u2)
	if u2.idle != 15*time.Minute {
		t.Errorf("after applyPrefs u.idle = %v, want 15m", u2.idle)
	}
	// A value the settings never offer falls back to the default.
	fyne.CurrentApp().Preferences().SetInt(prefIdleMinutes, 7)
	applyPrefs(u2)
	if u2.idle != defaultIdleLock {
		t.Errorf("with 7 stored, u.idle = %v, want %v", u2.idle, defaultIdleLock)
	}
}

func TestSettingsLanguageKhmer(t *testing.T) {
	resetLanguage(t)
	u := newTestUI(t)
	_, _, h := openTestVault(t, u)
	if got := u.tabs.Items[0].Text; got != "Cases" {
		t.Fatalf("first tab %q before the switch", got)
	}
	u.openHearing(h.ID)
	test.Type(u.hearing.note, "Half-typed ពាក្យ")

	f := u.openSettings()
	f.language.SetSelectedIndex(slices.Index(languageCodes, langKhmer))
	f.save()

	if u.hearing == nil || u.hearing.hearing.ID != h.ID {
		t.Fatal("the open hearing was not reopened")
	}
	if got := u.hearing.note.Text; got != "Half-typed ពាក្យ" {
		t.Errorf("half-typed note is %q after the switch", got)
	}
	u.leaveHearing()
	if got := u.tabs.Items[0].Text; got != "សំណុំរឿង" {
		t.Errorf("Cases tab shows %q after switching to Khmer", got)
	}
	if got := fyne.CurrentApp().Preferences().String(prefLanguage); got != langKhmer {
		t.Errorf("language preference %q", got)
	}

	// Back to the system language, then a new start applies Khmer again.
	if err := setLanguage(langSystem); err != nil {
		t.Fatal(err)
	}
	if got := lang.L("Cases"); got != "Cases" {
		t.Fatalf("system language gives %q", got)
	}
	applyPrefs(newAppUI(u.win, u.dir, storage.TestKDF))
	if got := lang.L("Cases"); got != "សំណុំរឿង" {
		t.Errorf("after applyPrefs lang.L(Cases) = %q", got)
	}
}

func TestSettingsTheme(t *testing.T) {
	u := newTestUI(t)
	u.showUnlock()
	f := u.openSettings() // works while locked, too
	if f.events != nil {
		t.Error("event buttons are editable while the vault is locked")
	}
	f.theme.SetSelectedIndex(slices.Index(themeNames, themeDark))
	f.save()
	th := fyne.CurrentApp().Settings().Theme()
	bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
	if want := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark); bg != want {
		t.Errorf("dark theme background %v, want %v", bg, want)
	}
	if got := fyne.CurrentApp().Preferences().String(prefTheme); got != themeDark {
		t.Errorf("theme preference %q", got)
	}
	if u.unlock == nil {
		t.Error("the unlock screen is gone")
	}
}

func TestSettingsEventButtons(t *testing.T) {
	u := newTestUI(t)
	v, _, _ := openTestVault(t, u)
	f := u.openSettings()
	if f.events.Text != eventsText(defaultEvents) {
		t.Fatalf("event list starts as %q", f.events.Text)
	}
	f.events.SetText("Recess\nWater cut off\n\nPublic denied entry\n")
	f.save()

	want := []eventButton{{"recess", "Recess"}, {"water_cut_off", "Water cut off"}, {"public_denied_entry", "Public denied entry"}}
	got, err := loadEvents(v)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("loadEvents = %v, %v; want %v", got, err, want)
	}
	if err := v.View(func(tx *storage.Tx) error {
		_, err := tx.Aux(eventsKey)
		return err
	}); err != nil {
		t.Fatalf("no %s in the vault: %v", eventsKey, err)
	}

	// Ten buttons do not fit Ctrl+1…9: nothing changes and the text stays.
	f = u.openSettings()
	ten := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj"
	f.events.SetText(ten)
	f.save()
	if got, _ := loadEvents(v); !slices.Equal(got, want) {
		t.Errorf("after a bad list loadEvents = %v", got)
	}
	if f.events.Text != ten || len(u.win.Canvas().Overlays().List()) != 2 {
		t.Error("a failed save dropped the dialog or its text")
	}

	// An empty list restores the defaults.
	f.events.SetText("")
	f.save()
	if got, _ := loadEvents(v); !slices.Equal(got, defaultEvents) {
		t.Errorf("after emptying loadEvents = %v", got)
	}

	// Custom names are sealed: not in any file of the vault.
	f = u.openSettings()
	f.events.SetText("Secret police present")
	f.save()
	if err := u.close(); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(u.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if bytes.Contains(b, []byte("Secret police")) {
			return errors.New(path + " holds the label in plain text")
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
}

func TestParseEvents(t *testing.T) {
	for _, tc := range []struct {
		text    string
		want    []eventButton
		wantErr bool
	}{
		{"", defaultEvents, false},
		{"recess\n  Lawyer absent  ", []eventButton{{"recess", "Recess"}, {"lawyer_absent", "Lawyer absent"}}, false},
		{"Phone confiscated!", []eventButton{{"phone_confiscated", "Phone confiscated!"}}, false},
		{"ទូរស័ព្ទ ត្រូវបានរឹបអូស", []eventButton{{"ទូរស័ព្ទ_ត្រូវបានរឹបអូស", "ទូរស័ព្ទ ត្រូវបានរឹបអូស"}}, false},
		{"Recess\nrecess", nil, true},
		{"Water cut\nwater-cut", nil, true},
		{"!!!", nil, true},
		{"{{.X}}", nil, true},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10", nil, true},
	} {
		got, err := parseEvents(tc.text, defaultEvents)
		if (err != nil) != tc.wantErr || !slices.Equal(got, tc.want) {
			t.Errorf("parseEvents(%q) = %v, %v; want %v, error %v", tc.text, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestRememberDir(t *testing.T) {
	test.NewTempApp(t)
	rememberDir("/media/usb/vault")
	if got := rememberedDir(); got != "/media/usb/vault" {
		t.Errorf("rememberedDir = %q", got)
	}
}

func TestSettingsLayout(t *testing.T) {
	u := newTestUI(t)
	openTestVault(t, u)
	// Only the dialog: the screens under it have masters of their own.
	u.win.SetContent(widget.NewLabel(""))
	u.openSettings()
	test.AssertRendersToMarkup(t, "settings.xml", u.win.Canvas())
}

// FuzzParseEvents feeds the event-button editor any text: it either
// refuses it or returns at most nine buttons with distinct, non-empty types
// and trimmed labels, without braces (labels become translation keys).
func FuzzParseEvents(f *testing.F) {
	f.Add("Public denied entry\nWater cut off\n\n  Recess ")
	f.Add("សាធារណជនមិនត្រូវបានអនុញ្ញាតឱ្យចូល\nភ្លើងដាច់")
	f.Add("{{.Label}}\n!!!")
	f.Fuzz(func(t *testing.T, text string) {
		evs, err := parseEvents(text, nil)
		if err != nil {
			return
		}
		if len(evs) == 0 || len(evs) > maxEvents {
			t.Fatalf("%d buttons from %q", len(evs), text)
		}
		seen := map[string]bool{}
		for _, e := range evs {
			if e.Type == "" || seen[e.Type] || e.Label == "" || e.Label != strings.TrimSpace(e.Label) || strings.ContainsAny(e.Label, "{}") {
				t.Fatalf("bad button %+v from %q", e, text)
			}
			seen[e.Type] = true
		}
	})
}
