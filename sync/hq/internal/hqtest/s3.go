//go:build ci

package hqtest

import (
	"os"
	"path/filepath"
	"testing"

	"courtwatch/sync/hq"
	"courtwatch/sync/hq/s3gw"
)

// S3 is an HQ folder and a bucket on a real versitygw (see s3gw.Start).
type S3 struct {
	Dir    string
	GW     *s3gw.Gateway
	Bucket string
	URL    string // s3://bucket/store
	Getenv func(string) string
}

// NewS3 makes an HQ folder and starts a gateway with a bucket for it.
func NewS3(t testing.TB) *S3 {
	t.Helper()
	f := &S3{Dir: NewHQ(t), GW: s3gw.Start(t)}
	f.Bucket = f.GW.Bucket(t, "courtwatch-hq")
	f.URL = "s3://" + f.Bucket + "/store"
	f.Getenv = s3gw.Getenv(f.GW.URL)
	return f
}

// Through is the environment that reaches the bucket through endpoint, or
// directly if endpoint is "".
func (f *S3) Through(endpoint string) func(string) string {
	if endpoint == "" {
		return f.Getenv
	}
	return s3gw.Getenv(endpoint)
}

// Object reads an object of the store from the gateway's disk.
func (f *S3) Object(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.GW.Root, f.Bucket, "store", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Enroll enrolls the device file at HQ and publishes it to the bucket
// through store (the receiver's S3Store).
func (f *S3) Enroll(t testing.TB, store interface{ PublishDevice(hq.Device) error }, file []byte) {
	t.Helper()
	d, _, err := hq.Enroll(f.Dir, file)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PublishDevice(d); err != nil {
		t.Fatal(err)
	}
}
