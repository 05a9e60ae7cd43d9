package receiver

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"courtwatch/sync/hq/s3gw"

	"github.com/minio/minio-go/v7"
)

func TestOpenS3Errors(t *testing.T) {
	env := s3gw.Env("http://127.0.0.1:1")
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct{ url, want string }{
		{"s3:///x", "is not s3://BUCKET"},
		{"s3://B/x", "not a valid bucket name"},
		{"s3://bucket/../x", "may not have empty or hidden"},
		{"s3://bucket/a//b", "may not have empty or hidden"},
		{"s3://bucket/a/%0a", "control characters"},
		{"s3://bucket/x", "cannot reach 127.0.0.1:1"},
	} {
		_, err := OpenS3(tc.url, getenv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("OpenS3(%q) = %v, want %q", tc.url, err, tc.want)
		}
	}
	if _, err := OpenS3("s3://bucket/x", func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set") {
		t.Errorf("no credentials: %v", err)
	}
	env["AWS_ENDPOINT_URL"] = "ftp://x"
	if _, err := OpenS3("s3://bucket/x", getenv); err == nil || !strings.Contains(err.Error(), "AWS_ENDPOINT_URL") {
		t.Errorf("bad endpoint: %v", err)
	}
}

// FuzzParseS3URL: whatever the store flag says, a bucket store's keys stay
// under its prefix: no empty, hidden or dot parts, no control characters.
func FuzzParseS3URL(f *testing.F) {
	for _, s := range []string{"s3://bucket", "s3://bucket/a/b/", "s3://bucket/../x", "s3://b/x", "s3://bucket/a//b", "http://bucket/x", "s3://bucket/a%2f..", "s3://user@bucket/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		bucket, prefix, err := parseS3URL(raw)
		if err != nil {
			return
		}
		if bucket == "" || strings.Contains(bucket, "/") {
			t.Fatalf("%q: bucket %q", raw, bucket)
		}
		if prefix == "" {
			return
		}
		if !strings.HasSuffix(prefix, "/") {
			t.Fatalf("%q: prefix %q does not end in /", raw, prefix)
		}
		for _, seg := range strings.Split(strings.TrimSuffix(prefix, "/"), "/") {
			if seg == "" || strings.HasPrefix(seg, ".") || strings.ContainsAny(seg, "\x00\n\r") {
				t.Fatalf("%q: prefix %q has part %q", raw, prefix, seg)
			}
		}
	})
}

// explain marks what a later attempt may not meet as unavailable (503 and
// Retry-After for the device): 5xx, 429, and Amazon S3's 409 to a
// conditional write that raced another; not other refusals.
func TestS3Explain(t *testing.T) {
	s := &S3Store{endpoint: "s3.example.org", bucket: "b", Timeout: time.Second}
	for _, tc := range []struct {
		status int
		code   string
		want   bool
	}{
		{http.StatusServiceUnavailable, "SlowDown", true},
		{http.StatusTooManyRequests, "TooManyRequests", true},
		{http.StatusConflict, "ConditionalRequestConflict", true},
		{http.StatusConflict, "BucketNotEmpty", false},
		{http.StatusForbidden, "AccessDenied", false},
	} {
		err := s.explain(minio.ErrorResponse{StatusCode: tc.status, Code: tc.code})
		if got := errors.Is(err, errStoreUnavailable); got != tc.want {
			t.Errorf("%d %s: %v, unavailable %v, want %v", tc.status, tc.code, err, got, tc.want)
		}
	}
}
