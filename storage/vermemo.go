package storage

import (
	"bytes"
	"sync"
)

// verMemo remembers a few versions that Tx.latest unsealed and decoded,
// with the exact sealed bytes they came from. A save checks that its
// parent exists (a note's hearing, say) by reading the parent's newest
// version: the same few versions, read again for every save. A version's
// key is never written twice, and the seal is checked over these bytes
// under this key, so the same key with the same bytes unseals and decodes
// to the same version: the memo gives that result without redoing it.
// Bytes that differ in any way (damage, tampering, a purge) are unsealed
// and checked as usual. Write transactions fill it; every read may use
// it. It lives in memory only and is cleared at Close.
type verMemo struct {
	mu sync.Mutex
	m  map[string]memoVer
}

type memoVer struct {
	sealed []byte
	ver    Version
}

// verMemoMax bounds the memo; when it is full it starts again empty.
const verMemoMax = 64

// get returns a copy of the version decoded from sealed under key, if the
// memo holds it.
func (c *verMemo) get(key, sealed []byte) (*Version, bool) {
	c.mu.Lock()
	e, ok := c.m[string(key)]
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.sealed, sealed) {
		return nil, false
	}
	return e.ver.clone(), true
}

// put remembers ver, decoded from sealed under key.
func (c *verMemo) put(key, sealed []byte, ver *Version) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= verMemoMax {
		c.m = make(map[string]memoVer, verMemoMax)
	}
	c.m[string(key)] = memoVer{sealed: bytes.Clone(sealed), ver: *ver.clone()}
}

// clear forgets every version.
func (c *verMemo) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// clone copies v, its byte slices included, so that a caller changing
// what it got cannot change the memo.
func (v *Version) clone() *Version {
	c := *v
	// One allocation for both; each capped, so appending to one cannot
	// write into the other.
	buf := make([]byte, len(v.Raw)+len(v.Data))
	nr := copy(buf, v.Raw)
	copy(buf[nr:], v.Data)
	c.Raw, c.Data = nil, nil
	if v.Raw != nil {
		c.Raw = buf[:nr:nr]
	}
	if v.Data != nil {
		c.Data = buf[nr:len(buf):len(buf)]
	}
	return &c
}
