package ui

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"courtwatch/assets"
	"courtwatch/report"
	"courtwatch/storage"
	"courtwatch/sync/outbox"
)

// appID must match ID in FyneApp.toml: Fyne keys preferences and storage by it.
const appID = "org.courtwatch.app"

var appIcon = fyne.NewStaticResource("icon.png", assets.Icon)

// Run opens the Courtwatch window on the vault in vaultDir and blocks until
// it is closed. The vault is created on first run. Unless vaultDir was
// chosen explicitly (a flag or the environment), the folder last opened in
// the app is used instead, if there is one.
func Run(vaultDir string, chosen bool) error {
	// A smaller heap between collections: the app's live heap is small
	// (about 30 MB) and it allocates little while a monitor types, so the
	// extra collections cost little, and the heap spreads over fewer pages
	// that a release cannot hand back (tools/measure: 160 -> 157 MiB
	// after every screen, in one run).
	debug.SetGCPercent(50)
	// Argon2id's 64 MiB go back to the system in opened, once the vault is
	// open, not between the key derivation and Badger's memtable.
	storage.ReturnKDFMemoryEarly = false
	a := app.NewWithID(appID)
	a.SetIcon(appIcon)
	a.Settings().SetTheme(newTheme())
	if err := lang.AddTranslationsFS(assets.I18n, "i18n"); err != nil {
		fyne.LogError("loading translations", err)
	}
	w := a.NewWindow("Courtwatch")
	u := newAppUI(w, vaultDir, storage.KDFParams{})
	applyPrefs(u)
	u.applyAppearance() // wipe.go: neutral appearance
	if d := rememberedDir(); !chosen && d != "" {
		u.dir = d
	}
	u.showUnlock()
	restoreWindowSize(w)
	ctx, stop := context.WithCancel(context.Background())
	wait := u.watchIdle(ctx, 10*time.Second)
	w.Show()
	restoreWindowPosition(w)
	a.Run()
	stop()
	wait()
	return u.close()
}

// appUI holds the window and switches it between the unlock screen, the
// tabs (cases, agenda) and a hearing screen.
type appUI struct {
	win fyne.Window
	dir string
	kdf storage.KDFParams // for a new vault; zero means storage.DefaultKDF
	now func() time.Time
	// bridge carries background work to the widgets and the vault-changed
	// notice to the screens; tests set its post and spawn.
	bridge

	idle       time.Duration // lock after this long without input; 0 never
	lastActive time.Time
	released   int         // steps of the rest taken since the last input: release, redraw, release (idle.go)
	settling   *time.Timer // hands memory back after a new screen (settle)

	tries   tries // wrong passphrases so far, across unlock screens
	vault   *storage.Vault
	unlock  *unlockScreen
	tabs    *container.AppTabs
	cases   *casesScreen
	agenda  *agendaScreen
	roster  *rosterScreen
	hearing *hearingScreen
	reopen  uuid.UUID // the hearing open when the vault locked, shown again after unlock
	// closing, while a lock's close of the vault runs in the background,
	// is closed when it is over: an unlock and the app's exit wait for it.
	closing chan struct{}
	status  *widget.Label
	sync    *syncBar // delivery to HQ, while the vault is open
	// syncSlot holds the sync bar in the status bar, so that a new bar can
	// take its place (restartSync).
	syncSlot *fyne.Container
	// syncOpt tunes the uploader; tests set it.
	syncOpt outbox.Options
}

func newAppUI(w fyne.Window, dir string, kdf storage.KDFParams) *appUI {
	installDialogKeys(w) // Escape and Enter in every dialog
	return &appUI{win: w, dir: dir, kdf: kdf, now: time.Now, bridge: newBridge(), idle: defaultIdleLock}
}

// Shortcuts. Menu shortcuts fire even while the note field has the focus.
var (
	lockShortcut     = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	startShortcut    = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	endShortcut      = &desktop.CustomShortcut{KeyName: fyne.KeyX, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	attachShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	exportShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	editShortcut     = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	searchShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	settingsShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	// The hearing screen's tabs: log, attendance, checklist, attachments.
	tabShortcuts = []*desktop.CustomShortcut{
		{KeyName: fyne.KeyG, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
		{KeyName: fyne.KeyA, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
		{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
		{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
	}
	digitKeys = []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
)

func (u *appUI) showUnlock() {
	clearOverlays(u.win.Canvas())
	u.unlock = newUnlockScreen(u.dir, u.kdf, u.opened, u.chooseDir)
	u.unlock.br = &u.bridge
	u.unlock.tries = &u.tries
	u.unlock.closing = u.closing
	u.win.SetMainMenu(nil)
	u.win.SetContent(u.unlock.content)
	// No menu while locked, but the language can be changed before unlocking.
	u.win.Canvas().AddShortcut(settingsShortcut, func(fyne.Shortcut) { u.showSettings() })
	u.unlock.focus(u.win.Canvas())
}

// clearOverlays closes every dialog and pop-up, so that nothing from the
// vault stays on screen once it is locked.
func clearOverlays(c fyne.Canvas) {
	for top := c.Overlays().Top(); top != nil; top = c.Overlays().Top() {
		c.Overlays().Remove(top)
	}
}

// chooseDir asks for another vault folder.
func (u *appUI) chooseDir() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			u.fail(lang.L("The folder could not be opened"), err)
			return
		}
		if dir != nil {
			u.setDir(dir.Path())
		}
	}, u.win)
	showFileDialog(d, u.win)
}

// setDir switches the unlock screen to the vault in dir, offering to
// create one there if there is none.
func (u *appUI) setDir(dir string) {
	u.dir = dir
	u.showUnlock()
}

func (u *appUI) opened(v *storage.Vault) {
	u.vault = v
	u.unlock = nil
	rememberDir(u.dir)
	u.sync = newSyncBar(v, u.win, &u.bridge, outbox.HTTPSFunc(outbox.HTTPSOptions{}), u.syncOpt)
	u.sync.setup, u.sync.purged = u.showDelivery, u.afterPurge
	u.touch()
	// Argon2id has just allocated and dropped 64 MiB: hand it back to the
	// system now rather than keep it as idle heap (tools/measure).
	debug.FreeOSMemory()
	u.showMain()
	if id := u.reopen; id != uuid.Nil {
		u.reopen = uuid.Nil
		u.openHearing(id)
	}
}

// showMain builds the tabs afresh from the vault.
func (u *appUI) showMain() {
	u.hearing = nil
	var err error
	if u.cases, err = newCasesScreen(u); err == nil {
		if u.roster, err = newRosterScreen(u); err == nil {
			u.agenda, err = newAgendaScreen(u.vault, u.now(), u.openHearing)
		}
	}
	if err != nil {
		u.fail(lang.L("The vault could not be read"), err)
		return
	}
	u.onVaultChange("agenda", u.refreshAgenda)
	u.forget("hearing")
	u.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Cases"), u.cases.content),
		container.NewTabItem(lang.L("Defendants"), u.roster.content),
		container.NewTabItem(lang.L("Agenda"), u.agenda.content),
	)
	u.tabs.OnSelected = func(t *container.TabItem) {
		u.touch()
		if t.Content == u.roster.content {
			u.win.Canvas().Focus(u.roster.filter) // type a name at once
		}
	}
	u.status = widget.NewLabel(lang.L("Vault open: {{.Dir}}", map[string]any{"Dir": u.dir}))
	u.setContent(container.NewBorder(nil, u.statusBar(), nil, nil, u.tabs))
	u.setMenu()
}

// dropMain lets go of the tabs (Cases, Defendants, Agenda) once a hearing
// takes their place: leaving the hearing builds them afresh (showMain), so
// holding them meanwhile only kept their widgets in memory.
func (u *appUI) dropMain() {
	u.tabs, u.cases, u.roster, u.agenda = nil, nil, nil, nil
	u.forget("cases")
	u.forget("roster")
	u.forget("agenda")
}

// leaveHearing keeps the hearing screen's half-typed note and goes back:
// to the hearing a search result was opened from, else to the hearing's
// case on the Cases tab.
func (u *appUI) leaveHearing() {
	h := u.hearing
	if err := h.saveDraft(); err != nil {
		u.fail(lang.L("The half-typed note could not be kept"), err)
		return
	}
	if h.backTo != uuid.Nil {
		u.openHearing(h.backTo)
		return
	}
	u.showMain()
	if u.cases != nil && u.selectTab(lang.L("Cases")) {
		u.cases.showCase(h.cas.ID)
	}
}

func (u *appUI) openHearing(id uuid.UUID) {
	clearOverlays(u.win.Canvas()) // nothing of the screen left stays on top
	h, err := newHearingScreen(u.vault, u.win, id, u.leaveHearing)
	if err == nil {
		h.export = func() { u.exportReport(report.SubjectHearing, id) }
	}
	if err != nil {
		u.fail(lang.L("The hearing could not be opened"), err)
		return
	}
	h.now = u.now
	h.activity = u.touch
	h.changed = u.vaultChanged
	u.onVaultChange("hearing", h.refresh)
	u.dropMain()
	u.hearing = h
	u.touch()
	u.setContent(container.NewBorder(nil, u.statusBar(), nil, nil, h.content))
	h.log.ScrollToBottom() // the latest entries; only once the list is on a canvas
	u.setMenu()
	u.win.Canvas().Focus(h.note)
	cursorToEnd(&h.note.Entry) // a kept half-typed note goes on where it ended
	h.resumeEdit()
}

// setMenu shows the vault menu and, on a hearing screen, the hearing menu:
// Start hearing (Ctrl+Shift+S) and the events with Ctrl+1…9.
func (u *appUI) setMenu() {
	lock := menuItem(lang.L("Lock"), u.lock, lockShortcut)
	syncNow := menuItem(lang.L("Sync now"), u.sync.doSyncNow, syncNowShortcut)
	search := menuItem(lang.L("Search…"), u.showSearch, searchShortcut)
	settings := menuItem(lang.L("Settings…"), u.showSettings, settingsShortcut)
	delivery := menuItem(lang.L("Delivery…"), u.showDelivery, deliveryShortcut)
	// Quit is Fyne's, but named here so that it follows the language.
	quit := fyne.NewMenuItem(lang.L("Quit"), nil)
	quit.IsQuit = true
	menus := []*fyne.Menu{fyne.NewMenu(lang.L("Vault"), search, settings, fyne.NewMenuItemSeparator(), lock, syncNow, delivery,
		fyne.NewMenuItemSeparator(), u.wipeItem(), fyne.NewMenuItemSeparator(), quit)}
	if u.hearing == nil && u.tabs != nil {
		var items []*fyne.MenuItem
		for i, t := range u.tabs.Items {
			item := fyne.NewMenuItem(t.Text, func() { u.touch(); u.tabs.SelectIndex(i) })
			item.Shortcut = &desktop.CustomShortcut{KeyName: digitKeys[i], Modifier: fyne.KeyModifierAlt}
			items = append(items, item)
		}
		menus = append(menus, fyne.NewMenu(lang.L("Go"), items...))
	}
	if h := u.hearing; h != nil {
		start := menuItem(lang.L("Start hearing"), h.startHearing, startShortcut)
		end := menuItem(lang.L("End hearing"), h.confirmEnd, endShortcut)
		edit := menuItem(lang.L("Edit last note"), h.editLastNote, editShortcut)
		attach := menuItem(lang.L("Add attachment…"), func() { h.showTab(3); h.attachments.addDialog() }, attachShortcut)
		export := menuItem(lang.L("Export report…"), func() { u.exportReport(report.SubjectHearing, h.hearing.ID) }, exportShortcut)
		items := []*fyne.MenuItem{start, end, edit, attach, export, fyne.NewMenuItemSeparator()}
		for i, label := range []string{lang.L("Log"), lang.L("Attendance"), lang.L("Checklist"), lang.L("Attachments")} {
			item := fyne.NewMenuItem(label, func() { h.showTab(i) })
			item.Shortcut = tabShortcuts[i]
			items = append(items, item)
		}
		items = append(items, fyne.NewMenuItemSeparator())
		for i, e := range h.events {
			item := fyne.NewMenuItem(lang.L(e.Label), func() { h.eventShortcut(i + 1) })
			if i < len(digitKeys) {
				item.Shortcut = &desktop.CustomShortcut{KeyName: digitKeys[i], Modifier: fyne.KeyModifierShortcutDefault}
			}
			items = append(items, item)
		}
		menus = append(menus, fyne.NewMenu(lang.L("Hearing"), items...))
	}
	u.win.SetMainMenu(fyne.NewMainMenu(menus...))
}

// menuItem is a menu item with its keyboard shortcut.
func menuItem(label string, action func(), key fyne.Shortcut) *fyne.MenuItem {
	item := fyne.NewMenuItem(label, action)
	item.Shortcut = key
	return item
}

// lock keeps a half-typed note, closes the vault, drops the screens that
// show its contents and returns to the unlock screen. If the note cannot be
// kept it does not lock, so that nothing typed is lost.
func (u *appUI) lock() {
	if u.vault == nil {
		return
	}
	if u.hearing != nil {
		if err := u.hearing.saveDraft(); err != nil {
			u.fail(lang.L("The half-typed note could not be kept, so the vault is still open"), err)
			return
		}
	}
	if u.hearing != nil {
		u.reopen = u.hearing.hearing.ID
	}
	// The vault's screens go first and its close runs in the background:
	// closing a large vault after a session of saves takes a few hundred
	// milliseconds (its level-0 compaction), during which the window must
	// already show nothing of it. An unlock waits for the close.
	closeVault := u.detach()
	u.tabs, u.cases, u.agenda, u.roster, u.hearing, u.status = nil, nil, nil, nil, nil, nil
	u.forgetAll()
	done := make(chan struct{})
	u.closing = done
	u.showUnlock()
	var err error
	u.bridge.background(func() {
		defer close(done)
		err = closeVault()
	}, func() {
		if err != nil {
			u.fail(lang.L("The vault did not close cleanly"), err)
		}
	})
}

// close keeps a half-typed note and closes the vault if it is open, after
// waiting for a lock's close to end.
func (u *appUI) close() error {
	err := u.detach()()
	if u.closing != nil {
		<-u.closing
	}
	return err
}

// detach keeps a half-typed note, stops what uses the vault and takes it
// from the screens; the returned function closes it (nil error if none
// was open).
func (u *appUI) detach() (closeVault func() error) {
	if u.settling != nil {
		u.settling.Stop()
	}
	if u.vault == nil {
		return func() error { return nil }
	}
	var draftErr error
	if u.hearing != nil {
		draftErr = u.hearing.keepDraft() // a no-op when lock has just kept it
	}
	u.sync.stop() // the uploader must not outlive the open vault
	u.sync = nil
	v := u.vault
	u.vault = nil
	return func() error { return errors.Join(draftErr, v.Close()) }
}

// statusBar is the vault folder on the left and delivery on the right.
func (u *appUI) statusBar() fyne.CanvasObject {
	u.syncSlot = container.NewStack(u.sync.content)
	return container.NewBorder(nil, nil, nil, u.syncSlot, u.status)
}

// fail shows err in a dialog, saying what failed and what to do.
func (u *appUI) fail(what string, err error) {
	dialog.ShowError(errors.New(fmt.Sprintf("%s: %v. %s", what, err,
		lang.L("Lock the vault (Ctrl+L) and unlock it again; if that does not help, check the vault folder."))), u.win)
}
