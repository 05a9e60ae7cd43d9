//go:build ci

package receiver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"courtwatch/sync/hq/s3gw"
)

// A store set up wrong fails at the start, saying what to check, never
// printing the secret: a web server that is not S3 (it answers 200 to
// all: a HEAD of the bucket passed it), https to a plain http server or
// one with an untrusted certificate, the wrong region, an unknown key.
func TestS3OpenErrors(t *testing.T) {
	f := newS3Fixture(t)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>welcome</html>")) }))
	defer web.Close()
	tlsWeb := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsWeb.Close()
	const secret = "s3cr3t-not-to-print"
	for _, c := range []struct{ name, k, v, want string }{
		{"not S3", "AWS_ENDPOINT_URL", web.URL, "does not answer as an S3 server does; check AWS_ENDPOINT_URL"},
		{"https to http", "AWS_ENDPOINT_URL", strings.Replace(f.GW.URL, "http:", "https:", 1), "speaks plain http, not https"},
		{"untrusted certificate", "AWS_ENDPOINT_URL", tlsWeb.URL, "is not trusted"},
		{"wrong region", "AWS_REGION", "eu-west-1", "set AWS_REGION to the bucket's region"},
		{"unknown key", "AWS_ACCESS_KEY_ID", "nobody", "refused the access key"},
		{"wrong secret", "AWS_SECRET_ACCESS_KEY", secret, "refused the access key"},
	} {
		env := s3gw.Env(f.GW.URL)
		env["AWS_SECRET_ACCESS_KEY"] = secret
		if c.k != "AWS_SECRET_ACCESS_KEY" {
			env["AWS_SECRET_ACCESS_KEY"] = s3gw.SecretKey
			env[c.k] = c.v
		}
		_, err := OpenS3(f.URL, func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %v; want an error with %q, without the secret", c.name, err, c.want)
		}
	}
}
