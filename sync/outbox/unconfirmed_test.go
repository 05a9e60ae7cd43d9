package outbox

import (
	"context"
	"testing"
)

// Unconfirmed counts what no verified receipt covers: everything before
// delivery, nothing after, and a sealed but undelivered bundle still counts.
func TestUnconfirmed(t *testing.T) {
	f, _, _ := newDelivery(t)
	f.notes(f.hearing, 3)
	before, err := Unconfirmed(f.v)
	if head, _ := f.v.Head(); err != nil || before != int(head) || before < 3 {
		t.Fatalf("before delivery: %d, %v; want every version (%d)", before, err, head)
	}
	f.seal()
	if n, _ := Unconfirmed(f.v); n != before {
		t.Fatalf("sealed, not delivered: %d, want %d", n, before)
	}
	if _, err := Deliver(context.Background(), f.v, HTTPSFunc(fast), nil); err != nil {
		t.Fatal(err)
	}
	if n, err := Unconfirmed(f.v); n != 0 || err != nil {
		t.Fatalf("after a verified receipt: %d, %v", n, err)
	}
	f.notes(f.hearing, 2)
	if n, _ := Unconfirmed(f.v); n != 2 {
		t.Fatalf("two new notes: %d unconfirmed", n)
	}
}
