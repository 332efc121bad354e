package probes_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// sampleView is what a user reads of a sample, minus the times that differ from run
// to run.
type sampleView struct {
	Status    int
	Error     string
	Reused    bool
	NewConn   bool // connect_ms > 0
	SetupZero bool // dns, connect and tls all zero
	TTFB      bool // ttfb_ms > 0 and <= latency_ms
	Headers   map[string]string
	Body      string
}

func viewOf(s *results.Sample) sampleView {
	v := sampleView{Status: s.Status, Error: s.Error, Reused: s.ConnReused, NewConn: s.ConnectMS > 0,
		SetupZero: s.DNSMS == 0 && s.ConnectMS == 0 && s.TLSMS == 0, TTFB: s.TTFBMS > 0 && s.TTFBMS <= s.LatencyMS}
	if s.Evidence != nil {
		v.Headers, v.Body = s.Evidence.Headers, s.Evidence.Body
	}
	return v
}

// seenRequests records what the server received, one line per request.
type seenRequests struct {
	mu    sync.Mutex
	lines []string
}

func (sr *seenRequests) add(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	line := fmt.Sprintf("%s %s host=%s id=%q ua=%q custom=%q len=%d body=%q", r.Method, r.URL.RequestURI(), r.Host,
		r.Header.Get("X-Request-Id"), r.Header.Get("User-Agent"), r.Header.Get("X-Custom"), r.ContentLength, body)
	sr.mu.Lock()
	sr.lines = append(sr.lines, line)
	sr.mu.Unlock()
}

func (sr *seenRequests) all() []string {
	sr.mu.Lock()
	defer sr.mu.Unlock()
	return append([]string(nil), sr.lines...)
}

// hijackAndClose answers "ok" as a keep-alive response, then closes the connection
// at once: the next request on it meets a connection the server dropped while idle.
func hijackAndClose(w http.ResponseWriter, _ *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Thaw-Cold: false\r\n\r\nok")
	_ = buf.Flush()
	_ = conn.Close()
}

// rawReply answers with reply as it is, then closes the connection.
func rawReply(reply string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString(reply)
		_ = buf.Flush()
		_ = conn.Close()
	}
}

func resetConn(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // RST instead of FIN
		}
		_ = conn.Close()
	}
}

func TestLeanAndStdFillSamplesAlike(t *testing.T) {
	hello := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Thaw-Cold", "true")
		w.Header().Set("X-Thaw-Instance", " i-1 ")
		w.Header().Set("X-Unlisted", "no")
		_, _ = io.WriteString(w, "hello")
	}
	big := strings.Repeat("0123456789", 1000)
	const tok = "tok-3141592653"
	tests := []struct {
		name     string
		cfg      probes.HTTPConfig // URL, Client filled in
		n        int
		serve    http.HandlerFunc
		want     sampleView         // every request's view, but Reused and NewConn
		reused   []bool             // per request
		wantSeen func(i int) string // what the server saw of request i ("" skips)
		latency  [2]float64         // bounds of latency_ms when set
		userinfo string             // user:password@ in the URL
	}{
		{name: "keep-alive reuse", n: 3, serve: hello, reused: []bool{false, true, true},
			want: sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Thaw-Cold": "true", "X-Thaw-Instance": "i-1"}, Body: "hello"},
			wantSeen: func(i int) string {
				return fmt.Sprintf(`GET /fn?q=1 host=HOST id="r%d" ua="thaw" custom="" len=0 body=""`, i)
			}},
		{name: "connection close", n: 3, reused: []bool{false, false, false},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Connection", "close")
				_, _ = io.WriteString(w, "bye")
			},
			want: sampleView{Status: 200, TTFB: true, Body: "bye"}},
		{name: "fresh", n: 2, cfg: probes.HTTPConfig{Fresh: true}, reused: []bool{false, false}, serve: hello,
			want: sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Thaw-Cold": "true", "X-Thaw-Instance": "i-1"}, Body: "hello"}},
		{name: "chunked with trailer", n: 2, reused: []bool{false, true},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Trailer", "X-Sum")
				for _, part := range []string{"ab", "cd", "ef"} {
					_, _ = io.WriteString(w, part)
					w.(http.Flusher).Flush()
				}
				w.Header().Set("X-Sum", "3")
			},
			want: sampleView{Status: 200, TTFB: true, Body: "abcdef"}},
		{name: "body beyond prefix", n: 2, cfg: probes.HTTPConfig{BodyPrefixBytes: 16}, reused: []bool{false, true},
			serve: func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, big) },
			want:  sampleView{Status: 200, TTFB: true, Body: big[:16]}},
		{name: "chunked beyond prefix", n: 2, cfg: probes.HTTPConfig{BodyPrefixBytes: 3}, reused: []bool{false, true},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, big[:5])
				w.(http.Flusher).Flush()
				_, _ = io.WriteString(w, big)
			},
			want: sampleView{Status: 200, TTFB: true, Body: big[:3]}},
		{name: "many small chunks", n: 2, cfg: probes.HTTPConfig{BodyPrefixBytes: 4}, reused: []bool{false, true},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				for range 20000 { // more chunk-size lines than a header's worth of bytes
					_, _ = io.WriteString(w, "x")
					w.(http.Flusher).Flush()
				}
			},
			want: sampleView{Status: 200, TTFB: true, Body: "xxxx"}},
		{name: "first value of a kept header wins", n: 1, reused: []bool{false},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				w.Header()["X-Thaw-Cold"] = []string{"", "true"}
				w.Header()["X-Thaw-Instance"] = []string{"a", "b"}
			},
			want: sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Thaw-Instance": "a"}}},
		{name: "folded header line", n: 1, reused: []bool{false},
			serve: rawReply("HTTP/1.1 200 OK\r\nX-Thaw-Instance: a\r\n  b \r\nX-Thaw-Cold: true\r\nContent-Length: 0\r\n\r\n"),
			want:  sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Thaw-Instance": "a b", "X-Thaw-Cold": "true"}}},
		{name: "no body kept", n: 1, cfg: probes.HTTPConfig{BodyPrefixBytes: -1}, reused: []bool{false},
			serve: func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, big) },
			want:  sampleView{Status: 200, TTFB: true}},
		{name: "HEAD", n: 2, cfg: probes.HTTPConfig{Method: "head"}, reused: []bool{false, true},
			serve: func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("Content-Length", "100") },
			want:  sampleView{Status: 200, TTFB: true}},
		{name: "204", n: 2, reused: []bool{false, true},
			serve: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) },
			want:  sampleView{Status: 204, TTFB: true}},
		{name: "1xx before the answer", n: 2, reused: []bool{false, true},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Link", "</a.css>; rel=preload")
				w.WriteHeader(http.StatusEarlyHints)
				w.WriteHeader(http.StatusProcessing)
				w.Header().Set("X-Thaw-Cold", "false")
				_, _ = io.WriteString(w, "final")
			},
			want: sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Thaw-Cold": "false"}, Body: "final"}},
		{name: "server closes idle connections", n: 3, serve: hijackAndClose, reused: []bool{false, false, false},
			want: sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Thaw-Cold": "false"}, Body: "ok"}},
		{name: "throttled", n: 1, reused: []bool{false},
			serve: func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("Retry-After", "3"); w.WriteHeader(429) },
			want:  sampleView{Status: 429, Error: results.ErrThrottled, TTFB: true, Headers: map[string]string{"Retry-After": "3"}}},
		{name: "5xx", n: 1, reused: []bool{false},
			serve: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", 503) },
			want:  sampleView{Status: 503, Error: results.ErrStatus5xx, TTFB: true, Body: "down\n"}},
		{name: "reset", n: 1, reused: []bool{false}, serve: resetConn,
			want: sampleView{Error: results.ErrReset}},
		{name: "timeout", n: 2, cfg: probes.HTTPConfig{Timeout: 200 * time.Millisecond}, reused: []bool{false, false},
			serve: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-time.After(3 * time.Second):
				case <-r.Context().Done():
				}
			},
			want: sampleView{Error: results.ErrTimeout}, latency: [2]float64{190, 2500}},
		{name: "huge header", n: 1, reused: []bool{false},
			serve: func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Big", strings.Repeat(big, 8)) },
			want:  sampleView{Error: results.ErrOther}},
		{name: "headers, host and id arrive", n: 2, reused: []bool{false, true},
			cfg:   probes.HTTPConfig{Headers: map[string]string{"host": "fn.example", "x-custom": "c1", "User-Agent": "ua/1"}},
			serve: func(http.ResponseWriter, *http.Request) {}, want: sampleView{Status: 200, TTFB: true},
			wantSeen: func(i int) string {
				return fmt.Sprintf(`GET /fn?q=1 host=fn.example id="r%d" ua="ua/1" custom="c1" len=0 body=""`, i)
			}},
		{name: "no request id", n: 1, reused: []bool{false}, cfg: probes.HTTPConfig{RequestIDHeader: "-"},
			serve: func(http.ResponseWriter, *http.Request) {}, want: sampleView{Status: 200, TTFB: true},
			wantSeen: func(int) string { return `GET /fn?q=1 host=HOST id="" ua="thaw" custom="" len=0 body=""` }},
		{name: "POST body", n: 2, reused: []bool{false, true}, cfg: probes.HTTPConfig{Method: "POST", Body: []byte(`{"sku":42}`)},
			serve: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(201) }, want: sampleView{Status: 201, TTFB: true},
			wantSeen: func(i int) string {
				return fmt.Sprintf(`POST /fn?q=1 host=HOST id="r%d" ua="thaw" custom="" len=10 body="{\"sku\":42}"`, i)
			}},
		{name: "secrets redacted", n: 1, reused: []bool{false},
			cfg: probes.HTTPConfig{Headers: map[string]string{"Authorization": "Bearer " + tok}, KeepHeaders: []string{"x-echo"}},
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Echo", r.Header.Get("Authorization"))
				_, _ = io.WriteString(w, "auth="+r.Header.Get("Authorization"))
			},
			want: sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Echo": "[redacted]"}, Body: "auth=[redacted]"}},
		{name: "credentials in the URL, blank headers", n: 1, reused: []bool{false}, userinfo: "user:pw-2718281828@",
			cfg: probes.HTTPConfig{Headers: map[string]string{"User-Agent": "", "X-Custom": "  c2 ", "Host": ""}, KeepHeaders: []string{"X-Echo"}},
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Echo", r.Header.Get("Authorization"))
				u, p, _ := r.BasicAuth()
				_, _ = io.WriteString(w, u+":"+p)
			},
			want:     sampleView{Status: 200, TTFB: true, Headers: map[string]string{"X-Echo": "Basic [redacted]"}, Body: "user:[redacted]"},
			wantSeen: func(int) string { return `GET /fn?q=1 host=HOST id="r0" ua="thaw" custom="c2" len=0 body=""` }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var views [2][]sampleView
			var seen [2][]string
			for k, client := range []string{probes.ClientLean, probes.ClientStd} {
				var sr seenRequests
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					sr.add(r)
					tc.serve(w, r)
				}))
				cfg := tc.cfg
				cfg.URL, cfg.Client = strings.Replace(srv.URL, "//", "//"+tc.userinfo, 1)+"/fn?q=1", client
				inv := newTestHTTPInvoker(t, cfg)
				if inv.Client() != client {
					t.Fatalf("client %s, want %s", inv.Client(), client)
				}
				for i := range tc.n {
					s := invokeHTTP(inv, fmt.Sprint("r", i))
					v := viewOf(s)
					views[k] = append(views[k], v)
					if tc.latency[1] > 0 && (s.LatencyMS < tc.latency[0] || s.LatencyMS > tc.latency[1]) {
						t.Errorf("%s request %d: latency %.1f ms, want within %v", client, i, s.LatencyMS, tc.latency)
					}
					if strings.Contains(s.ErrorDetail, "q=1") {
						t.Errorf("%s request %d: error detail shows the query: %s", client, i, s.ErrorDetail)
					}
					checkView(t, client, i, v, tc.want, tc.reused[i], s)
				}
				inv.Close()
				srv.Close()
				seen[k] = sr.all()
				if len(seen[k]) != tc.n && tc.want.Error == "" {
					t.Errorf("%s: the server saw %d requests, want %d (no double send)", client, len(seen[k]), tc.n)
				}
				for i, line := range seen[k] {
					want := ""
					if tc.wantSeen != nil {
						want = strings.ReplaceAll(tc.wantSeen(i), "HOST", strings.TrimPrefix(srv.URL, "http://"))
					}
					if want != "" && line != want {
						t.Errorf("%s: server saw\n%s\nwant\n%s", client, line, want)
					}
				}
			}
			if !reflect.DeepEqual(views[0], views[1]) {
				t.Errorf("lean and std differ:\nlean %+v\nstd  %+v", views[0], views[1])
			}
		})
	}
}

func checkView(t *testing.T, client string, i int, got, want sampleView, reused bool, s *results.Sample) {
	t.Helper()
	want.Reused = reused
	want.NewConn = !reused && want.Error != results.ErrRefused
	want.SetupZero = reused
	if got.Error != "" && got.Status == 0 {
		want.TTFB = false
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s request %d:\n got %+v\nwant %+v\n(%s %s)", client, i, got, want, s.Error, s.ErrorDetail)
	}
}

func TestLeanAndStdRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	for _, client := range []string{probes.ClientLean, probes.ClientStd} {
		inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: "http://" + addr + "/?token=abc", Client: client})
		s := invokeHTTP(inv, "r")
		if s.Error != results.ErrRefused || s.Status != 0 || s.ConnReused || s.TTFBMS != 0 || s.Evidence != nil {
			t.Errorf("%s: %+v, want refused and nothing else", client, s)
		}
		if strings.Contains(s.ErrorDetail, "abc") {
			t.Errorf("%s: error detail leaks the query: %s", client, s.ErrorDetail)
		}
	}
}

// TestLeanResolvesNames: a host name is resolved (localhost, from /etc/hosts) and the
// addresses tried in order until one answers (the server listens on IPv4 only).
func TestLeanResolvesNames(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: "http://localhost:" + port + "/", Client: probes.ClientLean})
	s := invokeHTTP(inv, "r")
	if s.Error != "" || s.Status != 200 || s.ConnectMS <= 0 || s.DNSMS < 0 {
		t.Fatalf("sample %+v (%s)", s, s.ErrorDetail)
	}
}
