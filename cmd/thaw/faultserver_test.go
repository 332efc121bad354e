package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Purpose-built loopback targets for the fault matrix (faults_test.go). Each answers
// the way one fault looks from the client, and counts what it saw, so a test can
// hold thaw's counts against the truth.

// faultTarget is a started fault server: its URL, how many requests reached its
// handler, and extra facts a fault records (connections opened).
type faultTarget struct {
	URL      string
	Requests *atomic.Int64
	Conns    *atomic.Int64
	srv      *httptest.Server
}

func startTarget(t *testing.T, h http.HandlerFunc, tlsOn, h2 bool) faultTarget {
	t.Helper()
	var reqs, conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		h(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // failed handshakes are the point
	srv.EnableHTTP2 = h2
	if tlsOn {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return faultTarget{URL: srv.URL, Requests: &reqs, Conns: &conns, srv: srv}
}

// nth calls fault for the requests whose 1-based arrival number makes pick true, and
// answers the others 200 "ok".
func nth(pick func(n int64) bool, fault http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if pick(n.Add(1)) {
			fault(w, r)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}
}

func odd(n int64) bool { return n%2 == 1 }

// resetMidResponse promises 100 bytes, sends 7, then resets the connection (RST).
func resetMidResponse(w http.ResponseWriter, _ *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
	_ = buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close sends RST, not FIN
	}
	_ = conn.Close()
}

// sleepFor answers after d (slow headers).
func sleepFor(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
}

// trickle sends headers at once, then one body byte every step, n times (slow body).
func trickle(step time.Duration, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		w.WriteHeader(http.StatusOK)
		for range n {
			_, _ = w.Write([]byte("."))
			if rc.Flush() != nil {
				return
			}
			select {
			case <-time.After(step):
			case <-r.Context().Done():
				return
			}
		}
	}
}

// bigBody answers 200 with n bytes.
func bigBody(n int) http.HandlerFunc {
	body := []byte(strings.Repeat("x", n))
	return func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) }
}

// status answers code, with Retry-After when retryAfter is not empty.
func status(code int, retryAfter string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
	}
}

// firstAttemptThrottled answers 429 (Retry-After: 0) to the first attempt of every
// invocation and 200 to its retries, which thaw sends with a ".rN" request id.
func firstAttemptThrottled(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("X-Request-Id"), ".r") {
		status(http.StatusTooManyRequests, "0")(w, r)
		return
	}
	_, _ = w.Write([]byte("ok"))
}

// dropKeepAlive answers in full, then closes the connection without saying so
// (no Connection: close) for every third request: the client finds out when it
// reuses the connection.
func dropKeepAlive() http.HandlerFunc {
	return nth(func(n int64) bool { return n%3 == 0 }, func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		_ = buf.Flush()
		_ = conn.Close()
	})
}

// goAway answers over HTTP/2 and asks every third response's connection to go away
// (Connection: close makes the server send GOAWAY and close it once idle).
func goAway() http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, "want HTTP/2", http.StatusHTTPVersionNotSupported)
			return
		}
		if n.Add(1)%3 == 0 {
			w.Header().Set("Connection", "close")
		}
		_, _ = w.Write([]byte("ok"))
	}
}

// closesAfter answers n requests, then closes its listener: later connections are
// refused while the run goes on.
func closesAfter(t *testing.T, n int64) faultTarget {
	t.Helper()
	var count atomic.Int64
	var ln atomic.Pointer[net.Listener]
	ft := startTarget(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = w.Write([]byte("ok"))
		if count.Add(1) == n {
			_ = (*ln.Load()).Close()
		}
	}, false, false)
	ln.Store(&ft.srv.Listener)
	return ft
}

// backlogFull returns the address of a socket that listens with a full backlog and
// never accepts: one connection completes into the queue, every later SYN is dropped,
// so a client's connect hangs until its timeout (Linux).
func backlogFull(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	for range 2 { // fill the queue
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			t.Cleanup(func() { _ = c.Close() })
		}
	}
	return addr
}

// silentTLS accepts TCP connections and never answers: a TLS client waits for the
// server hello until its timeout.
func silentTLS(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}
