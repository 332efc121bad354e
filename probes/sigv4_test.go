package probes_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/thaw-dev/thaw/probes"
)

// The AWS Signature Version 4 test suite's credentials and clock (aws-sig-v4-test-suite,
// as published in the AWS General Reference).
var (
	suiteCreds = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "")
	suiteTime  = func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) }
)

// TestSigV4KnownVectors signs the suite's vanilla requests and compares the
// Authorization header with the published one.
func TestSigV4KnownVectors(t *testing.T) {
	tests := []struct {
		name, method, url, body, want string
	}{
		{"get-vanilla", http.MethodGet, "https://example.amazonaws.com/", "",
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"post-vanilla", http.MethodPost, "https://example.amazonaws.com/", "",
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
		{"get-vanilla-query", http.MethodGet, "https://example.amazonaws.com/?Param2=value2&Param1=value1", "",
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
	}
	s := probes.NewSigV4With(suiteCreds, "service", "us-east-1", suiteTime)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, tc.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Sign(context.Background(), req, []byte(tc.body)); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != tc.want {
				t.Errorf("Authorization =\n  %s\nwant\n  %s", got, tc.want)
			}
			if got := req.Header.Get("X-Amz-Date"); got != "20150830T123600Z" {
				t.Errorf("X-Amz-Date = %q", got)
			}
		})
	}
}

// TestHTTPInvokerSigns sends signed requests to a loopback server and checks that what
// arrived is exactly what was signed: the server's view of each request, signed again
// with the same key and clock, gives the same Authorization; a different body does not.
func TestHTTPInvokerSigns(t *testing.T) {
	srv, calls := recordServer(t, func(http.ResponseWriter, *http.Request) {})
	signer := probes.NewSigV4With(suiteCreds, "lambda", "eu-west-1", suiteTime)
	body := []byte(`{"sku":42}`)
	inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL + "/fn?x=1", Method: http.MethodPost,
		Body: body, Headers: map[string]string{"Content-Type": "application/json"}, Sign: signer.Sign})
	for _, id := range []string{"r-1", "r-2"} {
		if s := invokeHTTP(inv, id); s.Status != 200 || s.Error != "" {
			t.Fatalf("%s: status %d error %q %s", id, s.Status, s.Error, s.ErrorDetail)
		}
	}
	seen := calls()
	if len(seen) != 2 || seen[0].auth() == seen[1].auth() {
		t.Fatalf("want 2 requests with different signatures (the request id is signed), got %+v", seen)
	}
	for _, g := range seen {
		id := g.req.Header.Get("X-Request-Id")
		if !strings.Contains(g.auth(), "Credential=AKIDEXAMPLE/20150830/eu-west-1/lambda/aws4_request") ||
			!strings.Contains(g.auth(), "x-request-id") || g.req.Header.Get("X-Amz-Date") != "20150830T123600Z" {
			t.Errorf("request %s: Authorization %q, X-Amz-Date %q", id, g.auth(), g.req.Header.Get("X-Amz-Date"))
		}
		for _, b := range [][]byte{[]byte(g.body), []byte(`{"sku":43}`)} {
			req, err := http.NewRequest(g.req.Method, srv.URL+g.req.URL.RequestURI(), bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Request-Id", id)
			if err := signer.Sign(context.Background(), req, b); err != nil {
				t.Fatal(err)
			}
			same := req.Header.Get("Authorization") == g.auth()
			if want := bytes.Equal(b, body); same != want {
				t.Errorf("request %s, body %s: signature matches = %v, want %v", id, b, same, want)
			}
		}
	}
}

// recorded is one request a recordServer received, with its body.
type recorded struct {
	req  *http.Request
	body string
}

func (r recorded) auth() string { return r.req.Header.Get("Authorization") }

// recordServer starts a loopback server that keeps every request and answers with
// answer; calls returns what it received so far.
func recordServer(t *testing.T, answer http.HandlerFunc) (srv *httptest.Server, calls func() []recorded) {
	t.Helper()
	var (
		mu  sync.Mutex
		got []recorded
	)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, recorded{req: r, body: string(b)})
		mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), got...)
	}
}
