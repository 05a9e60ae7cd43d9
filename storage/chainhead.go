package storage

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// The sealed chain head, kept outside Badger.
//
// Badger can lose committed writes without an error: a damaged byte in its
// write-ahead log (.mem) ends the replay there, and every later commit is
// gone; a damaged table can take records with it. The records' own seals
// cannot show what is no longer there. So after each commit the vault also
// writes this device's chain head (sequence number and hash of its newest
// version, and when it was written) to <vault>/chain.head, sealed with the
// record key (XChaCha20-Poly1305), and Open compares it with the head
// Badger has. When Badger is behind, the difference is lost: Open reports
// "N records written since T are missing or damaged" (Notices), the loss
// is remembered in the file so that every later Open and `courtwatch
// verify` still say it, and the vault goes on from what it has.
//
// The file has two fixed 1 KiB slots, written in turn in place (one
// pwrite after each commit, an fdatasync at most once a second and at
// Close; no new blocks, so it works on a full disk); a torn write spoils one slot and the other, one commit
// older, is read. Badger commits first: a crash in between leaves the file
// behind Badger, which is not a loss and is corrected at the next Open.
// Only this device's chain is covered; versions merged from other devices
// (HQ) are checked by their bundles' chains.
const (
	headFileName = "chain.head"
	headSlotSize = 1024
	maxLost      = 4
	headAD       = "courtwatch chain head"
)

// LostRange is a run of this device's versions that the vault once held
// and lost (damaged storage).
type LostRange struct {
	From, To uint64    // sequence numbers, inclusive
	After    time.Time // when the last version before them was written (zero: none)
	Until    time.Time // when the chain head last recorded them
}

func (l LostRange) String() string {
	n := l.To - l.From + 1
	since := "the vault was created"
	if !l.After.IsZero() {
		since = l.After.Local().Format("2006-01-02 15:04:05")
	}
	return fmt.Sprintf("%d %s written since %s (versions %d to %d, the last at %s) are missing or damaged",
		n, plural(n, "record", "records"), since, l.From, l.To, l.Until.Local().Format("2006-01-02 15:04:05"))
}

func plural(n uint64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type headState struct {
	N       uint64      `json:"n"` // write counter: the slot with the larger one is newer
	Seq     uint64      `json:"seq"`
	Hash    string      `json:"hash,omitempty"`
	Written time.Time   `json:"written"`
	Lost    []LostRange `json:"lost,omitempty"`
}

type headFile struct {
	f      *os.File
	st     headState
	synced time.Time // last fdatasync
	dirty  bool      // written since
	slot   [headSlotSize]byte
}

// headSyncEvery batches the head file's fdatasync: a save writes the slot
// (one pwrite, which a killed process does not lose) and syncs it only if
// the last sync is older than this; Close syncs. Power lost before a sync
// leaves the file behind Badger, which only means the newest records are
// not checked at the next Open; it never raises a false alarm.
const headSyncEvery = time.Second

// openHeadFile reads the sealed chain head, or starts one. found is false
// when there was no readable head (new vault, file lost or damaged); then
// damaged says whether a file was there.
func (v *Vault) openHeadFile(readOnly bool) (h *headFile, found, damaged bool, err error) {
	path := filepath.Join(v.dir, headFileName)
	flag := os.O_RDWR | os.O_CREATE
	if readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if readOnly && errors.Is(err, fs.ErrNotExist) {
		return nil, false, false, nil
	}
	if err != nil {
		return nil, false, false, fmt.Errorf("open the chain head file %s: %w", path, err)
	}
	h = &headFile{f: f}
	buf := make([]byte, 2*headSlotSize)
	n, _ := io.ReadFull(f, buf)
	for slot := range 2 {
		if n < (slot+1)*headSlotSize {
			if n > slot*headSlotSize {
				damaged = true
			}
			continue
		}
		st, ok := v.unsealHead(buf[slot*headSlotSize : (slot+1)*headSlotSize])
		if !ok {
			if !allZero(buf[slot*headSlotSize : (slot+1)*headSlotSize]) {
				damaged = true
			}
			continue
		}
		if !found || st.N > h.st.N {
			h.st, found = st, true
		}
	}
	if found {
		damaged = false // one torn slot is expected after a crash
	}
	return h, found, damaged, nil
}

func (v *Vault) unsealHead(slot []byte) (headState, bool) {
	var st headState
	l := binary.BigEndian.Uint32(slot)
	ns := v.aead.NonceSize()
	if l < uint32(ns+v.aead.Overhead()) || l > uint32(len(slot)-4) {
		return st, false
	}
	sealed := slot[4 : 4+l]
	plain, err := v.aead.Open(nil, sealed[:ns], sealed[ns:], []byte(headAD))
	if err != nil || json.Unmarshal(plain, &st) != nil {
		return st, false
	}
	return st, true
}

// write stores st in the older slot; sync forces an fdatasync.
func (h *headFile) write(v *Vault, st headState, sync bool) error {
	st.N = h.st.N + 1
	plain := st.marshal()
	nonce := make([]byte, v.aead.NonceSize(), v.aead.NonceSize()+len(plain)+v.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := v.aead.Seal(nonce, nonce, plain, []byte(headAD))
	if len(sealed)+4 > headSlotSize {
		return errors.New("chain head does not fit its slot")
	}
	slot := h.slot[:]
	binary.BigEndian.PutUint32(slot, uint32(len(sealed)))
	clear(slot[4+copy(slot[4:], sealed):])
	if _, err := h.f.WriteAt(slot, int64(st.N%2)*headSlotSize); err != nil {
		return err
	}
	h.st, h.dirty = st, true
	if sync || time.Since(h.synced) >= headSyncEvery {
		return h.sync()
	}
	return nil
}

// marshal returns json.Marshal's bytes for st; a save writes one, so the
// usual fields skip reflection (TestHeadStateMarshalSameBytes).
func (st headState) marshal() []byte {
	if y := st.Written.Year(); y < 0 || y > 9999 || !plainJSON(st.Hash) {
		return mustJSON(st)
	}
	b := make([]byte, 0, 192)
	b = append(b, `{"n":`...)
	b = strconv.AppendUint(b, st.N, 10)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, st.Seq, 10)
	if st.Hash != "" {
		b = append(append(append(b, `,"hash":"`...), st.Hash...), '"')
	}
	b = append(b, `,"written":"`...)
	b = st.Written.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if len(st.Lost) > 0 {
		b = append(append(b, `,"lost":`...), mustJSON(st.Lost)...)
	}
	return append(b, '}')
}

func (h *headFile) sync() error {
	if !h.dirty {
		return nil
	}
	if err := fdatasync(h.f); err != nil {
		return err
	}
	h.synced, h.dirty = time.Now(), false
	return nil
}

// close syncs and closes the file.
func (h *headFile) close() error {
	err := h.sync()
	if cerr := h.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkHead compares the sealed chain head with Badger's and records and
// reports any loss. It runs in Open, after load.
func (v *Vault) checkHead() error {
	h, found, damaged, err := v.openHeadFile(v.readOnly)
	if err != nil {
		return err
	}
	if h == nil {
		return nil // read-only and no file yet
	}
	v.sealedHead = h
	if damaged {
		v.notes = append(v.notes, "the chain head file (chain.head) is damaged, so this open cannot tell whether records were lost before it; run 'courtwatch verify' to check the records that are there")
	}
	st := h.st
	if found && st.Seq > v.head.Seq || (found && st.Seq == v.head.Seq && st.Hash != v.head.Hash && st.Seq > 0) {
		from := v.head.Seq + 1
		if st.Seq == v.head.Seq {
			from = st.Seq
		}
		lr := LostRange{From: from, To: st.Seq, Until: st.Written}
		if v.head.Seq > 0 {
			lr.After = v.chainTime(v.head.Seq)
		}
		if !containsLost(st.Lost, lr) {
			st.Lost = append(st.Lost, lr)
			if len(st.Lost) > maxLost {
				st.Lost = st.Lost[len(st.Lost)-maxLost:]
			}
		}
	}
	for _, l := range st.Lost {
		v.notes = append(v.notes, l.String())
	}
	if v.readOnly {
		return nil
	}
	st.Seq, st.Hash, st.Written = v.head.Seq, v.head.Hash, time.Now().UTC()
	if !found || st.Seq != h.st.Seq || st.Hash != h.st.Hash || len(st.Lost) != len(h.st.Lost) {
		if err := h.write(v, st, true); err != nil {
			return fmt.Errorf("write the chain head file: %w", err)
		}
	}
	return nil
}

func containsLost(ls []LostRange, l LostRange) bool {
	for _, x := range ls {
		if x.From == l.From && x.To == l.To {
			return true
		}
	}
	return false
}

// chainTime returns when this device wrote version seq (zero if unknown).
func (v *Vault) chainTime(seq uint64) time.Time {
	var t time.Time
	dev := v.deviceID()
	_ = v.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(chainKey(dev, seq))
		if err != nil {
			return err
		}
		val, err := item.ValueCopy(nil)
		if err == nil && len(val) >= 24 {
			t = HLCTime(u64be(val[16:24]))
		}
		return err
	})
	return t
}

// noteCommit records a committed chain head in the sealed head file. The
// commit is already durable; a failure here only means the next Open
// cannot check the newest records, so it is not the save's error.
func (v *Vault) noteCommit(head chainHead) {
	h := v.sealedHead
	if h == nil || (head.Seq == h.st.Seq && head.Hash == h.st.Hash) {
		return
	}
	st := h.st
	st.Seq, st.Hash, st.Written = head.Seq, head.Hash, time.Now().UTC()
	_ = h.write(v, st, false)
}

// Lost returns the runs of this device's versions that the vault once held
// and no longer has, as the sealed chain head recorded them.
func (v *Vault) Lost() []LostRange {
	v.wmu.Lock()
	defer v.wmu.Unlock()
	if v.sealedHead == nil {
		return nil
	}
	return append([]LostRange(nil), v.sealedHead.st.Lost...)
}

// Notices returns what Open found and did that the user should know:
// records lost to damaged storage, an import finished or rolled back, a
// vault opened read-only on a full disk.
func (v *Vault) Notices() []string { return append([]string(nil), v.notes...) }
