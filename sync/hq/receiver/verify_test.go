package receiver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"courtwatch/sync/bundle"
	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
)

const vectorDir = "../../bundle/testdata/vectors"

// streamVerify runs a verify.Verifier the way the receiver does: the body
// streams through it.
func streamVerify(data, sig []byte, pub minisign.PublicKey) (verify.Trusted, error) {
	v, err := verify.NewVerifier(sig, pub)
	if err != nil {
		return verify.Trusted{}, err
	}
	if _, err := io.Copy(io.Discard, io.TeeReader(bytes.NewReader(data), v)); err != nil {
		return verify.Trusted{}, err
	}
	return v.Verify()
}

var verifyErrs = []error{bundle.ErrBadSignature, bundle.ErrWrongSigner, bundle.ErrTampered, bundle.ErrMalformed, bundle.ErrTooLarge}

// sameOutcome fails unless both calls accepted with the same Trusted, or
// both failed with the same Err value.
func sameOutcome(t *testing.T, what string, wantT verify.Trusted, wantErr error, gotT verify.Trusted, gotErr error) {
	t.Helper()
	if (wantErr == nil) != (gotErr == nil) || wantT != gotT {
		t.Fatalf("%s: stream verify gave %+v, %v; verify.Verify gave %+v, %v", what, gotT, gotErr, wantT, wantErr)
	}
	for _, e := range verifyErrs {
		if errors.Is(wantErr, e) != errors.Is(gotErr, e) {
			t.Fatalf("%s: stream verify gave %v; verify.Verify gave %v", what, gotErr, wantErr)
		}
	}
	if wantErr != nil && wantErr.Error() != gotErr.Error() {
		t.Errorf("%s: message %q, verify.Verify's %q", what, gotErr, wantErr)
	}
}

// TestStreamVerifierVectors: over every bundle test vector, the receiver's
// streaming check gives what verify.Verify gives.
func TestStreamVerifierVectors(t *testing.T) {
	names, _ := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	if len(names) == 0 {
		t.Fatal("no test vectors in " + vectorDir)
	}
	n := 0
	for _, name := range names {
		var vec struct{ Bundle, Sig, Key string }
		b, _ := os.ReadFile(name)
		if err := json.Unmarshal(b, &vec); err != nil || vec.Bundle == "" || vec.Sig == "" || vec.Key == "" {
			continue // a sequence vector's index
		}
		data, err1 := os.ReadFile(filepath.Join(vectorDir, vec.Bundle))
		sig, err2 := os.ReadFile(filepath.Join(vectorDir, vec.Sig))
		pub, err3 := minisign.PublicKeyFromFile(filepath.Join(vectorDir, vec.Key))
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		wantT, wantErr := verify.Verify(data, sig, pub)
		gotT, gotErr := streamVerify(data, sig, pub)
		sameOutcome(t, filepath.Base(name), wantT, wantErr, gotT, gotErr)
		n++
	}
	if n < 10 {
		t.Errorf("only %d vectors checked", n)
	}
}

// FuzzStreamVerifier: for any bundle and signature text, the streaming
// check agrees with verify.Verify.
func FuzzStreamVerifier(f *testing.F) {
	data, _ := os.ReadFile(filepath.Join(vectorDir, "a1.cwb"))
	sig, _ := os.ReadFile(filepath.Join(vectorDir, "a1.cwb.minisig"))
	pub, err := minisign.PublicKeyFromFile(filepath.Join(vectorDir, "keys/devA.pub"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, sig)
	f.Add(data[:100], sig)
	f.Add(data, []byte(strings.Replace(string(sig), "seq=1", "seq=01", 1)))
	f.Add([]byte{}, []byte("untrusted comment: x\n"))
	f.Fuzz(func(t *testing.T, data, sig []byte) {
		wantT, wantErr := verify.Verify(data, sig, pub)
		gotT, gotErr := streamVerify(data, sig, pub)
		sameOutcome(t, "fuzz", wantT, wantErr, gotT, gotErr)
	})
}
