package ui

import (
	"errors"
	"strings"

	"github.com/google/uuid"

	"courtwatch/storage"
)

// A hearing's half-typed note, an edit open in the note editor and an
// unsaved attachment caption are kept sealed in the vault, so that locking,
// leaving the screen or a crash loses at most ten seconds of typing.

// draftKey names the sealed auxiliary value that keeps a half-typed note
// of a hearing across lock and unlock.
func draftKey(hearingID uuid.UUID) string { return "ui/draft/" + hearingID.String() }

// saveDraft keeps the note field's text, encrypted in the vault, so that
// locking or leaving the screen loses nothing; an empty field drops it.
// An edit in progress in the note editor and an unsaved attachment caption
// are kept too.
func (s *hearingScreen) saveDraft() error {
	var captionErr error
	if s.captionChanged() {
		a := s.attachments
		captionErr = a.setCaption(a.caption.Text)
	}
	text := s.note.Text
	err := s.vault.Update(func(tx *storage.Tx) error {
		if err := s.keepEdit(tx); err != nil {
			return err
		}
		if strings.TrimSpace(text) == "" {
			return tx.DeleteAux(draftKey(s.hearing.ID))
		}
		return tx.SetAux(draftKey(s.hearing.ID), []byte(text))
	})
	if err == nil {
		s.kept = text
	}
	return errors.Join(captionErr, err)
}

// captionChanged reports whether the attachments tab holds a caption that
// is not stored yet.
func (s *hearingScreen) captionChanged() bool {
	a := s.attachments
	return a != nil && a.selected >= 0 && a.caption.Text != a.items[a.selected].Caption
}

// keepDraft does what saveDraft does, but only if something changed since
// it was last kept: the idle watcher calls it every ten seconds, so that a
// crash or a pulled plug loses at most that much typing, and close calls
// it after lock has already kept everything.
func (s *hearingScreen) keepDraft() error {
	edit := ""
	if e := s.pendingEdit(); e != nil {
		edit = e.Text
	}
	if s.note.Text == s.kept && edit == s.keptEdit && !s.captionChanged() {
		return nil
	}
	return s.saveDraft()
}

// restoreDraft puts a kept half-typed note back into the field.
func (s *hearingScreen) restoreDraft() error {
	return s.vault.View(func(tx *storage.Tx) error {
		if err := s.loadEdit(tx); err != nil {
			return err
		}
		b, err := tx.Aux(draftKey(s.hearing.ID))
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		s.note.SetText(string(b))
		s.kept = string(b)
		return nil
	})
}
