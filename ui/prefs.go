package ui

import (
	"encoding/json"
	"errors"
	"image/color"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"courtwatch/assets"
)

// Preferences that must be known before unlock: the language, the theme,
// the idle lock time and the last vault folder. None of them is sensitive,
// so they live in Fyne's preferences, outside the vault. Everything else
// the settings hold (the event buttons) is sealed in the vault.
const (
	prefIdleMinutes = "idle_minutes"
	prefLanguage    = "language"
	prefTheme       = "theme"
	prefVaultDir    = "vault_dir"
)

// Languages and themes as stored in the preferences; "" follows the system.
const (
	langSystem  = ""
	langEnglish = "en"
	langKhmer   = "km"

	themeSystem = ""
	themeLight  = "light"
	themeDark   = "dark"
)

// idleChoices are the idle lock times offered, in minutes.
var idleChoices = []int{1, 2, 5, 10, 15, 30}

// preferences returns the app's preferences, or nil when no app runs.
func preferences() fyne.Preferences {
	if a := fyne.CurrentApp(); a != nil {
		return a.Preferences()
	}
	return nil
}

// applyPrefs puts the stored idle time, language and theme into effect.
// Run calls it once the app exists and before the first screen is built.
func applyPrefs(u *appUI) {
	p := preferences()
	if p == nil {
		return
	}
	u.idle = idleFromMinutes(p.IntWithFallback(prefIdleMinutes, int(defaultIdleLock/time.Minute)))
	if err := setLanguage(p.String(prefLanguage)); err != nil {
		fyne.LogError("applying the language preference", err)
	}
	applyTheme(p.String(prefTheme))
}

// idleFromMinutes turns a stored number of minutes into a lock time,
// falling back to the default for values the settings never offer.
func idleFromMinutes(m int) time.Duration {
	for _, c := range idleChoices {
		if c == m {
			return time.Duration(m) * time.Minute
		}
	}
	return defaultIdleLock
}

// rememberDir keeps dir as the vault folder to offer on the next start.
func rememberDir(dir string) {
	if p := preferences(); p != nil && dir != "" {
		p.SetString(prefVaultDir, dir)
	}
}

// rememberedDir is the vault folder last remembered, or "".
func rememberedDir() string {
	if p := preferences(); p != nil {
		return p.String(prefVaultDir)
	}
	return ""
}

// Language override.
//
// Fyne v2.7.1's lang package picks the system locale and has no API to
// choose another one (fyne-io/fyne#5333). lang.L and lang.X are package
// variables, though, and Fyne's own widgets call them too, so at init the
// ui package routes both through localize, which follows the system (Fyne's
// own lookup) until setLanguage chooses a language. The chosen language's
// translations come from assets/i18n, with English text as the fallback.
// The localizer is swapped atomically, so lang.L stays safe to call from
// any goroutine.
var (
	systemX  = lang.X
	override atomic.Pointer[i18n.Localizer] // nil: follow the system
	chosen   atomic.Value                   // string: the code setLanguage chose
)

func init() {
	lang.L = localize
	lang.X = localizeKey
}

// localize is lang.L under the chosen language.
func localize(in string, data ...any) string { return localizeKey(in, in, data...) }

// localizeKey is lang.X under the chosen language.
func localizeKey(key, fallback string, data ...any) string {
	l := override.Load()
	if l == nil {
		return systemX(key, fallback, data...)
	}
	var d any
	if len(data) > 0 {
		d = data[0]
	}
	msg, err := l.Localize(&i18n.LocalizeConfig{
		DefaultMessage: &i18n.Message{ID: key, Other: fallback},
		TemplateData:   d,
	})
	if err != nil && !errors.As(err, new(*i18n.MessageNotFoundErr)) {
		return systemX(key, fallback, data...) // e.g. a bad template
	}
	return msg // a missing translation falls back to the English text
}

// setLanguage makes lang.L translate into code (langEnglish, langKhmer), or
// follow the system again for langSystem. Screens built afterwards use it;
// the caller rebuilds the ones on show.
func setLanguage(code string) error {
	if code == langSystem {
		override.Store(nil)
		chosen.Store(code)
		return nil
	}
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, err := assets.I18n.ReadDir("i18n")
	if err != nil {
		return err
	}
	for _, f := range files {
		raw, err := assets.I18n.ReadFile("i18n/" + f.Name())
		if err != nil {
			return err
		}
		if _, err := b.ParseMessageFileBytes(raw, f.Name()); err != nil {
			return err
		}
	}
	override.Store(i18n.NewLocalizer(b, code))
	chosen.Store(code)
	return nil
}

// currentLanguage is the base code of the language lang.L translates into:
// the one setLanguage chose, else the system's (e.g. "km", "en"). Texts
// that do not go through lang.L, like the checklist's, follow it.
func currentLanguage() string {
	if code, _ := chosen.Load().(string); code != langSystem {
		return code
	}
	return lang.SystemLocale().LanguageString()
}

// Theme override: the Courtwatch theme in a forced light or dark variant.

// variantTheme draws base always in one variant, whatever the system uses.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

var _ fyne.Theme = variantTheme{}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// themeFor is the Courtwatch theme for a stored theme preference.
func themeFor(name string) fyne.Theme {
	switch name {
	case themeLight:
		return variantTheme{newTheme(), theme.VariantLight}
	case themeDark:
		return variantTheme{newTheme(), theme.VariantDark}
	}
	return newTheme()
}

// applyTheme sets the app's theme for a stored theme preference.
func applyTheme(name string) {
	if a := fyne.CurrentApp(); a != nil {
		a.Settings().SetTheme(themeFor(name))
	}
}
