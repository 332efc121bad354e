package probes

import (
	"bufio"
	"bytes"
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/results"
)

// FuzzH1Response feeds arbitrary bytes to the lean client's response parser as the
// server's reply: it must not panic or hang, and what it returns must be consistent.
func FuzzH1Response(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Thaw-Cold: true\r\n\r\nok"), false)
	f.Add([]byte("HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nab\r\n0\r\nT: 1\r\n\r\n"), false)
	f.Add([]byte("HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n"), true)
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), false)
	f.Add([]byte("HTTP/1.1 200\nX-Thaw-Instance:  a \n\nbody to eof"), false)
	f.Add([]byte("HTTP/1.1 2x0 OK\r\n\r\n"), false)
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n"), false)
	u, _ := url.Parse("http://127.0.0.1:1/")
	f.Fuzz(func(t *testing.T, reply []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		c := newH1Client(HTTPConfig{Timeout: DefaultTimeout, BodyPrefixBytes: 8, RequestIDHeader: "-"}, u, method, DefaultEvidenceHeaders, redact.New())
		cn := &h1Conn{br: bufio.NewReaderSize(bytes.NewReader(reply), h1ReadBuffer)}
		var r h1Resp
		err := c.readResponse(cn, &r)
		if len(r.prefix) > 8 {
			t.Fatalf("prefix of %d bytes, limit 8", len(r.prefix))
		}
		for k := range r.headers {
			if !slices.Contains(DefaultEvidenceHeaders, k) {
				t.Fatalf("kept header %q is not an evidence header", k)
			}
		}
		if err != nil {
			return
		}
		if r.status < 100 || r.status > 999 || (r.status < 200 && r.status != 101) {
			t.Fatalf("status %d accepted", r.status)
		}
		if r.firstByte == 0 {
			t.Fatal("no first-byte time")
		}
	})
}

// TestH1PoolLimits: a connection idle longer than idleConnTimeout is closed, not
// reused; after Close no connection is kept.
func TestH1PoolLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	h, err := NewHTTPInvoker(HTTPConfig{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	invoke := func() *results.Sample {
		s := &results.Sample{RequestID: "r"}
		h.Invoke(context.Background(), s)
		if s.Error != "" {
			t.Fatalf("%s %s", s.Error, s.ErrorDetail)
		}
		return s
	}
	invoke()
	if s := invoke(); !s.ConnReused {
		t.Fatal("second call on a new connection")
	}
	h.lean.mu.Lock()
	h.lean.idle[0].idleAt = time.Now().Add(-idleConnTimeout - time.Second)
	h.lean.mu.Unlock()
	if s := invoke(); s.ConnReused || s.ConnectMS <= 0 {
		t.Fatalf("a connection idle past %v was reused", idleConnTimeout)
	}
	h.Close()
	invoke()
	h.lean.mu.Lock()
	defer h.lean.mu.Unlock()
	if len(h.lean.idle) != 0 {
		t.Fatalf("%d idle connections kept after Close", len(h.lean.idle))
	}
}

// closingServer answers "ok" as a keep-alive response and closes the connection at
// once, counting the requests it serves in hits.
func closingServer(hits *atomic.Int64) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		_ = buf.Flush()
		_ = conn.Close()
	}))
}

// TestH1ServerClosedIdle: a connection the server closed after its answer is found
// by the peek when it idled past checkIdleAfter (nothing is sent on it), and by one
// retry on a new connection otherwise; the server sees every request once.
func TestH1ServerClosedIdle(t *testing.T) {
	var hits atomic.Int64
	srv := closingServer(&hits)
	defer srv.Close()
	for _, tc := range []struct {
		name        string
		idle        time.Duration
		wantRetries int64
	}{{"just used", 0, 1}, {"idled", 2 * checkIdleAfter, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewHTTPInvoker(HTTPConfig{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			hits.Store(0)
			for i := range 2 {
				s := &results.Sample{RequestID: "r"}
				h.Invoke(context.Background(), s)
				if s.Error != "" || s.ConnReused || s.ConnectMS <= 0 {
					t.Fatalf("call %d: error %q (%s) reused %v connect %.3f", i, s.Error, s.ErrorDetail, s.ConnReused, s.ConnectMS)
				}
				if i == 0 && tc.idle > 0 {
					time.Sleep(20 * time.Millisecond) // the server's FIN arrives
					h.lean.mu.Lock()
					h.lean.idle[0].idleAt = time.Now().Add(-tc.idle)
					h.lean.mu.Unlock()
				}
			}
			if got := h.lean.retries.Load(); got != tc.wantRetries || hits.Load() != 2 {
				t.Fatalf("%d retries, %d requests served; want %d retries, 2 served", got, hits.Load(), tc.wantRetries)
			}
		})
	}
}

// TestH1NoRetryOfPOST: a POST that met a connection the server closed after it was
// written is not sent again (the function may have run it), unless the request says
// it is idempotent; the sample says what happened.
func TestH1NoRetryOfPOST(t *testing.T) {
	var hits atomic.Int64
	srv := closingServer(&hits)
	defer srv.Close()
	for _, tc := range []struct {
		name        string
		headers     map[string]string
		wantRetries int64
		wantServed  int64
	}{{"plain POST", nil, 0, 1}, {"POST with an idempotency key", map[string]string{"idempotency-key": "k1"}, 1, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewHTTPInvoker(HTTPConfig{URL: srv.URL, Method: "POST", Body: []byte("{}"), Headers: tc.headers})
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			hits.Store(0)
			first := &results.Sample{RequestID: "r1"}
			h.Invoke(context.Background(), first)
			second := &results.Sample{RequestID: "r2"}
			h.Invoke(context.Background(), second)
			if first.Error != "" || h.lean.retries.Load() != tc.wantRetries || hits.Load() != tc.wantServed {
				t.Fatalf("first %q; %d retries, %d served; want %d, %d", first.Error, h.lean.retries.Load(), hits.Load(), tc.wantRetries, tc.wantServed)
			}
			if tc.wantRetries == 0 && (second.Error != results.ErrReset || !second.ConnReused) {
				t.Errorf("second call: error %q reused %v, want a reset on the reused connection", second.Error, second.ConnReused)
			}
		})
	}
}

// TestH1FoldedHeaderIsCheap: a reply of 64 KB of folded lines under an evidence
// header costs little (each join copies the value, so the value is bounded).
func TestH1FoldedHeaderIsCheap(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:1/")
	c := newH1Client(HTTPConfig{Timeout: DefaultTimeout, RequestIDHeader: "-"}, u, "GET", DefaultEvidenceHeaders, redact.New("secret-1"))
	reply := "HTTP/1.1 200 OK\r\nX-Thaw-Instance: a\r\n" + strings.Repeat(" b\r\n", (maxHeaderBytes-100)/4) + "Content-Length: 0\r\n\r\n"
	start := time.Now()
	var r h1Resp
	err := c.readResponse(&h1Conn{br: bufio.NewReaderSize(strings.NewReader(reply), h1ReadBuffer)}, &r)
	if err != nil {
		t.Fatal(err)
	}
	if v := r.headers["X-Thaw-Instance"]; len(v) > maxFoldedValue || !strings.HasPrefix(v, "a b b") {
		t.Fatalf("value of %d bytes: %.20q…", len(v), v)
	}
	if d := time.Since(start); d > 2*time.Second { // about a millisecond when bounded
		t.Fatalf("parsing took %v", d)
	}
}

// TestH1EvidenceSharedWhileItRepeats: responses that keep the same evidence headers
// and body prefix share one header map and one body string (they are the same
// evidence), and a response that differs gets its own, leaving the shared ones as
// they were. Values are redacted either way.
func TestH1EvidenceSharedWhileItRepeats(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:1/")
	c := newH1Client(HTTPConfig{Timeout: DefaultTimeout, RequestIDHeader: "-", BodyPrefixBytes: 64}, u, "GET", DefaultEvidenceHeaders, redact.New("secret-1"))
	reply := func(instance, body string) string {
		return "HTTP/1.1 200 OK\r\nX-Thaw-Instance: " + instance + "\r\nX-Thaw-Cold: 0\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n\r\n" + body
	}
	read := func(t *testing.T, cn *h1Conn, raw string) *results.Evidence {
		t.Helper()
		cn.br = bufio.NewReaderSize(strings.NewReader(raw), h1ReadBuffer)
		var r h1Resp
		if err := c.readResponse(cn, &r); err != nil {
			t.Fatal(err)
		}
		return c.evidence(&r)
	}
	a, b := &h1Conn{}, &h1Conn{} // two connections share the client's memo
	first := read(t, a, reply("i-1", `{"n":1}`))
	same := read(t, b, reply("i-1", `{"n":1}`))
	if !results.SameMap(first.Headers, same.Headers) {
		t.Error("equal evidence headers: two maps, want one shared")
	}
	if unsafe.StringData(first.Body) != unsafe.StringData(same.Body) {
		t.Error("equal body prefixes: two strings, want one shared")
	}
	other := read(t, a, reply("secret-1 i-2", `{"n":2}`))
	again := read(t, b, reply("secret-1 i-2", `{"n":2}`))
	for _, ev := range []*results.Evidence{other, again} {
		if got := ev.Headers["X-Thaw-Instance"]; got != redact.Placeholder+" i-2" {
			t.Errorf("new instance header %q", got)
		}
	}
	if other.Body != `{"n":2}` || first.Body != `{"n":1}` {
		t.Errorf("bodies %q then %q", first.Body, other.Body)
	}
	if got := first.Headers["X-Thaw-Instance"]; got != "i-1" || len(first.Headers) != 2 {
		t.Errorf("the shared map changed: %v", first.Headers)
	}
	back := read(t, b, reply("i-1", `{"n":1}`))
	if !maps.Equal(back.Headers, first.Headers) || back.Body != first.Body {
		t.Errorf("evidence after a change: %v %q", back.Headers, back.Body)
	}
}

// TestH1KeepsEvidenceOfAnyNameLength: evidence headers are found among a response's
// headers whatever their names' lengths (short, and past the longest length with a
// bucket of its own), in any case, and other headers of the same length are not kept.
func TestH1KeepsEvidenceOfAnyNameLength(t *testing.T) {
	long := "X-" + strings.Repeat("Long", keepLenMax/4) + "-Id"     // longer than keepLenMax
	longer := "X-" + strings.Repeat("Long", keepLenMax/4) + "-Name" // also past it
	keep := append([]string{"X-A", long}, DefaultEvidenceHeaders...)
	u, _ := url.Parse("http://127.0.0.1:1/")
	c := newH1Client(HTTPConfig{Timeout: DefaultTimeout, RequestIDHeader: "-"}, u, "GET", keep, redact.New())
	reply := "HTTP/1.1 200 OK\r\nx-a: 1\r\nX-B: 2\r\n" + strings.ToLower(longer) + ": 3\r\n" + strings.ToUpper(long) +
		": 4\r\nx-thaw-cold: true\r\nContent-Length: 0\r\n\r\n"
	var r h1Resp
	if err := c.readResponse(&h1Conn{br: bufio.NewReaderSize(strings.NewReader(reply), h1ReadBuffer)}, &r); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"X-A": "1", long: "4", "X-Thaw-Cold": "true"}
	if len(r.headers) != len(want) {
		t.Fatalf("kept %v, want %v", r.headers, want)
	}
	for k, v := range want {
		if r.headers[k] != v {
			t.Errorf("%s = %q, want %q (kept %v)", k, r.headers[k], v, r.headers)
		}
	}
}
