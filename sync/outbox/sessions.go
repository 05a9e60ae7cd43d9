package outbox

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"sync"

	"courtwatch/storage"
	"courtwatch/sync/wire/hqprofile"
)

// TLS session resumption. A full TLS 1.3 handshake with a receiver carries
// its certificate and a post-quantum key share each way, several times the
// size of a one-note bundle. The HTTPS transport therefore resumes the
// last session with the receiver when it can: the connection then carries
// no certificate (and needs no signature from the receiver's key).
//
// The sessions are kept per HQ profile in the vault (sealed like every
// auxiliary value, never in a plain file), so that a sync in a new process,
// such as the next `courtwatch sync`, resumes too. They are saved in the
// same transaction that records the delivery, so resuming costs no extra
// write. A session is tied to the profile's URL, proxy and pin (scope): a
// profile that changes any of them starts with a full handshake.
//
// Resumption does not weaken the pin. Go calls VerifyConnection on resumed
// connections too, with the certificate of the original handshake, which
// pinCheck compares with the pin; and a server that does not hold the
// receiver's session (or, with Go's own tickets, its ticket key) cannot
// resume the session at all, so it
// has to show its own certificate, which the pin refuses
// (TestResumedSessionKeepsPin).
//
//	hq/tls-session/<profile name>   JSON storedSessions

// keyTLSSessionPrefix keys the stored TLS sessions, per profile name.
const keyTLSSessionPrefix = "hq/tls-session/"

// maxSessions bounds the sessions kept per profile: one per server name
// (the receiver, and an https:// proxy if any).
const maxSessions = 4

// storedSessions is what the vault holds for one profile.
type storedSessions struct {
	Scope    string                   `json:"scope"`
	Sessions map[string]storedSession `json:"sessions"` // by Go's cache key (server name)
}

type storedSession struct {
	Ticket []byte `json:"ticket"`
	State  []byte `json:"state"` // tls.SessionState.Bytes
}

// sessionScope names what a session is valid for.
func sessionScope(p hqprofile.Profile) string {
	return p.URL + "\n" + p.Proxy + "\n" + p.TLSPin
}

// sessionCache is a tls.ClientSessionCache for one profile. dirty is set
// when a connection stored a new session that the vault does not hold yet.
type sessionCache struct {
	scope string
	mu    sync.Mutex
	m     map[string]*tls.ClientSessionState
	dirty bool
}

var _ tls.ClientSessionCache = (*sessionCache)(nil)

func (c *sessionCache) Get(key string) (*tls.ClientSessionState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[key]
	return s, ok
}

func (c *sessionCache) Put(key string, cs *tls.ClientSessionState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch _, had := c.m[key]; {
	case cs == nil && !had:
		return
	case cs == nil:
		delete(c.m, key)
	case !had && len(c.m) >= maxSessions:
		return
	default:
		c.m[key] = cs
	}
	c.dirty = true
}

// loadSessions returns the session cache for profile p, filled from the
// vault. A stored entry for another scope, or one that cannot be read, is
// ignored: the next connection makes a full handshake and replaces it.
func loadSessions(v *storage.Vault, p hqprofile.Profile) *sessionCache {
	c := &sessionCache{scope: sessionScope(p), m: map[string]*tls.ClientSessionState{}}
	var st storedSessions
	err := v.View(func(tx *storage.Tx) error {
		b, err := tx.Aux(keyTLSSessionPrefix + p.Name)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, &st)
	})
	if err != nil || st.Scope != c.scope {
		return c
	}
	for k, s := range st.Sessions {
		state, err := tls.ParseSessionState(s.State)
		if err != nil {
			continue
		}
		if cs, err := tls.NewResumptionState(s.Ticket, state); err == nil && len(c.m) < maxSessions {
			c.m[k] = cs
		}
	}
	return c
}

// save writes the sessions of profile name into tx if a connection
// changed them since the last save.
func (c *sessionCache) save(tx *storage.Tx, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	st := storedSessions{Scope: c.scope, Sessions: map[string]storedSession{}}
	for k, cs := range c.m {
		ticket, state, err := cs.ResumptionState()
		if err != nil || state == nil {
			continue
		}
		b, err := state.Bytes()
		if err != nil {
			continue
		}
		st.Sessions[k] = storedSession{Ticket: ticket, State: b}
	}
	if err := setJSON(tx, keyTLSSessionPrefix+name, st); err != nil {
		return err
	}
	c.dirty = false
	return nil
}

// forgetSessions removes the stored sessions of profile name.
func forgetSessions(tx *storage.Tx, name string) error {
	err := tx.DeleteAux(keyTLSSessionPrefix + name)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	return err
}
