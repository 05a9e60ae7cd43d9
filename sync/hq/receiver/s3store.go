package receiver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"courtwatch/sync/hq"

	"aead.dev/minisign"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// DefaultStoreTimeout bounds each request to an S3 store: a bucket slower
// than this is unavailable, and the receiver answers 503.
const DefaultStoreTimeout = 30 * time.Second

// maxSmallObject bounds what is read of a receipt or registry entry.
const maxSmallObject = 64 << 10

// S3Store is a store in an S3-compatible bucket, which several receivers
// may share (see "Store in a bucket" in the package doc). Make one with
// OpenS3.
type S3Store struct {
	// Timeout bounds each request to the bucket; OpenS3 sets
	// DefaultStoreTimeout.
	Timeout time.Duration

	client   *minio.Client
	url      string // s3://bucket/prefix, for messages
	endpoint string
	bucket   string
	prefix   string // "" or ending in "/"
	locks    keyLocks
	// receiptPub checks the receipts that a resend is answered with; a
	// receiver's store has it (openStore).
	receiptPub *minisign.PublicKey
}

// IsS3URL reports whether store names a bucket (s3://BUCKET/PREFIX)
// rather than a folder.
func IsS3URL(store string) bool { return strings.HasPrefix(store, "s3://") }

// OpenS3 opens the store s3://BUCKET/PREFIX. getenv (nil: os.Getenv)
// gives the standard variables: AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY (required), AWS_SESSION_TOKEN, AWS_REGION, and
// AWS_ENDPOINT_URL for a server other than Amazon S3 (e.g.
// http://127.0.0.1:7070; its buckets are addressed by path). It checks
// that the bucket exists.
func OpenS3(rawURL string, getenv func(string) string) (*S3Store, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	bucket, prefix, err := parseS3URL(rawURL)
	if err != nil {
		return nil, err
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return nil, fmt.Errorf("store %s: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; set them to an access key of the bucket", rawURL)
	}
	endpoint, secure, lookup := "s3.amazonaws.com", true, minio.BucketLookupAuto
	if region := getenv("AWS_REGION"); region != "" {
		endpoint = "s3." + region + ".amazonaws.com"
	}
	if e := getenv("AWS_ENDPOINT_URL"); e != "" {
		eu, err := url.Parse(e)
		if err != nil || (eu.Scheme != "http" && eu.Scheme != "https") || eu.Host == "" || strings.Trim(eu.Path, "/") != "" {
			return nil, fmt.Errorf("AWS_ENDPOINT_URL %q is not http(s)://HOST[:PORT]; set it to the S3 server's address, or unset it for Amazon S3", e)
		}
		endpoint, secure, lookup = eu.Host, eu.Scheme == "https", minio.BucketLookupPath
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(id, secret, getenv("AWS_SESSION_TOKEN")),
		Secure:       secure,
		Region:       getenv("AWS_REGION"),
		BucketLookup: lookup,
		Transport:    s3Transport(secure),
		MaxRetries:   3,
		// Lets put send x-amz-checksum-sha256, which the server checks
		// and keeps (see stored).
		TrailingHeaders: true,
	})
	if err != nil {
		return nil, fmt.Errorf("store %s: the endpoint %s is not usable; check AWS_ENDPOINT_URL and AWS_REGION", rawURL, endpoint)
	}
	s := &S3Store{Timeout: DefaultStoreTimeout, client: client, url: "s3://" + bucket + "/" + prefix,
		endpoint: endpoint, bucket: bucket, prefix: prefix}
	if err := s.check(); err != nil {
		return nil, fmt.Errorf("store %s: %w", s.url, err)
	}
	return s, nil
}

// check lists one key of the store: the bucket exists, the key may list
// it, and the server answers as S3 does (a HEAD of the bucket, whose
// answer has no body, passed a web server that answers 200 to all, and
// named no cause for a refusal).
func (s *S3Store) check() error {
	// Core's listing has the transport's timeouts, and names the bucket
	// it lists, which a server that is not S3 does not.
	res, err := minio.Core{Client: s.client}.ListObjectsV2(s.bucket, s.prefix, "", "", "", 1)
	var er minio.ErrorResponse
	var syntax *xml.SyntaxError
	switch {
	case err == nil && res.Name == s.bucket:
		return nil
	case err == nil || errors.As(err, &syntax) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the server at %s does not answer as an S3 server does; check AWS_ENDPOINT_URL", s.endpoint)
	case errors.As(err, &er) && er.Code == minio.NoSuchBucket:
		return fmt.Errorf("bucket %s does not exist at %s; create it, or check the name and AWS_ENDPOINT_URL", s.bucket, s.endpoint)
	}
	return s.explain(err)
}

// parseS3URL reads s3://BUCKET[/PREFIX]: prefix is "" or ends in "/",
// and has no empty, hidden, . or .. parts.
func parseS3URL(rawURL string) (bucket, prefix string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || u.Opaque != "" {
		return "", "", fmt.Errorf("store %q is not s3://BUCKET or s3://BUCKET/PREFIX", rawURL)
	}
	if s3utils.CheckValidBucketNameStrict(u.Host) != nil {
		return "", "", fmt.Errorf("store %q: %q is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens)", rawURL, u.Host)
	}
	prefix = strings.Trim(u.Path, "/")
	for _, seg := range strings.Split(prefix, "/") {
		if prefix != "" && (seg == "" || strings.HasPrefix(seg, ".") || !utf8.ValidString(seg) || strings.ContainsFunc(seg, unicode.IsControl)) {
			return "", "", fmt.Errorf("store %q: the prefix may not have empty or hidden (., ..) parts or control characters", rawURL)
		}
	}
	if prefix != "" {
		prefix += "/"
	}
	return u.Host, prefix, nil
}

// s3Transport is an HTTP transport with bounded dials and handshakes.
func s3Transport(secure bool) http.RoundTripper {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.ResponseHeaderTimeout = DefaultStoreTimeout
	tr.MaxIdleConnsPerHost = 64
	tr.DisableCompression = true
	if !secure {
		tr.TLSClientConfig = nil
	}
	return tr
}

// String is the store's URL.
func (s *S3Store) String() string { return s.url }

func (s *S3Store) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), s.Timeout)
}

// key is the object key of name inside the store.
func (s *S3Store) key(name string) string { return s.prefix + name }

func (s *S3Store) base(device string, seq uint64) string {
	return s.key(fmt.Sprintf("%s/%012d", device, seq))
}

// get reads object key, at most limit bytes; ok is false if there is none.
func (s *S3Store) get(key string, limit int64) (b []byte, ok bool, err error) {
	ctx, cancel := s.ctx()
	defer cancel()
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err == nil {
		defer obj.Close()
		b, err = io.ReadAll(io.LimitReader(obj, limit+1))
	}
	switch {
	case isNotFound(err):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read %s: %w", key, s.explain(err))
	case int64(len(b)) > limit:
		return nil, false, fmt.Errorf("object %s in %s has more than %d bytes; it is not Courtwatch's", key, s.url, limit)
	}
	return b, true, nil
}

// put writes object key from r (size bytes, whose SHA-256 in hex is sum),
// with the user metadata meta (x-amz-meta-*; nil: none), in one request.
// The server checks sum and keeps it, so stored can read a bundle's hash
// without reading the bundle. With create, it writes only if there is no
// such object (If-None-Match: *), and created is false if there was one.
func (s *S3Store) put(key string, r io.Reader, size int64, create bool, meta map[string]string, sum string) (created bool, err error) {
	ctx, cancel := s.ctx()
	defer cancel()
	headers := map[string]string{}
	for k, v := range meta {
		headers[k] = v
	}
	if b, err := hex.DecodeString(sum); err == nil && len(b) == sha256.Size {
		headers["x-amz-checksum-sha256"] = base64.StdEncoding.EncodeToString(b)
	}
	opt := minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: true, SendContentMd5: true, UserMetadata: headers}
	if create {
		opt.SetMatchETagExcept("*")
	}
	_, err = s.client.PutObject(ctx, s.bucket, key, r, size, opt)
	var er minio.ErrorResponse
	switch {
	case create && errors.As(err, &er) && (er.StatusCode == http.StatusPreconditionFailed || er.Code == minio.PreconditionFailed):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("write %s: %w", key, s.explain(err))
	}
	return true, nil
}

func isNotFound(err error) bool {
	var er minio.ErrorResponse
	return errors.As(err, &er) && (er.StatusCode == http.StatusNotFound || er.Code == minio.NoSuchKey)
}

// explain turns a failed request into an error that names the problem in
// our words; a failure that a later attempt may not meet wraps
// errStoreUnavailable.
func (s *S3Store) explain(err error) error {
	var er minio.ErrorResponse
	var nerr net.Error
	if errors.As(err, &er) {
		// An answer without a body (to HEAD, or from a proxy) has the
		// status line as its code: "503 Service Unavailable".
		er.Code = strings.TrimSpace(strings.TrimPrefix(er.Code, strconv.Itoa(er.StatusCode)))
		err = er
	}
	switch {
	case errors.As(err, &er) && er.StatusCode >= 500:
		return fmt.Errorf("%w: the server at %s answered %d %s", errStoreUnavailable, s.endpoint, er.StatusCode, er.Code)
	case errors.As(err, &er) && er.StatusCode == http.StatusConflict && er.Code == "ConditionalRequestConflict":
		// Amazon S3's answer to a conditional write that races another
		// write of the key: try again.
		return fmt.Errorf("%w: the server at %s was writing the same object for another request (409 %s)", errStoreUnavailable, s.endpoint, er.Code)
	case errors.As(err, &er) && er.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%w: the server at %s asks to slow down (429)", errStoreUnavailable, s.endpoint)
	case errors.As(err, &er) && er.Code == minio.NoSuchBucket:
		return fmt.Errorf("bucket %s does not exist at %s; create it, or check the store's name and AWS_ENDPOINT_URL", s.bucket, s.endpoint)
	case errors.As(err, &er) && (er.StatusCode == http.StatusForbidden || er.StatusCode == http.StatusUnauthorized ||
		er.Code == "InvalidAccessKeyId" || strings.HasSuffix(er.Code, "UserNotFound")):
		return fmt.Errorf("the server at %s refused the access key (%d %s); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the key's rights on bucket %s", s.endpoint, er.StatusCode, er.Code, s.bucket)
	case errors.As(err, &er) && (er.StatusCode == http.StatusMovedPermanently || er.Code == "AuthorizationHeaderMalformed" || er.Code == "PermanentRedirect" ||
		er.StatusCode == http.StatusBadRequest && er.Region != ""):
		return fmt.Errorf("the server at %s says bucket %s is in another region (%d %s); set AWS_REGION to the bucket's region", s.endpoint, s.bucket, er.StatusCode, er.Code)
	case errors.As(err, &er) && er.StatusCode == http.StatusBadRequest:
		return fmt.Errorf("the server at %s refused the request (400 %s); check AWS_REGION and AWS_ENDPOINT_URL", s.endpoint, er.Code)
	case errors.As(err, &er) && er.StatusCode != 0:
		return fmt.Errorf("the server at %s answered %d %s", s.endpoint, er.StatusCode, er.Code)
	case errors.As(err, &er) && er.Code != "":
		return fmt.Errorf("the request to %s is not valid (%s); check the store's name", s.endpoint, er.Code)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout():
		return fmt.Errorf("%w: the server at %s did not answer within %s", errStoreUnavailable, s.endpoint, s.Timeout)
	}
	var cert *tls.CertificateVerificationError
	var op *net.OpError
	switch {
	case errors.As(err, &cert):
		return fmt.Errorf("the certificate of the server at %s is not trusted (%v); check AWS_ENDPOINT_URL, or add the server's CA to the system's", s.endpoint, cert.Err)
	case strings.Contains(err.Error(), "HTTP response to HTTPS client"):
		return fmt.Errorf("the server at %s speaks plain http, not https; check AWS_ENDPOINT_URL", s.endpoint)
	case errors.As(err, &op):
		return fmt.Errorf("%w: cannot reach %s: %v", errStoreUnavailable, s.endpoint, op.Err)
	}
	return fmt.Errorf("%w: the exchange with %s failed (%T)", errStoreUnavailable, s.endpoint, errors.Unwrap(err))
}

// device reads the registry entry <prefix>devices/<id>.json.
func (s *S3Store) device(id string) (hq.Device, error) {
	var d hq.Device
	if err := hq.CheckID(id); err != nil {
		return d, fmt.Errorf("%w: %v", hq.ErrUnknownDevice, err)
	}
	key := s.key(hq.DevicesDir + "/" + id + ".json")
	b, ok, err := s.get(key, maxSmallObject)
	switch {
	case err != nil:
		return d, err
	case !ok:
		return d, fmt.Errorf("%w: %s", hq.ErrUnknownDevice, id)
	}
	if err := json.Unmarshal(b, &d); err != nil || d.ID != id {
		return d, fmt.Errorf("the registry entry %s in %s is damaged; publish the device again with courtwatch-hq enroll --store", key, s.url)
	}
	if _, err := d.Key(); err != nil {
		return d, fmt.Errorf("the registry entry %s in %s is damaged: %v", key, s.url, err)
	}
	return d, nil
}

// PublishDevice writes d into the bucket's registry, which the receivers
// on this bucket read for every upload. An active device is added only if
// the bucket has no entry for it, so a revocation published meanwhile
// stands; an entry with another key is hq.ErrKeyMismatch. A revoked device
// replaces the entry: revocation always wins.
func (s *S3Store) PublishDevice(d hq.Device) error {
	if err := hq.CheckID(d.ID); err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	key := s.key(hq.DevicesDir + "/" + d.ID + ".json")
	created, err := s.put(key, bytes.NewReader(b), int64(len(b)), d.Active(), nil, sha256Hex(b))
	if err != nil || created {
		return err
	}
	old, err := s.device(d.ID)
	switch {
	case err != nil:
		return err
	case old.PublicKey != d.PublicKey:
		return fmt.Errorf("%w: the bucket %s enrolls device %s with key %s, not %s", hq.ErrKeyMismatch, s.url, d.ID, old.PublicKey, d.PublicKey)
	}
	return nil
}

// temp spools an upload to a local temporary file: the bucket gets it
// only once its signature verifies. It holds ciphertext only.
func (s *S3Store) temp(string) (*os.File, error) {
	return os.CreateTemp("", "courtwatch-hq"+tempPrefix+"*")
}
