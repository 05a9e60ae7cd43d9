package storage

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// A duress passphrase sits in a slot of the key file like the real one.
// Entered at unlock, it erases the vault (wipeLocked: key material first)
// and creates in its place a new vault with the same KDF parameters and
// lockout setting, protected by the duress passphrase and holding a small,
// harmless decoy case. The unlock then returns that decoy as if it were
// the vault: afterwards the duress passphrase opens the decoy and the real
// one opens nothing. The decoy's folder has the same files, of the same
// sizes, as any fresh vault.
//
// The decoy gets a new salt, as the wipe destroyed every copy of the old
// one, so a duress unlock pays a second Argon2id run (about 0.5 s with
// the default parameters) plus the wipe and the decoy's creation (tens of
// milliseconds). A normal unlock of a vault with years of notes spends
// about as long verifying Badger's tables (about 1 s per 100k notes), so
// the time an unlock takes does not stand out.

// SetDuress sets the duress passphrase of the open vault, replacing any
// earlier one. Only key.wrapped changes, atomically.
func (v *Vault) SetDuress(duress []byte) error {
	if len(duress) == 0 {
		return errors.New("duress: the duress passphrase is empty")
	}
	return v.rewriteSlots(func(kf *keyFile) error {
		kek := kf.kdf.deriveKEK(duress)
		defer wipe(kek)
		if slot, _, k, err := kf.open(kek); err == nil {
			wipe(k)
			if slot == v.slot {
				return errors.New("duress: the duress passphrase must differ from the vault's passphrase")
			}
		}
		var free []int
		for i := range kf.slots {
			if i != v.slot {
				free = append(free, i)
			}
		}
		var r [1]byte
		if _, err := rand.Read(r[:]); err != nil {
			return err
		}
		junk := make([]byte, dataKeySize)
		if _, err := rand.Read(junk); err != nil {
			return err
		}
		return kf.seal(free[int(r[0])%len(free)], kek, roleDuress, junk)
	})
}

// DuressOff removes the duress passphrase, if there is one.
func (v *Vault) DuressOff() error {
	return v.rewriteSlots(func(*keyFile) error { return nil })
}

// rewriteSlots reads the key file, makes every slot but the vault's random,
// lets fn change it and writes it back atomically. Every rewrite changes
// every other slot, whether a duress passphrase is set, removed or neither.
func (v *Vault) rewriteSlots(fn func(kf *keyFile) error) error {
	v.life.RLock()
	defer v.life.RUnlock()
	if v.closed.Load() {
		return ErrLocked
	}
	if v.slot < 0 {
		return errors.New("duress: the vault's key file is still in the old format, as updating it failed at unlock; lock the vault, unlock it again and retry")
	}
	b, err := readSmall(filepath.Join(v.dir, wrappedFile))
	if err != nil {
		return fmt.Errorf("duress: read the key file: %w", err)
	}
	kf, err := parseKeyFile(b)
	if err != nil {
		return err
	}
	for i := range kf.slots {
		if i != v.slot {
			if err := kf.randomize(i); err != nil {
				return err
			}
		}
	}
	if err := fn(kf); err != nil {
		return err
	}
	return writeKeyFiles(v.dir, kf)
}

// switchToDecoy erases the vault in dir, whose lock the caller holds, and
// creates the decoy vault in its place, protected by passphrase.
func switchToDecoy(dir string, passphrase []byte, p KDFParams, lo lockout, lockf *os.File) (*Vault, *unlocked, error) {
	if err := wipeLocked(dir); err != nil {
		return nil, nil, err
	}
	p.Salt = nil
	v, u, err := createLocked(dir, passphrase, CreateOptions{KDF: p}, lo, lockf)
	if err != nil {
		return nil, nil, err
	}
	if err := seedDecoy(v, time.Now()); err != nil {
		v.Close()
		u.wipeKeys()
		return nil, nil, err
	}
	return v, u, nil
}

// seedDecoy stores the decoy: a small civil case with two recent hearings
// and a few dull notes, such as a monitor might keep while learning the
// court's routine.
func seedDecoy(v *Vault, now time.Time) error {
	day := func(daysAgo, hour, min int) time.Time {
		d := now.AddDate(0, 0, -daysAgo)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, time.Local)
	}
	c := &Case{
		Court:  "Kandal Provincial Court",
		Number: fmt.Sprintf("CV-%04d/%d", 200+now.YearDay()%300, now.Year()),
		Title:  "Boundary dispute over a rice field, Ta Khmau",
		Judges: []string{"Presiding judge (civil chamber)"},
	}
	if err := v.Put(c); err != nil {
		return err
	}
	h1 := &Hearing{CaseID: c.ID, Scheduled: day(23, 8, 30), Started: day(23, 8, 52), Ended: day(23, 10, 5),
		Courtroom: "Room 2", Access: "public"}
	h2 := &Hearing{CaseID: c.ID, Scheduled: day(9, 9, 0), Started: day(9, 9, 20), Ended: day(9, 10, 40),
		Courtroom: "Room 2", Access: "public"}
	if err := v.Put(h1, h2); err != nil {
		return err
	}
	notes := []*Note{
		{HearingID: h1.ID, Time: day(23, 8, 52), Text: "Hearing opens 20 minutes late. About a dozen people in the public seats, mostly family of the two parties."},
		{HearingID: h1.ID, Time: day(23, 9, 10), Text: "Plaintiff's lawyer presents the 2009 cadastral map; the defendant says the marker stones were moved after the 2011 flood."},
		{HearingID: h1.ID, Time: day(23, 9, 40), Text: "Judge asks both sides to bring the village chief's letter and the sale receipt to the next hearing."},
		{HearingID: h1.ID, Time: day(23, 10, 5), Text: "Adjourned. Interpreter not needed; both parties speak Khmer."},
		{HearingID: h2.ID, Time: day(9, 9, 25), Text: "Village chief testifies about the old boundary path. Both lawyers present."},
		{HearingID: h2.ID, Time: day(9, 10, 0), Text: "Court proposes mediation at the commune office; parties agree to try. Next date to be set by the clerk."},
		{HearingID: h2.ID, Time: day(9, 10, 40), Text: "Closed. Ask the clerk about the mediation date next week."},
	}
	recs := make([]Record, len(notes))
	for i, n := range notes {
		recs[i] = n
	}
	return v.Put(recs...)
}
