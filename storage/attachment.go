package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/dgraph-io/badger/v4"
)

// Attachments are stored as sealed 1 MiB chunks under b/<sha256><n>, so a
// photo never exists on disk as a plaintext file, and identical files are
// stored once.
const (
	chunkSize         = 1 << 20
	MaxAttachmentSize = 64 << 20
)

func blobKey(sum []byte, n uint32) []byte {
	return cat(prefixBlob, sum, binary.BigEndian.AppendUint32(nil, n))
}

// AddAttachment stores content and the attachment record a in one durable
// batch. It fills in a.Size and a.SHA256.
func (v *Vault) AddAttachment(a *Attachment, content io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(content, MaxAttachmentSize+1))
	if err != nil {
		return fmt.Errorf("read attachment: %w", err)
	}
	if len(data) > MaxAttachmentSize {
		return fmt.Errorf("attachment %q is larger than %d MiB; attach a smaller or scaled-down copy", a.Name, MaxAttachmentSize>>20)
	}
	return v.Update(func(tx *Tx) error {
		sha, err := tx.PutBlob(data)
		if err != nil {
			return err
		}
		a.Size, a.SHA256 = int64(len(data)), sha
		return tx.Put(a)
	})
}

// PutBlob stores content as an attachment's bytes, in this transaction,
// and returns its sha256 in hex. Storing bytes already present is a no-op.
// HQ import uses it for the attachments that bundles carry.
func (tx *Tx) PutBlob(data []byte) (string, error) {
	if !tx.write {
		return "", errors.New("put blob: read-only transaction")
	}
	if len(data) > MaxAttachmentSize {
		return "", fmt.Errorf("attachment is larger than %d MiB; attach a smaller or scaled-down copy", MaxAttachmentSize>>20)
	}
	sum := sha256.Sum256(data)
	if _, err := tx.txn.Get(blobKey(sum[:], 0)); err == nil {
		return hex.EncodeToString(sum[:]), nil
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return "", classify(err)
	}
	for n := 0; n*chunkSize < len(data) || n == 0; n++ {
		end := min((n+1)*chunkSize, len(data))
		if err := tx.setSealed(blobKey(sum[:], uint32(n)), data[n*chunkSize:end]); err != nil {
			return "", err
		}
	}
	tx.dirty = true
	return hex.EncodeToString(sum[:]), nil
}

// AttachmentContent returns the bytes of the attachment with this sha256
// (hex). It checks them against the hash: altered bytes give ErrTampered.
func (v *Vault) AttachmentContent(sha string) ([]byte, error) {
	sum, err := hex.DecodeString(sha)
	if err != nil || len(sum) != sha256.Size {
		return nil, fmt.Errorf("attachment hash %q is not a sha256 in hex", sha)
	}
	var buf bytes.Buffer
	err = v.View(func(tx *Tx) error {
		for n := uint32(0); ; n++ {
			b, err := tx.getSealed(blobKey(sum, n))
			if errors.Is(err, ErrNotFound) {
				if n == 0 {
					return fmt.Errorf("attachment %s: %w", sha, ErrNotFound)
				}
				return nil
			}
			if err != nil {
				return err
			}
			buf.Write(b)
		}
	})
	if err != nil {
		return nil, err
	}
	if got := sha256.Sum256(buf.Bytes()); !bytes.Equal(got[:], sum) {
		return nil, fmt.Errorf("attachment %s: content does not match its hash: %w", sha, ErrTampered)
	}
	return buf.Bytes(), nil
}
