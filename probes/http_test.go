package probes_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

func newTestHTTPInvoker(t *testing.T, cfg probes.HTTPConfig) *probes.HTTPInvoker {
	t.Helper()
	inv, err := probes.NewHTTPInvoker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inv.Close)
	return inv
}

func invokeHTTP(inv *probes.HTTPInvoker, id string) *results.Sample {
	s := &results.Sample{RequestID: id}
	inv.Invoke(context.Background(), s)
	return s
}

func TestHTTPInvokerMeasuresAndKeepsEvidence(t *testing.T) {
	var gotID, gotAuth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotID.Store(r.Header.Get("X-Request-Id"))
		gotAuth.Store(r.Header.Get("Authorization"))
		w.Header().Set("X-Thaw-Cold", "true")
		w.Header().Set("X-Unlisted", "secret-ish")
		time.Sleep(20 * time.Millisecond)
		w.WriteHeader(200)
		_, _ = w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Headers: map[string]string{"Authorization": "Bearer s3cret"}, BodyPrefixBytes: 10})
	s := invokeHTTP(inv, "req-1")

	if s.Error != "" || s.Status != 200 {
		t.Fatalf("error %q status %d", s.Error, s.Status)
	}
	if gotID.Load() != "req-1" || gotAuth.Load() != "Bearer s3cret" {
		t.Fatalf("request headers: id %v auth %v", gotID.Load(), gotAuth.Load())
	}
	if s.LatencyMS < 20 || s.TTFBMS < 20 || s.TTFBMS > s.LatencyMS {
		t.Fatalf("latency %.3f ttfb %.3f: want both ≥ 20 ms and ttfb ≤ latency", s.LatencyMS, s.TTFBMS)
	}
	if s.ConnReused || s.ConnectMS <= 0 {
		t.Fatalf("first request: reused %v connect %.3f ms, want a new connection", s.ConnReused, s.ConnectMS)
	}
	if s.ServerMS() < 20 || s.ServerMS() > s.TTFBMS {
		t.Fatalf("server time %.3f out of range", s.ServerMS())
	}
	if s.Evidence == nil || s.Evidence.Headers["X-Thaw-Cold"] != "true" {
		t.Fatalf("evidence headers %+v: want X-Thaw-Cold", s.Evidence)
	}
	if _, ok := s.Evidence.Headers["X-Unlisted"]; ok {
		t.Fatal("a header outside the allow-list was kept")
	}
	if s.Evidence.Body != strings.Repeat("x", 10) {
		t.Fatalf("body prefix %q, want 10 bytes", s.Evidence.Body)
	}
	if s.Start.IsZero() {
		t.Fatal("start not set")
	}
}

func TestHTTPInvokerReuseAndFresh(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	for _, tc := range []struct {
		name  string
		fresh bool
	}{{"reuse", false}, {"fresh", true}} {
		t.Run(tc.name, func(t *testing.T) {
			inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Fresh: tc.fresh})
			for i := 0; i < 5; i++ {
				s := invokeHTTP(inv, "")
				if s.Error != "" {
					t.Fatalf("request %d: %s %s", i, s.Error, s.ErrorDetail)
				}
				wantReused := !tc.fresh && i > 0
				if s.ConnReused != wantReused {
					t.Fatalf("request %d: reused %v, want %v", i, s.ConnReused, wantReused)
				}
				if !s.ConnReused && s.ConnectMS <= 0 {
					t.Fatalf("request %d: new connection with zero connect time", i)
				}
				if s.ConnReused && s.ConnectMS != 0 {
					t.Fatalf("request %d: reused connection with connect time %.3f", i, s.ConnectMS)
				}
			}
		})
	}
}

func TestHTTPInvokerErrorKinds(t *testing.T) {
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
	}
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
		status  int
	}{
		{"ok", status(204), "", 204},
		{"redirect is an answer", status(302), "", 302},
		{"throttled", status(429), results.ErrThrottled, 429},
		{"client error", status(404), results.ErrStatus4xx, 404},
		{"server error", status(502), results.ErrStatus5xx, 502},
		{"reset", resetConn, results.ErrReset, 0},
		{"timeout", slow, results.ErrTimeout, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Timeout: 200 * time.Millisecond})
			s := invokeHTTP(inv, "")
			if s.Error != tc.want || s.Status != tc.status {
				t.Fatalf("error %q (%s) status %d, want %q status %d", s.Error, s.ErrorDetail, s.Status, tc.want, tc.status)
			}
		})
	}
}

func TestHTTPInvokerRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: "http://" + addr + "/?token=abc"})
	s := invokeHTTP(inv, "")
	if s.Error != results.ErrRefused {
		t.Fatalf("error %q (%s), want refused", s.Error, s.ErrorDetail)
	}
	if strings.Contains(s.ErrorDetail, "abc") {
		t.Fatalf("error detail leaks the query string: %s", s.ErrorDetail)
	}
}

func TestHTTPInvokerTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	strict := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL})
	if s := invokeHTTP(strict, ""); s.Error != results.ErrTLS {
		t.Fatalf("self-signed certificate: error %q (%s), want tls", s.Error, s.ErrorDetail)
	}
	lax := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, InsecureSkipVerify: true, Fresh: true})
	s := invokeHTTP(lax, "")
	if s.Error != "" || s.TLSMS <= 0 {
		t.Fatalf("error %q, tls %.3f ms: want success with a measured handshake", s.Error, s.TLSMS)
	}
	if s.ServerMS() > s.TTFBMS-s.TLSMS+0.001 {
		t.Fatalf("server time %.3f includes the handshake (ttfb %.3f tls %.3f)", s.ServerMS(), s.TTFBMS, s.TLSMS)
	}
}

func TestErrorKindClassifiesWrappedErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		err  error
		want string
	}{
		{&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, results.ErrDNS},
		{context.DeadlineExceeded, results.ErrTimeout},
		{context.Canceled, results.ErrCanceled},
		{&net.OpError{Op: "read", Err: timeoutErr{}}, results.ErrTimeout},
		{net.ErrClosed, results.ErrOther},
	}
	for _, tc := range tests {
		if got := probes.ErrorKind(ctx, tc.err); got != tc.want {
			t.Errorf("ErrorKind(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestNewHTTPInvokerRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "http://", "://"} {
		if _, err := probes.NewHTTPInvoker(probes.HTTPConfig{URL: u}); err == nil {
			t.Errorf("url %q accepted", u)
		}
	}
}

func TestRedactURL(t *testing.T) {
	got := probes.RedactURL("https://user:pw@example.com/fn?key=secret")
	if strings.Contains(got, "pw") || strings.Contains(got, "secret") {
		t.Fatalf("RedactURL kept a secret: %s", got)
	}
}
