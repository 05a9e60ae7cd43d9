package bundle

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"courtwatch/sync/bundle/verify"

	"aead.dev/minisign"
	"filippo.io/age"
)

var update = flag.Bool("update", false, "regenerate the test vectors in testdata/vectors")

const vectorDir = "testdata/vectors"

// vector is <name>.json in testdata/vectors; README.txt there explains it.
type vector struct {
	Expect   string   `json:"expect"` // "accept" or the name of an Err value
	Op       string   `json:"op"`     // "verify", "open" or "sequence"
	Checks   string   `json:"checks"`
	Bundle   string   `json:"bundle"`
	Sig      string   `json:"sig"`
	Key      string   `json:"key"`
	Identity string   `json:"identity"`
	History  []string `json:"history,omitempty"`
	Missing  []uint64 `json:"missing,omitempty"`
}

var sentinels = map[string]error{
	"ErrBadSignature": ErrBadSignature, "ErrWrongSigner": ErrWrongSigner, "ErrTampered": ErrTampered,
	"ErrNotForUs": ErrNotForUs, "ErrTruncated": ErrTruncated, "ErrMalformed": ErrMalformed,
	"ErrTooLarge": ErrTooLarge, "ErrReplay": ErrReplay, "ErrFork": ErrFork, "ErrGap": ErrGap,
}

// checkOutcome fails unless err is exactly the expected outcome: nil for
// "accept", else that Err value and no other.
func checkOutcome(t *testing.T, what string, err error, expect string) {
	t.Helper()
	if expect == "accept" {
		if err != nil {
			t.Errorf("%s: %v, want accept", what, err)
		}
		return
	}
	var got []string
	for name, s := range sentinels {
		if errors.Is(err, s) {
			got = append(got, name)
		}
	}
	if len(got) != 1 || got[0] != expect {
		t.Errorf("%s: %v (matches %v), want %s", what, err, got, expect)
	}
}

func TestVectors(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	if len(files) < 10 {
		t.Fatalf("found %d vectors in %s; run go test -run TestGenerateVectors -update", len(files), vectorDir)
	}
	read := func(t *testing.T, name string) []byte {
		b, err := os.ReadFile(filepath.Join(vectorDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			var v vector
			if err := json.Unmarshal(read(t, name+".json"), &v); err != nil {
				t.Fatal(err)
			}
			pub, err := minisign.PublicKeyFromFile(filepath.Join(vectorDir, v.Key))
			if err != nil {
				t.Fatal(err)
			}
			ids, err := age.ParseIdentities(bytes.NewReader(read(t, v.Identity)))
			if err != nil {
				t.Fatal(err)
			}
			data, sig := read(t, v.Bundle), read(t, v.Sig)
			_, verr := verify.Verify(data, sig, pub)
			c, oerr := Open(data, sig, pub, ids...)
			if (oerr == nil) != (c != nil) {
				t.Fatalf("Open returned contents %v with error %v", c != nil, oerr)
			}
			switch v.Op {
			case "verify":
				checkOutcome(t, "Verify", verr, v.Expect)
				checkOutcome(t, "Verifier", verifyStream(data, sig, pub), v.Expect)
				checkOutcome(t, "Open", oerr, v.Expect)
			case "open":
				checkOutcome(t, "Verify", verr, "accept")
				checkOutcome(t, "Verifier", verifyStream(data, sig, pub), "accept")
				checkOutcome(t, "Open", oerr, v.Expect)
			case "sequence":
				seq := Sequence{Device: devA}
				var last [][]byte
				for _, h := range v.History {
					hc, err := Open(read(t, h), read(t, h+".minisig"), pub, ids...)
					if err != nil {
						t.Fatalf("history %s: %v", h, err)
					}
					if err := seq.Check(hc.Manifest, hc.Trusted.Hash); err != nil {
						t.Fatalf("history %s: %v", h, err)
					}
					seq.Accept(hc.Manifest, hc.Trusted.Hash)
					last = hc.Records
				}
				if oerr != nil {
					t.Fatalf("Open: %v", oerr)
				}
				err := seq.Check(c.Manifest, c.Trusted.Hash)
				checkOutcome(t, "Sequence.Check", err, v.Expect)
				var gap *GapError
				if v.Missing != nil && (!errors.As(err, &gap) || !slices.Equal(gap.Missing, v.Missing)) {
					t.Errorf("missing: %v, want %v", err, v.Missing)
				}
				if err == nil && c.Chain != lastHash(last) {
					t.Errorf("the first record does not link to the last record of the bundle before")
				}
			default:
				t.Fatalf("unknown op %q", v.Op)
			}
		})
	}
}

// verifyStream is Verify through a Verifier, fed in small pieces.
func verifyStream(data, sig []byte, pub minisign.PublicKey) error {
	v, err := verify.NewVerifier(sig, pub)
	if err != nil {
		return err
	}
	if _, err := io.CopyBuffer(v, struct{ io.Reader }{bytes.NewReader(data)}, make([]byte, 100)); err != nil {
		return err
	}
	_, err = v.Verify()
	return err
}

// TestGenerateVectors rewrites testdata/vectors with -update. The keys in
// testdata/vectors/keys are kept if present.
func TestGenerateVectors(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate the test vectors")
	}
	keys := loadOrMakeKeys(t)
	a, b := newTestDevice(t, keys.A.ID, keys.A.seed()), newTestDevice(t, keys.B.ID, keys.B.seed())
	hq, other := keys.identity(t, keys.HQ), keys.identity(t, keys.Other)
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(vectorDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seal := func(name string, in Input) []byte {
		data, sig := mustSeal(t, in, a.signer, hq.Recipient())
		write(name, data)
		write(name+".minisig", sig)
		return data
	}

	photo := []byte("photo of the court notice board")
	r1 := chainRecords(a.id, 1, "", 5, 60)
	r2 := chainRecords(a.id, 6, lastHash(r1), 3, 60)
	in1 := testInput(a.id, 1, "", r1, photo)
	a1 := seal("a1.cwb", in1)
	a2 := seal("a2.cwb", testInput(a.id, 2, Hash(a1), r2))
	seal("a2-fork.cwb", testInput(a.id, 2, Hash(a1), chainRecords(a.id, 6, lastHash(r1), 2, 90)))
	seal("a2-badprev.cwb", testInput(a.id, 2, Hash([]byte("another bundle")), r2))
	seal("a3.cwb", testInput(a.id, 3, Hash(a2), chainRecords(a.id, 9, lastHash(r2), 2, 60)))
	sig1, _ := os.ReadFile(filepath.Join(vectorDir, "a1.cwb.minisig"))

	// Damaged copies of a1.
	flipped := bytes.Clone(a1)
	flipped[len(flipped)/2] ^= 0x10
	write("tampered-ciphertext.cwb", flipped)
	write("truncated.cwb", a1[:len(a1)/2])
	var s minisign.Signature
	s.UnmarshalText(sig1)
	s.Signature[5] ^= 0x01
	bad, _ := s.MarshalText()
	write("tampered-signature.minisig", bad)
	s.UnmarshalText(sig1)
	s.TrustedComment = strings.Replace(s.TrustedComment, "seq=1", "seq=9", 1)
	bad, _ = s.MarshalText()
	write("tampered-comment.minisig", bad)
	write("a1.cwb.by-b.minisig", b.signer.sign(a1, 1))

	// Bundles that the device key signs but that break the format.
	raw := func(name string, payload []byte, recipient age.Recipient) {
		data, sig := sealRaw(t, payload, 1, a.signer, recipient)
		write(name, data)
		write(name+".minisig", sig)
	}
	if data, sig, err := Seal(in1, []age.Recipient{other.Recipient()}, a.signer); err != nil {
		t.Fatal(err)
	} else {
		write("wrong-recipient.cwb", data)
		write("wrong-recipient.cwb.minisig", sig)
	}
	good := compressEntries(t, entriesOf(t, in1, a.signer, nil))
	raw("truncated-signed.cwb", good[:len(good)*2/3], hq.Recipient())

	broken := slices.Clone(r1)
	broken[2] = chainRecords(a.id, 3, Hash([]byte("not record 2")), 1, 60)[0]
	var jsonl []byte
	for _, r := range broken {
		jsonl = append(append(jsonl, r...), '\n')
	}
	es := entriesOf(t, in1, a.signer, func(m map[string]any) { m["entries"].(map[string]any)[recordsName] = Hash(jsonl) })
	es[1] = fileEntry(recordsName, jsonl)
	raw("bad-chain.cwb", compressEntries(t, es), hq.Recipient())

	es = append(entriesOf(t, in1, a.signer, nil), fileEntry(attachmentsPath+Hash([]byte("x")), []byte("x")))
	raw("extra-entry.cwb", compressEntries(t, es), hq.Recipient())
	es = entriesOf(t, in1, a.signer, func(m map[string]any) { m["note"] = "hello" })
	raw("malformed-manifest.cwb", compressEntries(t, es), hq.Recipient())
	es = entriesOf(t, in1, a.signer, nil)
	es[0] = fileEntry(manifestName, bytes.Repeat([]byte(" "), 2<<20))
	raw("manifest-too-large.cwb", compressEntries(t, es), hq.Recipient())

	for name, v := range map[string]vector{
		"good":                {"accept", "open", "a well-formed bundle from device A opens with A's key and the HQ identity", "a1.cwb", "", "", "", nil, nil},
		"tampered-ciphertext": {"ErrTampered", "verify", "one bit of the .cwb flipped after signing: its hash differs from the signed one", "tampered-ciphertext.cwb", "a1.cwb.minisig", "", "", nil, nil},
		"tampered-signature":  {"ErrBadSignature", "verify", "one bit of the signature flipped", "a1.cwb", "tampered-signature.minisig", "", "", nil, nil},
		"tampered-comment":    {"ErrBadSignature", "verify", "the trusted comment edited (seq=1 to seq=9)", "a1.cwb", "tampered-comment.minisig", "", "", nil, nil},
		"wrong-signer":        {"ErrWrongSigner", "verify", "signed by device B, verified with device A's key", "a1.cwb", "a1.cwb.by-b.minisig", "", "", nil, nil},
		"resigned":            {"ErrWrongSigner", "open", "A's bundle (manifest names A) re-signed by enrolled device B and checked with B's key: the signature verifies, Open rejects it", "a1.cwb", "a1.cwb.by-b.minisig", "keys/devB.pub", "", nil, nil},
		"wrong-recipient":     {"ErrNotForUs", "open", "sealed to another age recipient than HQ", "wrong-recipient.cwb", "", "", "", nil, nil},
		"truncated":           {"ErrTampered", "verify", "the .cwb cut to half its size after signing (a cut-off copy): the hash differs from the signed one; the trusted comment has no size, so this is reported as tampered", "truncated.cwb", "a1.cwb.minisig", "", "", nil, nil},
		"truncated-signed":    {"ErrTruncated", "open", "the zstd stream cut to 2/3, then encrypted and signed by A: the signature verifies, the content ends early", "truncated-signed.cwb", "", "", "", nil, nil},
		"bad-chain":           {"ErrTampered", "open", "record 3 does not name the hash of record 2 (manifest hashes consistent, signed by A)", "bad-chain.cwb", "", "", "", nil, nil},
		"extra-entry":         {"ErrTampered", "open", "an attachment in the tar stream that the manifest does not list", "extra-entry.cwb", "", "", "", nil, nil},
		"malformed-manifest":  {"ErrMalformed", "open", "manifest.json has an unknown field", "malformed-manifest.cwb", "", "", "", nil, nil},
		"manifest-too-large":  {"ErrTooLarge", "open", "manifest.json claims 2 MiB, over the 1 MiB limit", "manifest-too-large.cwb", "", "", "", nil, nil},
		"next":                {"accept", "sequence", "after bundle 1, bundle 2 names it as prev and continues its record chain", "a2.cwb", "", "", "", []string{"a1.cwb"}, nil},
		"replayed":            {"ErrReplay", "sequence", "bundle 1 again after bundles 1 and 2", "a1.cwb", "", "", "", []string{"a1.cwb", "a2.cwb"}, nil},
		"gap":                 {"ErrGap", "sequence", "bundle 3 after bundle 1: bundle 2 is missing", "a3.cwb", "", "", "", []string{"a1.cwb"}, []uint64{2}},
		"fork":                {"ErrFork", "sequence", "a second, different bundle 2 after bundles 1 and 2", "a2-fork.cwb", "", "", "", []string{"a1.cwb", "a2.cwb"}, nil},
		"fork-prev":           {"ErrFork", "sequence", "bundle 2 whose prev is not bundle 1's hash", "a2-badprev.cwb", "", "", "", []string{"a1.cwb"}, nil},
	} {
		if v.Sig == "" {
			v.Sig = v.Bundle + ".minisig"
		}
		if v.Key == "" {
			v.Key = "keys/devA.pub"
		}
		v.Identity = "keys/hq.key"
		j, _ := json.MarshalIndent(v, "", "  ")
		write(name+".json", append(j, '\n'))
	}
}

// vectorKeys is testdata/vectors/keys/keys.json.
type vectorKeys struct {
	A, B      vectorDevice
	HQ, Other string // age identities
}

type vectorDevice struct {
	ID   string `json:"device"`
	Seed string `json:"ed25519_seed"`
}

func (d vectorDevice) seed() []byte { b, _ := hex.DecodeString(d.Seed); return b }

func (k vectorKeys) identity(t *testing.T, s string) *age.X25519Identity {
	id, err := age.ParseX25519Identity(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func loadOrMakeKeys(t *testing.T) vectorKeys {
	dir := filepath.Join(vectorDir, "keys")
	var k vectorKeys
	if b, err := os.ReadFile(filepath.Join(dir, "keys.json")); err == nil {
		if err := json.Unmarshal(b, &k); err != nil {
			t.Fatal(err)
		}
	} else {
		k = vectorKeys{
			A:  vectorDevice{devA, hex.EncodeToString(randomBytes(32))},
			B:  vectorDevice{devB, hex.EncodeToString(randomBytes(32))},
			HQ: newIdentity(t).String(), Other: newIdentity(t).String(),
		}
	}
	os.MkdirAll(dir, 0o755)
	files := map[string][]byte{}
	files["keys.json"], _ = json.MarshalIndent(k, "", "  ")
	for name, s := range map[string]string{"hq.key": k.HQ, "other.key": k.Other} {
		id := k.identity(t, s)
		files[name] = []byte("# TEST KEY, published in the Courtwatch repository; never use it for real data.\n# public key: " + id.Recipient().String() + "\n" + s + "\n")
	}
	files["devA.pub"] = PublicKeyFile(newTestDevice(t, k.A.ID, k.A.seed()).signer.Public())
	files["devB.pub"] = PublicKeyFile(newTestDevice(t, k.B.ID, k.B.seed()).signer.Public())
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return k
}
