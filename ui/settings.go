package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/storage"
)

// eventsKey names the sealed auxiliary value holding the event buttons
// (JSON, a list of storedEvent). Custom event names may say what a monitor
// watches for, so they stay in the vault.
const eventsKey = "ui/events"

// maxEvents is how many event buttons fit Ctrl+1…9.
const maxEvents = 9

// storedEvent is an event button as kept in the vault.
type storedEvent struct {
	Type  string `json:"type"`
	Label string `json:"label"`
}

// loadEvents returns the event buttons kept in v, or defaultEvents when
// none are. If they cannot be read it returns defaultEvents with the error,
// so that a hearing can still be recorded.
func loadEvents(v *storage.Vault) ([]eventButton, error) {
	var stored []storedEvent
	err := v.View(func(tx *storage.Tx) error {
		b, err := tx.Aux(eventsKey)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, &stored)
	})
	if errors.Is(err, storage.ErrNotFound) || (err == nil && len(stored) == 0) {
		return slices.Clone(defaultEvents), nil
	}
	if err != nil {
		return slices.Clone(defaultEvents), fmt.Errorf("event buttons: %w", err)
	}
	evs := make([]eventButton, len(stored))
	for i, s := range stored {
		evs[i] = eventButton(s)
	}
	return evs, nil
}

// saveEvents keeps evs in v; the default list is kept as nothing, so that
// it follows the defaults of later versions.
func saveEvents(v *storage.Vault, evs []eventButton) error {
	return v.Update(func(tx *storage.Tx) error {
		if len(evs) == 0 || slices.Equal(evs, defaultEvents) {
			return tx.DeleteAux(eventsKey)
		}
		stored := make([]storedEvent, len(evs))
		for i, e := range evs {
			stored[i] = storedEvent(e)
		}
		b, err := json.Marshal(stored)
		if err != nil {
			return err
		}
		return tx.SetAux(eventsKey, b)
	})
}

// eventsText is the list of buttons as the settings show it: one label a
// line, translated.
func eventsText(evs []eventButton) string {
	lines := make([]string, len(evs))
	for i, e := range evs {
		lines[i] = lang.L(e.Label)
	}
	return strings.Join(lines, "\n")
}

// parseEvents reads the settings' list of buttons, one label a line. A
// label that is (the translation of) a known button keeps that button's
// event type, so that earlier events stay labelled; any other gets a type
// made from the label. An empty list means the default buttons.
func parseEvents(text string, known []eventButton) ([]eventButton, error) {
	var evs []eventButton
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.ContainsAny(line, "{}") {
			return nil, errors.New(lang.L("A button label cannot contain curly brackets: {{.Label}}", map[string]any{"Label": line}))
		}
		e, ok := knownEvent(line, known)
		if !ok {
			e = eventButton{Type: eventType(line), Label: line}
		}
		if e.Type == "" {
			return nil, errors.New(lang.L("A button label needs a letter or a digit: {{.Label}}", map[string]any{"Label": line}))
		}
		if slices.ContainsFunc(evs, func(o eventButton) bool { return o.Type == e.Type }) {
			return nil, errors.New(lang.L("This button is listed twice: {{.Label}}", map[string]any{"Label": line}))
		}
		evs = append(evs, e)
	}
	if len(evs) > maxEvents {
		return nil, errors.New(lang.L("At most 9 buttons fit Ctrl+1…9; the list has {{.N}}", map[string]any{"N": len(evs)}))
	}
	if len(evs) == 0 {
		return slices.Clone(defaultEvents), nil
	}
	return evs, nil
}

// knownEvent finds the button with this label, in English or translated.
func knownEvent(label string, known []eventButton) (eventButton, bool) {
	for _, e := range slices.Concat(known, defaultEvents) {
		if strings.EqualFold(e.Label, label) || lang.L(e.Label) == label {
			return e, true
		}
	}
	return eventButton{}, false
}

// eventType makes a stored event type from a label: lower case, with
// underscores between words ("Water cut" → "water_cut"). Khmer keeps its
// marks, which are not letters.
func eventType(label string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(label) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	return b.String()
}

// settingsForm holds the settings dialog's fields. Nothing changes until
// Save; a failed save keeps the dialog and what was typed in it.
type settingsForm struct {
	u        *appUI
	idle     *keySelect
	language *keySelect
	theme    *keySelect
	events   *keyEntry  // nil while the vault is locked
	lockout  *keySelect // nil while the vault is locked
	lockouts []int      // the lockout select's choices, in attempts (0: off)
	neutral  *keyCheck
	dlg      *dialog.CustomDialog
}

// lockoutChoices are the numbers of wrong passphrases after which the
// vault may be erased; 0 is never.
var lockoutChoices = []int{0, 3, 5, 10, 20}

// Choices of the language and theme selects, in order, as stored.
var (
	languageCodes = []string{langSystem, langEnglish, langKhmer}
	themeNames    = []string{themeSystem, themeLight, themeDark}
)

// showSettings opens the settings (Ctrl+,).
func (u *appUI) showSettings() { u.openSettings() }

// openSettings shows the settings dialog and returns its form.
func (u *appUI) openSettings() *settingsForm {
	u.touch()
	f := &settingsForm{u: u}
	p := preferences()

	idleOpts := make([]string, len(idleChoices))
	for i, m := range idleChoices {
		idleOpts[i] = lang.L("{{.N}} min", map[string]any{"N": m})
	}
	f.idle = newKeySelect(idleOpts, nil)
	f.idle.SetSelectedIndex(max(0, slices.Index(idleChoices, int(u.idle/time.Minute))))

	// Language names are written in their own language.
	f.language = newKeySelect([]string{lang.L("As the system"), "English", "ខ្មែរ (Khmer)"}, nil)
	f.theme = newKeySelect([]string{lang.L("As the system"), lang.L("Light"), lang.L("Dark")}, nil)
	f.language.SetSelectedIndex(0)
	f.theme.SetSelectedIndex(0)
	if p != nil {
		f.language.SetSelectedIndex(max(0, slices.Index(languageCodes, p.String(prefLanguage))))
		f.theme.SetSelectedIndex(max(0, slices.Index(themeNames, p.String(prefTheme))))
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Lock after"), f.idle),
		widget.NewFormItem(lang.L("Language"), f.language),
		widget.NewFormItem(lang.L("Theme"), f.theme),
	)
	form.Items[0].HintText = lang.L("without typing or tapping; Ctrl+L locks at once")
	f.addSafety(form)
	// Side by side, so that the list of nine buttons fits 600 pixels.
	content := container.NewGridWithColumns(2, container.NewVBox(form), f.eventsSection())

	save := widget.NewButton(lang.L("Save"), f.save)
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { f.dlg.Hide() })
	f.dlg = dialog.NewCustomWithoutButtons(lang.L("Settings"), content, u.win)
	f.dlg.SetButtons([]fyne.CanvasObject{cancel, save})
	f.dlg.Resize(fyne.NewSize(940, 0))
	f.dlg.Show()
	return f
}

// eventsSection is the editor of the event buttons, or a hint to unlock.
func (f *settingsForm) eventsSection() fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("Event buttons"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if f.u.vault == nil {
		return container.NewVBox(title, widget.NewLabel(lang.L("Unlock the vault to change the event buttons; they are kept in it.")))
	}
	evs, err := loadEvents(f.u.vault)
	if err != nil {
		f.u.fail(lang.L("The event buttons could not be read, so the defaults are shown"), err)
	}
	f.events = newKeyMultiLineEntry()
	f.events.Wrapping = fyne.TextWrapOff
	f.events.leaveTab = true // so that the keyboard can get past it
	f.events.SetText(eventsText(evs))
	f.events.SetMinRowsVisible(maxEvents)
	hint := widget.NewLabel(lang.L("One button a line, in the order of Ctrl+1…9; at most 9. Leave it empty for the default buttons."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	return container.NewBorder(title, hint, nil, nil, f.events)
}

// save checks the event buttons, stores everything and applies it.
func (f *settingsForm) save() {
	u := f.u
	u.touch()
	var evs []eventButton
	if f.events != nil && u.vault != nil {
		old, _ := loadEvents(u.vault)
		var err error
		if evs, err = parseEvents(f.events.Text, old); err != nil {
			dialog.ShowError(fmt.Errorf("%s: %w", lang.L("The event buttons were not saved"), err), u.win)
			return
		}
		if slices.Equal(evs, old) {
			evs = nil // unchanged: no write, no rebuild
		} else if err := saveEvents(u.vault, evs); err != nil {
			dialog.ShowError(fmt.Errorf("%s: %w. %s", lang.L("The event buttons were not saved"), err,
				lang.L("Try again; if it keeps failing, lock and unlock the vault.")), u.win)
			return
		}
	}
	if f.lockout != nil && u.vault != nil {
		if n := f.lockouts[max(0, f.lockout.SelectedIndex())]; n != u.vault.Lockout() {
			if err := u.vault.SetLockout(n); err != nil {
				dialog.ShowError(fmt.Errorf("%s: %w", lang.L("The setting for wrong passphrases was not saved"), err), u.win)
				return
			}
		}
	}
	f.dlg.Hide()
	neutralChanged := f.neutral.Checked != neutral()

	minutes := idleChoices[max(0, f.idle.SelectedIndex())]
	u.idle = time.Duration(minutes) * time.Minute
	code := languageCodes[max(0, f.language.SelectedIndex())]
	themeName := themeNames[max(0, f.theme.SelectedIndex())]
	var oldCode string
	if p := preferences(); p != nil {
		oldCode = p.String(prefLanguage)
		p.SetInt(prefIdleMinutes, minutes)
		p.SetString(prefLanguage, code)
		p.SetString(prefTheme, themeName)
		p.SetBool(prefNeutral, f.neutral.Checked)
	}
	u.applyAppearance()
	applyTheme(themeName)
	if code != oldCode {
		if err := setLanguage(code); err != nil {
			u.fail(lang.L("The language could not be changed"), err)
			return
		}
	}
	if code != oldCode || evs != nil || neutralChanged {
		u.rebuild()
	}
}

// addSafety adds the settings for when the laptop is taken: erase after
// wrong passphrases (kept in the vault folder, so only while it is open)
// and the neutral appearance.
func (f *settingsForm) addSafety(form *widget.Form) {
	if v := f.u.vault; v != nil {
		f.lockouts = slices.Clone(lockoutChoices)
		cur := v.Lockout()
		if !slices.Contains(f.lockouts, cur) {
			f.lockouts = append(f.lockouts, cur)
			slices.Sort(f.lockouts)
		}
		opts := make([]string, len(f.lockouts))
		for i, n := range f.lockouts {
			if n == 0 {
				opts[i] = lang.L("Never")
			} else {
				opts[i] = lang.L("After {{.N}} wrong passphrases", map[string]any{"N": n})
			}
		}
		f.lockout = newKeySelect(opts, nil)
		f.lockout.SetSelectedIndex(slices.Index(f.lockouts, cur))
		item := widget.NewFormItem(lang.L("Erase the vault"), f.lockout)
		item.HintText = lang.L("in a row; the right passphrase resets the count")
		form.AppendItem(item)
	}
	f.neutral = newKeyCheck(lang.L("Neutral appearance"), nil)
	f.neutral.SetChecked(neutral())
	item := widget.NewFormItem("", f.neutral)
	item.HintText = lang.L("the window is called Notes, for a screen seen over the shoulder")
	form.AppendItem(item)
}

// rebuild makes the screen on show afresh, so that a new language or new
// event buttons show everywhere; an open hearing is reopened with its
// half-typed note.
func (u *appUI) rebuild() {
	if u.vault == nil {
		u.showUnlock()
		return
	}
	var hearingID uuid.UUID
	if u.hearing != nil {
		if err := u.hearing.saveDraft(); err != nil {
			u.fail(lang.L("The half-typed note could not be kept"), err)
			return
		}
		hearingID = u.hearing.hearing.ID
	}
	tab := -1
	if u.tabs != nil {
		tab = u.tabs.SelectedIndex()
	}
	if u.sync != nil {
		u.sync.relabel()
	}
	u.showMain()
	if tab >= 0 && u.tabs != nil {
		u.tabs.SelectIndex(tab)
	}
	if hearingID != uuid.Nil {
		u.openHearing(hearingID)
	}
}
