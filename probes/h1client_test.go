package probes_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

func TestClientChoice(t *testing.T) {
	sign := func(context.Context, *http.Request, []byte) error { return nil }
	tests := []struct {
		name, url, client, proxy string
		sign                     bool
		want                     string // ClientLean, ClientStd, or "error"
	}{
		{"auto http", "http://127.0.0.1:1/", "", "", false, probes.ClientLean},
		{"auto named", "http://fn.example.test/", probes.ClientAuto, "", false, probes.ClientLean},
		{"auto https", "https://127.0.0.1:1/", "", "", false, probes.ClientStd},
		{"auto proxied", "http://fn.example.test/", "", "http://127.0.0.1:3128", false, probes.ClientStd},
		{"auto loopback is not proxied", "http://127.0.0.1:1/", "", "http://127.0.0.1:3128", false, probes.ClientLean},
		{"auto signed", "http://127.0.0.1:1/", "", "", true, probes.ClientStd},
		{"std http", "http://127.0.0.1:1/", probes.ClientStd, "", false, probes.ClientStd},
		{"lean https", "https://127.0.0.1:1/", probes.ClientLean, "", false, probes.ClientLean},
		{"lean proxied", "http://fn.example.test/", probes.ClientLean, "http://127.0.0.1:3128", false, "error"},
		{"lean signed", "http://127.0.0.1:1/", probes.ClientLean, "", true, "error"},
		{"unknown", "http://127.0.0.1:1/", "fast", "", false, "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HTTP_PROXY", tc.proxy)
			t.Setenv("NO_PROXY", "")
			cfg := probes.HTTPConfig{URL: tc.url, Client: tc.client}
			if tc.sign {
				cfg.Sign = sign
			}
			inv, err := probes.NewHTTPInvoker(cfg)
			if tc.want == "error" {
				if err == nil {
					t.Fatalf("accepted, client %s", inv.Client())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer inv.Close()
			if inv.Client() != tc.want {
				t.Fatalf("client %s, want %s", inv.Client(), tc.want)
			}
		})
	}
}

// TestLeanOverTLS: lean speaks HTTP/1.1 over TLS (ALPN http/1.1) where std negotiates
// HTTP/2, and both time the handshake on a new connection only.
func TestLeanOverTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Thaw-Cold", r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	for _, tc := range []struct{ client, proto string }{{probes.ClientLean, "HTTP/1.1"}, {probes.ClientStd, "HTTP/2.0"}} {
		strict := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Client: tc.client})
		if s := invokeHTTP(strict, "r"); s.Error != results.ErrTLS {
			t.Errorf("%s, self-signed certificate: error %q (%s), want tls", tc.client, s.Error, s.ErrorDetail)
		}
		inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Client: tc.client, InsecureSkipVerify: true})
		for i := range 2 {
			s := invokeHTTP(inv, "r")
			if s.Error != "" || s.Evidence == nil || s.Evidence.Headers["X-Thaw-Cold"] != tc.proto {
				t.Fatalf("%s: error %q (%s) evidence %+v, want %s", tc.client, s.Error, s.ErrorDetail, s.Evidence, tc.proto)
			}
			if (i == 0) != (s.TLSMS > 0) || s.ConnReused != (i > 0) {
				t.Errorf("%s request %d: tls %.3f ms reused %v", tc.client, i, s.TLSMS, s.ConnReused)
			}
			if s.ServerMS() > s.TTFBMS-s.TLSMS+0.001 {
				t.Errorf("%s: server time %.3f includes the handshake (ttfb %.3f tls %.3f)", tc.client, s.ServerMS(), s.TTFBMS, s.TLSMS)
			}
		}
	}
}

// TestLeanHonoursContext: a cancellable context ends a call in flight as canceled,
// and a context deadline as timeout, on both clients.
func TestLeanHonoursContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	for _, client := range []string{probes.ClientLean, probes.ClientStd} {
		inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Client: client})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		s := &results.Sample{RequestID: "r"}
		inv.Invoke(ctx, s)
		if s.Error != results.ErrCanceled || s.LatencyMS < 90 || s.LatencyMS > 2500 {
			t.Errorf("%s, cancelled: error %q (%s) after %.1f ms, want canceled after ≈100 ms", client, s.Error, s.ErrorDetail, s.LatencyMS)
		}
		ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
		s = &results.Sample{RequestID: "r"}
		inv.Invoke(ctx, s)
		cancel()
		if s.Error != results.ErrTimeout || s.LatencyMS < 90 || s.LatencyMS > 2500 {
			t.Errorf("%s, ctx deadline: error %q (%s) after %.1f ms, want timeout after ≈100 ms", client, s.Error, s.ErrorDetail, s.LatencyMS)
		}
	}
}

// TestLeanSharedByWorkers: one invoker shared by concurrent workers never opens more
// connections than there are workers, and every call succeeds (run with -race).
func TestLeanSharedByWorkers(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Header.Get("X-Request-Id"))
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Client: probes.ClientLean})
	const workers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan string, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				if s := invokeHTTP(inv, id); s.Error != "" || s.Evidence == nil || s.Evidence.Body != id {
					errs <- fmt.Sprintf("%s: error %q (%s) evidence %+v", id, s.Error, s.ErrorDetail, s.Evidence)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := conns.Load(); n < 1 || n > workers {
		t.Errorf("%d connections for %d workers", n, workers)
	}
}
