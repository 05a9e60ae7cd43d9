package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestDeliveryNoSecondScreen: Ctrl+Shift+D (the menu item's action) while
// the Delivery screen is open leaves that one screen, on the tab the
// monitor chose; once it is closed, Ctrl+Shift+D opens it again.
func TestDeliveryNoSecondScreen(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	c := u.win.Canvas()
	item := findMenuItem(t, u.win, "Delivery…")
	item.Action()
	if n := len(c.Overlays().List()); n != 1 {
		t.Fatalf("%d overlays after Ctrl+Shift+D", n)
	}
	first, _ := openDeliveries.Load(u)
	first.(*deliveryScreen).tabs.SelectIndex(deliveryOutboxTab)
	item.Action()
	item.Action()
	if n := len(c.Overlays().List()); n != 1 {
		t.Fatalf("Ctrl+Shift+D while the Delivery screen is open: %d overlays, want 1", n)
	}
	if d, _ := openDeliveries.Load(u); d != first || d.(*deliveryScreen).tabs.SelectedIndex() != deliveryOutboxTab {
		t.Error("Ctrl+Shift+D replaced the open Delivery screen or changed its tab")
	}
	test.Tap(findButton(t, overlay(t, u), "Close"))
	if n := len(c.Overlays().List()); n != 0 {
		t.Fatalf("%d overlays after Close", n)
	}
	item.Action()
	if n := len(c.Overlays().List()); n != 1 || !hasLabel(overlay(t, u), "Delivery to HQ is not set up.") {
		t.Fatalf("Ctrl+Shift+D after Close: %d overlays", n)
	}
}

// TestDeliveryUSBNeedsProfile: "Export to USB…" without HQ's profile says
// at once, before any folder is asked for, that the profile is needed and
// why, and its button goes to installing it.
func TestDeliveryUSBNeedsProfile(t *testing.T) {
	u, _, _ := newDeliveryUI(t)
	c := u.win.Canvas()
	d := u.openDelivery(deliveryOutboxTab)
	test.Tap(d.out.usb)
	if n := len(c.Overlays().List()); n != 2 {
		t.Fatalf("%d overlays after Export to USB…, want the Delivery screen and the explanation", n)
	}
	o := overlay(t, u)
	for _, want := range []string{"Export to USB needs HQ's profile first.", "encrypted to HQ's key",
		"Install the profile on the tab “HQ and this device”", "check its keys with HQ by phone"} {
		if !hasLabel(o, want) {
			t.Errorf("the explanation lacks %q: %q", want, labelTexts(o))
		}
	}
	test.Tap(findButton(t, o, "Install HQ profile…"))
	if d.tabs.SelectedIndex() != deliverySetupTab {
		t.Error("Install HQ profile… did not go to the tab HQ and this device")
	}
	if top := c.Overlays().Top(); top == nil || top == o || len(c.Overlays().List()) != 2 {
		t.Errorf("Install HQ profile… did not ask for the profile file (%d overlays)", len(c.Overlays().List()))
	}

	// Cancel leaves the Delivery screen as it was.
	clearOverlays(c)
	d = u.openDelivery(deliveryOutboxTab)
	test.Tap(d.out.usb)
	test.Tap(findButton(t, overlay(t, u), "Cancel"))
	if n := len(c.Overlays().List()); n != 1 || d.tabs.SelectedIndex() != deliveryOutboxTab {
		t.Errorf("after Cancel: %d overlays, tab %d", n, d.tabs.SelectedIndex())
	}
}
