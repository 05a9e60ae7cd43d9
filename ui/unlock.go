package ui

import (
	"errors"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"courtwatch/storage"
)

// minPassphrase is the shortest passphrase a new vault accepts.
const minPassphrase = 8

// tries counts wrong passphrases and when the next try is allowed.
type tries struct {
	failures int
	until    time.Time
}

// unlockScreen creates the vault on first run and unlocks it afterwards.
type unlockScreen struct {
	dir      string
	kdf      storage.KDFParams // for a new vault; zero means storage.DefaultKDF
	creating bool
	onOpen   func(*storage.Vault)
	// onChangeDir, if set, lets the user pick another vault folder.
	onChangeDir func()

	// br runs slow work (key derivation) off the UI goroutine and brings
	// its result back; tests run it inline.
	br *bridge
	// delay is how long to refuse a new try after the nth wrong passphrase.
	delay func(failures int) time.Duration

	// tries outlives the screen, so that choosing another folder and back
	// does not reset the wait after wrong passphrases.
	tries *tries
	// closing, if not nil, is closed when the vault's close after a lock
	// is over; opening waits for it.
	closing <-chan struct{}
	// inUseWait is how long an unlock waits for a vault that another
	// Courtwatch holds (open).
	inUseWait time.Duration
	now       func() time.Time
	pass      *widget.Entry
	confirm   *widget.Entry
	strength  *widget.Label
	message   *widget.Label
	submit    *widget.Button
	content   fyne.CanvasObject
}

func newUnlockScreen(dir string, kdf storage.KDFParams, onOpen func(*storage.Vault), onChangeDir func()) *unlockScreen {
	s := &unlockScreen{
		dir:         dir,
		kdf:         kdf,
		creating:    !storage.Exists(dir),
		onOpen:      onOpen,
		onChangeDir: onChangeDir,
		br:          &bridge{spawn: func(f func()) { go f() }},
		delay:       failureDelay,
		tries:       &tries{},
		inUseWait:   10 * time.Second,
		now:         time.Now,
	}
	s.build()
	if s.creating { // a folder that holds anything is refused before any typing
		if err := storage.CanCreate(dir); err != nil {
			s.message.SetText(lang.L("A vault cannot be created here: {{.Err}}. Choose another folder.", map[string]any{"Err": err.Error()}))
			s.submit.Disable()
		}
	}
	return s
}

func (s *unlockScreen) build() {
	s.pass = widget.NewPasswordEntry()
	s.pass.SetPlaceHolder(lang.L("Passphrase"))
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance

	title := widget.NewLabelWithStyle(lang.L("Unlock the vault"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	location := widget.NewLabel(lang.L("Vault folder: {{.Dir}}", map[string]any{"Dir": s.dir}))
	location.Wrapping = fyne.TextWrapBreak
	if neutral() { // wipe.go: nothing on screen names Courtwatch or the vault
		title.SetText(lang.L("Notes"))
		location.SetText("")
	}

	var where fyne.CanvasObject = location
	if s.onChangeDir != nil {
		change := widget.NewButtonWithIcon(lang.L("Change…"), theme.FolderOpenIcon(), s.onChangeDir)
		where = container.NewBorder(nil, nil, nil, change, location)
	}
	form := container.NewVBox(title, where, s.pass)
	if s.creating {
		title.SetText(lang.L("Create a vault"))
		s.confirm = widget.NewPasswordEntry()
		s.confirm.SetPlaceHolder(lang.L("Passphrase again"))
		s.strength = widget.NewLabel(strengthHint(""))
		s.strength.Wrapping = fyne.TextWrapWord
		s.pass.OnChanged = func(p string) { s.strength.SetText(strengthHint(p)) }
		s.pass.OnSubmitted = func(string) {
			if c := fyne.CurrentApp().Driver().CanvasForObject(s.confirm); c != nil {
				c.Focus(s.confirm)
			}
		}
		s.confirm.OnSubmitted = func(string) { s.doSubmit() }
		s.submit = widget.NewButtonWithIcon(lang.L("Create vault"), theme.ConfirmIcon(), s.doSubmit)
		form.Add(s.confirm)
		form.Add(s.strength)
	} else {
		s.pass.OnSubmitted = func(string) { s.doSubmit() }
		s.submit = widget.NewButtonWithIcon(lang.L("Unlock"), theme.LoginIcon(), s.doSubmit)
	}
	s.submit.Importance = widget.HighImportance
	form.Add(s.submit)
	form.Add(s.message)

	s.content = container.NewVBox(layout.NewSpacer(),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(440, form.MinSize().Height+80), form)),
		layout.NewSpacer())
}

// focus puts the cursor in the passphrase field of the window's canvas.
func (s *unlockScreen) focus(c fyne.Canvas) { c.Focus(s.pass) }

func (s *unlockScreen) doSubmit() {
	if s.submit.Disabled() {
		return
	}
	if wait := s.tries.until.Sub(s.now()); wait > 0 {
		s.message.SetText(lang.L("Wrong passphrase. You can try again in {{.Seconds}} s.",
			map[string]any{"Seconds": int(wait.Round(time.Second).Seconds())}))
		return
	}
	pass := []byte(s.pass.Text)
	if s.creating {
		switch {
		case len([]rune(s.pass.Text)) < minPassphrase:
			s.message.SetText(lang.L("The passphrase is too short: use at least 8 characters, better several words."))
			return
		case s.pass.Text != s.confirm.Text:
			s.message.SetText(lang.L("The two passphrases differ. Type the same passphrase twice."))
			return
		}
	}
	s.submit.Disable()
	s.message.SetText("")
	creating, dir, kdf, closing := s.creating, s.dir, s.kdf, s.closing
	var v *storage.Vault
	var err error
	s.br.background(func() {
		if closing != nil {
			<-closing
		}
		if creating {
			v, err = storage.Create(dir, pass, storage.CreateOptions{KDF: kdf})
		} else {
			v, err = s.open(dir, pass)
		}
		clear(pass)
	}, func() { s.finish(v, err) })
}

// open opens the vault in dir. If another Courtwatch holds it, it tries
// again for up to inUseWait, saying so: a Courtwatch just quit, or a
// command just run, may still be closing it (after a session of saves, a
// second or two on a USB stick). The lock is taken before the key
// derivation, so the tries cost nothing and count as no wrong passphrase.
func (s *unlockScreen) open(dir string, pass []byte) (*storage.Vault, error) {
	deadline := time.Now().Add(s.inUseWait)
	v, err := storage.Open(dir, pass)
	if errors.Is(err, storage.ErrVaultInUse) && s.inUseWait > 0 {
		s.br.do(func() {
			s.message.SetText(lang.L("Another Courtwatch window or command is still using this vault. Waiting for it to close…"))
		})
	}
	for errors.Is(err, storage.ErrVaultInUse) && time.Now().Before(deadline) {
		time.Sleep(inUsePoll)
		v, err = storage.Open(dir, pass)
	}
	return v, err
}

// inUsePoll is how often open tries again a vault that is in use.
const inUsePoll = 200 * time.Millisecond

func (s *unlockScreen) finish(v *storage.Vault, err error) {
	if err == nil {
		*s.tries = tries{}
		s.pass.SetText("")
		if s.confirm != nil {
			s.confirm.SetText("")
		}
		s.submit.Enable()
		s.onOpen(v)
		return
	}
	if errors.Is(err, storage.ErrWiped) {
		s.pass.SetText("")
		s.message.SetText(lang.L("Too many wrong passphrases in a row: the vault was erased, as its settings asked."))
		s.submit.Enable()
		return
	}
	if !errors.Is(err, storage.ErrWrongPassphrase) {
		s.message.SetText(lang.L("The vault could not be opened: {{.Err}}. Check the vault folder and try again.",
			map[string]any{"Err": err.Error()}))
		s.submit.Enable()
		return
	}
	s.tries.failures++
	s.pass.SetText("")
	d := s.delay(s.tries.failures)
	s.tries.until = s.now().Add(d)
	// With lockout on, say how many tries are left before the vault is
	// erased (storage.LockoutError).
	var left string
	if le := (*storage.LockoutError)(nil); errors.As(err, &le) {
		left = " " + lang.L("{{.Left}} more wrong passphrases in a row erase this vault.", map[string]any{"Left": le.Left})
	}
	if d <= 0 {
		s.message.SetText(lang.L("Wrong passphrase. Check the keyboard layout and Caps Lock, then try again.") + left)
		s.submit.Enable()
		return
	}
	s.message.SetText(lang.L("Wrong passphrase. You can try again in {{.Seconds}} s.",
		map[string]any{"Seconds": int(d.Seconds())}) + left)
	time.AfterFunc(d, func() {
		s.br.do(func() {
			s.submit.Enable()
			s.message.SetText(lang.L("Wrong passphrase. Check the keyboard layout and Caps Lock, then try again.") + left)
		})
	})
}

// failureDelay lets the first wrong passphrase pass, then waits 1, 2, 4…
// seconds, up to a minute, before the next try.
func failureDelay(failures int) time.Duration {
	if failures < 2 {
		return 0
	}
	if failures > 8 {
		return time.Minute
	}
	return min(time.Second<<(failures-2), time.Minute)
}

// strengthHint rates a new passphrase roughly, by length and variety.
func strengthHint(p string) string {
	n := len([]rune(p))
	var classes int
	var lower, upper, digit, other bool
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	switch {
	case n == 0:
		return lang.L("Choose a passphrase of several words. Nobody can recover it for you.")
	case n < minPassphrase:
		return lang.L("Strength: too short")
	case n < 12 && classes < 3, n < 16 && classes < 2:
		return lang.L("Strength: weak. Add more words.")
	case n < 20:
		return lang.L("Strength: fair")
	default:
		return lang.L("Strength: strong")
	}
}
