package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestCaseFormTimeZone: a new case is not saved without the court's time
// zone, nor with a name that is not an IANA zone; the zone given is stored.
func TestCaseFormTimeZone(t *testing.T) {
	u, s := casesUI(t, nil)
	test.Tap(s.newCase)
	f := s.caseForm
	test.Type(f.title, "Prosecutor v. Kem Sokha")
	test.Tap(f.save)
	refused(t, u, f.formDialog, "Time zone")
	f.zone.SetText("Asia/Pnom_Penh")
	test.Tap(f.save)
	refused(t, u, f.formDialog, "IANA")
	if n := len(vaultCases(t, u.vault)); n != 0 {
		t.Fatalf("%d cases stored without a valid zone", n)
	}
	f.zone.SetText("Asia/Phnom_Penh")
	test.Tap(f.save)
	saved(t, u, f.formDialog)
	if cs := vaultCases(t, u.vault); len(cs) != 1 || cs[0].TimeZone != "Asia/Phnom_Penh" {
		t.Fatalf("cases stored: %+v", cs)
	}
}
