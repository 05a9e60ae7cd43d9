package ui

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"aead.dev/minisign"
	"filippo.io/age"
	"fyne.io/fyne/v2/test"

	"courtwatch/storage"
	"courtwatch/sync/bundle"
	"courtwatch/sync/outbox"
	"courtwatch/sync/wire"
	"courtwatch/sync/wire/hqprofile"
)

// hqReceiver is a minimal HQ receiver on 127.0.0.1: it answers every
// upload with a receipt signed by its receipt key, or drops the connection
// while down, as an unreachable HQ would.
type hqReceiver struct {
	srv     *httptest.Server
	profile hqprofile.Profile
	key     minisign.PrivateKey
	down    atomic.Bool
	posts   atomic.Int32
}

func newHQReceiver(t *testing.T) *hqReceiver {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := minisign.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	r := &hqReceiver{key: priv}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/bundles/{device}/{seq}", r.post)
	r.srv = httptest.NewServer(mux)
	t.Cleanup(r.srv.Close)
	r.profile = hqprofile.Profile{Format: hqprofile.Format, Name: "hq", URL: r.srv.URL,
		Recipients: []string{id.Recipient().String()}, ReceiptKey: pub.String()}
	return r
}

func (r *hqReceiver) post(w http.ResponseWriter, req *http.Request) {
	r.posts.Add(1)
	if r.down.Load() {
		panic(http.ErrAbortHandler) // the connection drops: "offline"
	}
	seq, err := strconv.ParseUint(req.PathValue("seq"), 10, 64)
	data, rerr := io.ReadAll(req.Body)
	if err != nil || rerr != nil {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
		return
	}
	rc, err := wire.SignReceipt(wire.Receipt{Device: req.PathValue("device"), Seq: seq, Hash: bundle.Hash(data),
		Received: time.Now().UTC().Truncate(time.Second)}, r.key)
	if err != nil {
		http.Error(w, `{"error":"signing"}`, http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(rc)
}

// uiQueue stands in for fyne.Do: background events wait in it until the
// test goroutine, acting as the UI goroutine, runs them.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) post(f func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.fns = append(q.fns, f)
}

func (q *uiQueue) run() {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// waitFor runs queued UI events until the sync text contains want.
func waitFor(t *testing.T, q *uiQueue, u *appUI, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		q.run()
		if strings.Contains(u.sync.text.Text, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sync status %q, want it to contain %q", u.sync.text.Text, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSyncStatus unlocks a real vault with an HQ profile, saves a note,
// delivers it to a real receiver with Sync now while HQ is unreachable and
// then reachable, and checks that locking stops the uploader.
func TestSyncStatus(t *testing.T) {
	u := newTestUI(t)
	q := &uiQueue{}
	u.post = q.post
	u.syncOpt = outbox.Options{BaseDelay: time.Hour, MaxDelay: time.Hour} // retries come from Sync now only
	hq := newHQReceiver(t)
	hq.down.Store(true)

	v, err := storage.Create(u.dir, []byte(testPass), storage.CreateOptions{KDF: storage.TestKDF})
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.AddProfile(v, hq.profile, "", true); err != nil {
		t.Fatal(err)
	}
	c := &storage.Case{Court: "Phnom Penh Municipal Court", Number: "123/2026", Title: "Prosecutor v. Kem Sokha"}
	if err := v.Put(c); err != nil {
		t.Fatal(err)
	}
	h := &storage.Hearing{CaseID: c.ID, Scheduled: time.Date(2026, 3, 4, 8, 30, 0, 0, time.UTC)}
	if err := v.Put(h); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}

	// Unlock: the uploader starts and finds nothing to send.
	u.showUnlock()
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.submit)
	if u.vault == nil {
		t.Fatalf("vault not opened: %q", u.unlock.message.Text)
	}
	waitFor(t, q, u, "All delivered")
	if item := findMenuItem(t, u.win, "Sync now"); item.Shortcut != syncNowShortcut {
		t.Error("Sync now has no Ctrl+Shift+Y in the menu")
	}

	// Save a note and Sync now while HQ is unreachable: sealed and pending.
	note := &storage.Note{HearingID: h.ID, Time: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC), Text: "Judge reads the charges", Source: storage.SourceSeen}
	if err := u.vault.Put(note); err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(t, u.win.Content(), "Sync now"))
	waitFor(t, q, u, "Offline — 1 pending, next try in")
	if hq.posts.Load() == 0 {
		t.Error("the receiver saw no upload")
	}

	// HQ is back: Sync now delivers and the status says when.
	hq.down.Store(false)
	test.Tap(findButton(t, u.win.Content(), "Sync now"))
	waitFor(t, q, u, "All delivered · last at")
	if p, err := outbox.Pending(u.vault); err != nil || len(p) != 0 {
		t.Errorf("pending after delivery: %d, %v", len(p), err)
	}
	if u.sync.bar.Visible() {
		t.Error("progress bar still shown after delivery")
	}

	// Locking stops the uploader before the vault closes.
	done := u.sync.done
	u.lock()
	select {
	case <-done:
	default:
		t.Fatal("the uploader still runs after lock")
	}
	if u.sync != nil || u.vault != nil {
		t.Error("lock kept the sync bar or the vault")
	}
}

// TestSyncStatusNoProfile: without an HQ profile nothing runs and the bar
// says delivery is not set up, with a button to set it up.
func TestSyncStatusNoProfile(t *testing.T) {
	u := newTestUI(t)
	u.showUnlock()
	test.Type(u.unlock.pass, testPass)
	test.Type(u.unlock.confirm, testPass)
	test.Tap(u.unlock.submit)
	if u.sync == nil || u.sync.up != nil {
		t.Fatal("an uploader runs without an HQ profile")
	}
	if !hasLabel(u.win.Content(), "Delivery to HQ is not set up") {
		t.Errorf("labels %q", labelTexts(u.win.Content()))
	}
	if findButton(t, u.win.Content(), "Set up delivery…").Disabled() {
		t.Error("Set up delivery… disabled without an HQ profile")
	}
}

func TestSyncText(t *testing.T) {
	now := time.Date(2026, 3, 4, 14, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		s    outbox.Status
		want string
	}{
		{outbox.Status{Pending: 2, Uploading: 7, Sent: 45, Total: 100}, "Uploading bundle 7: 45%"},
		{outbox.Status{Pending: 3, Offline: true, NextAttempt: now.Add(90 * time.Second)}, "Offline — 3 pending, next try in 2 min"},
		{outbox.Status{Pending: 3, Offline: true}, "Offline — 3 pending"},
		{outbox.Status{Pending: 1, LastError: "HQ answered 500"}, "HQ did not take the last upload (HQ answered 500) — 1 pending"},
		{outbox.Status{Pending: 4}, "4 pending"},
		{outbox.Status{LastDelivered: now.Add(-25 * time.Minute)}, "All delivered · last at 14:05"},
		{outbox.Status{LastDelivered: now.AddDate(0, 0, -1)}, "All delivered · last at 3 Mar 14:30"},
		{outbox.Status{}, "All delivered"},
	} {
		if got := syncText(tc.s, now); got != tc.want {
			t.Errorf("syncText(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
