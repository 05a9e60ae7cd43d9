package receiver

import (
	"container/list"
	"crypto/rand"
	"crypto/tls"
	"sync"
	"time"
)

// TLS session tickets. By default Go's TLS server gives each client, at
// the end of every handshake, a session ticket that is the whole session
// state encrypted with a key held in the server's memory (about 110 bytes),
// and the client sends it back in its next ClientHello to resume. Serve
// keeps the sessions itself instead, in memory, and gives out a random
// 16-byte id as the ticket: a resumed connection, the one `courtwatch
// sync` makes after the first, is about 180 bytes smaller both ways
// (issue 13: a one-note sync in under 2 KB).
//
// What changes, and what does not:
//
//   - Each ticket resumes once. Resuming removes it from the store, and the
//     connection hands out a new one, as Go always does. So a network
//     observer cannot link two connections of one device by their
//     ticket (RFC 8446, C.4), and the session's secret is forgotten as
//     soon as it was used, where Go's own tickets stay decryptable with
//     the current ticket keys for up to a week.
//   - Nothing is written to disk: a receiver that restarts has forgotten
//     every ticket, and each device makes one full handshake (with the
//     post-quantum key share) on its next connection. Go's own ticket keys
//     are in memory too, so a restart cost the same before.
//   - Several receivers behind one load balancer each have their own
//     store, as they had their own ticket keys: a ticket that this
//     receiver did not give out is unknown to it, and the client falls
//     back to a full handshake. So do tickets of any other format, such as
//     those Go gave out before this store existed.
//   - The store is bounded: at most maxTickets sessions, the oldest
//     dropped first, each for at most ticketLifetime (Go's own limit for
//     TLS 1.3 tickets). Anyone who can reach the receiver can fill it
//     with handshakes and so push out the tickets of real devices; those
//     then make a full handshake, which costs bytes, not security.
//   - The ticket id is 16 bytes from crypto/rand: it names the session but
//     reveals nothing of it, and without the session's secret, which
//     never leaves the receiver and the device, it resumes nothing (TLS
//     1.3 checks the PSK binder).

// maxTickets bounds the sessions kept: about 200 bytes each.
const maxTickets = 1 << 16

// ticketLifetime is how long a ticket can resume its session: Go's
// maximum for TLS 1.3 (crypto/tls refuses older sessions itself).
const ticketLifetime = 7 * 24 * time.Hour

// ticketIDLen is the length of a ticket: an id, not the session.
const ticketIDLen = 16

// ticketStore keeps TLS sessions by their ticket id (see above). Its wrap
// and unwrap are tls.Config's WrapSession and UnwrapSession.
type ticketStore struct {
	now func() time.Time
	max int

	mu    sync.Mutex
	byID  map[[ticketIDLen]byte]*list.Element
	order *list.List // of *ticket, oldest first
}

type ticket struct {
	id      [ticketIDLen]byte
	state   []byte // tls.SessionState.Bytes: holds the session's secret
	expires time.Time
}

func newTicketStore(now func() time.Time, max int) *ticketStore {
	if now == nil {
		now = time.Now
	}
	return &ticketStore{now: now, max: max, byID: map[[ticketIDLen]byte]*list.Element{}, order: list.New()}
}

// useWith makes tc give out and take back this store's tickets.
func (s *ticketStore) useWith(tc *tls.Config) {
	tc.WrapSession = s.wrap
	tc.UnwrapSession = s.unwrap
}

// wrap keeps ss and returns its ticket, a new random id.
func (s *ticketStore) wrap(_ tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
	state, err := ss.Bytes()
	if err != nil {
		return nil, err
	}
	t := &ticket{state: state}
	if _, err := rand.Read(t.id[:]); err != nil {
		return nil, err
	}
	now := s.now()
	t.expires = now.Add(ticketLifetime)
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := s.order.Front(); e != nil && (s.order.Len() >= s.max || !now.Before(e.Value.(*ticket).expires)); e = s.order.Front() {
		s.remove(e)
	}
	s.byID[t.id] = s.order.PushBack(t)
	return t.id[:], nil
}

// unwrap returns the session of ticket id and forgets it (a ticket resumes
// once), or nil for a ticket this store does not hold (unknown, expired,
// or of another format): then the client makes a full handshake.
func (s *ticketStore) unwrap(id []byte, _ tls.ConnectionState) (*tls.SessionState, error) {
	if len(id) != ticketIDLen {
		return nil, nil
	}
	s.mu.Lock()
	e, ok := s.byID[[ticketIDLen]byte(id)]
	if ok {
		s.remove(e)
	}
	s.mu.Unlock()
	if !ok {
		return nil, nil
	}
	t := e.Value.(*ticket)
	if !s.now().Before(t.expires) {
		return nil, nil
	}
	ss, err := tls.ParseSessionState(t.state)
	if err != nil {
		return nil, nil // cannot happen: wrap made it
	}
	return ss, nil
}

// len is the number of sessions kept.
func (s *ticketStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}

func (s *ticketStore) remove(e *list.Element) {
	delete(s.byID, e.Value.(*ticket).id)
	s.order.Remove(e)
}
