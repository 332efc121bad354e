package probes

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/results"
)

// HTTP clients an HTTPInvoker can send with (HTTPConfig.Client).
const (
	// ClientAuto picks ClientLean for plain http:// targets with no proxy from the
	// environment and no Sign, and ClientStd otherwise. It is the default.
	ClientAuto = "auto"
	// ClientLean is thaw's own HTTP/1.1 client: request bytes built once, one write
	// and one deadline per call, timings taken directly. Over https:// it speaks
	// HTTP/1.1 (ALPN "http/1.1"). It cannot sign requests or use a proxy.
	ClientLean = "lean"
	// ClientStd is net/http with httptrace: HTTP/2, proxies, signing.
	ClientStd = "std"
)

// maxHeaderBytes bounds one response's status line and headers (both clients).
const maxHeaderBytes = 64 << 10

// idleConnTimeout is how long a pooled connection may wait before it is closed
// instead of reused (net/http's IdleConnTimeout here).
const idleConnTimeout = 90 * time.Second

// maxIdleConns is how many idle connections the lean client keeps (net/http's
// MaxIdleConnsPerHost here).
const maxIdleConns = 4096

// checkIdleAfter: a pooled connection idle this long is checked before use (a
// non-blocking peek) so that one the server closed meanwhile is not written to. A
// request sent on it would fail and be sent again on a new connection, and that
// wasted round trip would count in its time to first byte, as if the server were
// slower after an idle gap. net/http learns of the close from its reader goroutine.
const checkIdleAfter = time.Second

// longAgo is a deadline in the past: setting it makes a blocked read or write return.
var longAgo = time.Unix(1, 0)

// h1Client is thaw's own HTTP/1.1 client for one target. The request bytes are built
// once; each call writes them with the request id (and body) in one Write and reads
// the answer with the connection's bufio.Reader, under one deadline. Idle connections
// are kept LIFO. It is safe for concurrent use.
type h1Client struct {
	addr       string // host:port dialled
	host       string // host name or IP literal (DNS, TLS server name)
	port       string
	ipLiteral  bool
	tls        *tls.Config // nil for http://
	timeout    time.Duration
	fresh      bool
	noBody     bool // HEAD: responses carry no body
	idempotent bool // may be sent again after a reused connection failed (as net/http)

	head      []byte // request line and fixed headers, each ending in CRLF
	idHeader  []byte // "X-Request-Id: ", nil when none is sent
	idDefault []byte // a configured value of the request id header, sent when the id is empty
	body      []byte

	keep    []string              // canonical names of the evidence headers, no duplicates
	keepLen [keepLenMax + 1][]int // indexes in keep by name length (the last: that long or longer)
	prefixN int                   // body bytes kept as evidence
	redact  *redact.Set
	memo    evidenceMemo // the last response's evidence, shared while it repeats

	mu     sync.Mutex
	idle   []*h1Conn
	closed bool

	retries atomic.Int64 // requests sent again after a reused connection failed
}

// h1Conn is one connection with its reader and reused buffers. One call owns it at a
// time.
type h1Conn struct {
	nc     net.Conn
	tcp    net.Conn // the TCP connection under nc
	br     *bufio.Reader
	wbuf   []byte      // the request being written
	line   []byte      // a header line longer than br's buffer
	prefix []byte      // body prefix of the current response
	kept   keptHeaders // evidence headers of the current response, as read
	idleAt time.Time
}

// h1Times are the set-up times of a call's connection.
type h1Times struct {
	reused            bool
	dns, connect, tls time.Duration
}

// invoke sends one request and fills s, as HTTPInvoker.Invoke documents.
func (c *h1Client) invoke(ctx context.Context, s *results.Sample) {
	start := time.Now()
	s.Start = start
	deadline := start.Add(c.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	var t h1Times
	r := h1Resp{start: start}
	cn, err := c.conn(ctx, start, deadline, &t)
	if err == nil {
		err = c.call(ctx, cn, s.RequestID, deadline, &r)
		if err != nil && t.reused && r.firstByte == 0 && retryable(err) && ctx.Err() == nil &&
			(c.idempotent || errors.Is(err, errWriteRequest)) {
			// The server closed an idle keep-alive connection before this request
			// reached it: send it once more on a new connection, as net/http does
			// (a request that is not idempotent only when it could not be written:
			// a POST the function may have run is not invoked twice).
			c.retries.Add(1)
			r, t = h1Resp{start: start}, h1Times{}
			if cn, err = c.dial(ctx, deadline, &t); err == nil {
				err = c.call(ctx, cn, s.RequestID, deadline, &r)
			}
		}
	}
	took := time.Since(start) // one clock read: time.Now reads two
	end := start.Add(took)
	s.LatencyMS = ms(took)
	s.ConnReused = t.reused
	s.DNSMS, s.ConnectMS, s.TLSMS = 0, 0, 0
	if !t.reused {
		s.DNSMS, s.ConnectMS, s.TLSMS = ms(t.dns), ms(t.connect), ms(t.tls)
	}
	s.TTFBMS = 0
	if r.status == 0 {
		s.Error, s.ErrorDetail = c.errorKind(ctx, err, end, deadline), c.redact.String(err.Error())
		return
	}
	s.TTFBMS = ms(r.firstByte)
	s.Status = r.status
	s.Evidence = c.evidence(&r)
	if err != nil {
		s.Error, s.ErrorDetail = c.errorKind(ctx, err, end, deadline), c.redact.String(err.Error())
		return
	}
	s.Error = StatusKind(r.status)
	c.put(cn, &r, end)
}

// call runs one request on cn, watching ctx when it can be cancelled. On error cn is
// closed.
func (c *h1Client) call(ctx context.Context, cn *h1Conn, id string, deadline time.Time, r *h1Resp) error {
	var stop func() bool
	if ctx.Done() != nil {
		nc := cn.nc
		stop = context.AfterFunc(ctx, func() { _ = nc.SetDeadline(longAgo) })
	}
	err := c.roundTrip(cn, id, deadline, r)
	if stop != nil && !stop() {
		r.close = true // the deadline may be set in the past at any moment now
		if err != nil {
			err = fmt.Errorf("%w: %w", ctx.Err(), err) // canceled, or timeout for a ctx deadline
		}
	}
	if err != nil {
		_ = cn.nc.Close()
	}
	return err
}

// roundTrip writes the request on cn and reads the answer into r.
func (c *h1Client) roundTrip(cn *h1Conn, id string, deadline time.Time, r *h1Resp) error {
	if err := cn.nc.SetDeadline(deadline); err != nil {
		return err
	}
	if !httpguts.ValidHeaderFieldValue(id) {
		return errors.New("request id is not a valid header value")
	}
	w := append(cn.wbuf[:0], c.head...)
	if c.idHeader != nil && (id != "" || c.idDefault != nil) {
		w = append(w, c.idHeader...)
		if id != "" {
			w = append(w, id...)
		} else {
			w = append(w, c.idDefault...)
		}
		w = append(w, "\r\n"...)
	}
	w = append(w, "\r\n"...)
	w = append(w, c.body...)
	cn.wbuf = w
	if _, err := cn.nc.Write(w); err != nil {
		return fmt.Errorf("%w: %w", errWriteRequest, err)
	}
	return c.readResponse(cn, r)
}

// put returns cn to the pool when its response allows it, or closes it.
func (c *h1Client) put(cn *h1Conn, r *h1Resp, now time.Time) {
	if c.fresh || r.close || cn.br.Buffered() > 0 {
		_ = cn.nc.Close()
		return
	}
	cn.idleAt = now
	c.mu.Lock()
	if c.closed || len(c.idle) >= maxIdleConns {
		c.mu.Unlock()
		_ = cn.nc.Close()
		return
	}
	c.idle = append(c.idle, cn)
	c.mu.Unlock()
}

// conn takes the most recently used idle connection that has not idled too long,
// or dials a new one.
func (c *h1Client) conn(ctx context.Context, now, deadline time.Time, t *h1Times) (*h1Conn, error) {
	if !c.fresh {
		c.mu.Lock()
		for n := len(c.idle); n > 0; n = len(c.idle) {
			cn := c.idle[n-1]
			c.idle[n-1] = nil
			c.idle = c.idle[:n-1]
			idle := now.Sub(cn.idleAt)
			if idle > idleConnTimeout {
				_ = cn.nc.Close()
				continue
			}
			c.mu.Unlock()
			if idle < checkIdleAfter || idleConnAlive(cn.tcp) {
				t.reused = true
				return cn, nil
			}
			_ = cn.nc.Close()
			c.mu.Lock()
		}
		c.mu.Unlock()
	}
	return c.dial(ctx, deadline, t)
}

// close closes the idle connections; connections in use are closed when their call
// ends.
func (c *h1Client) close() {
	c.mu.Lock()
	idle := c.idle
	c.idle, c.closed = nil, true
	c.mu.Unlock()
	for _, cn := range idle {
		_ = cn.nc.Close()
	}
}

// errorKind is ErrorKind, with one rule of the net/http path: whatever failed after
// the call's deadline passed failed by timeout.
func (c *h1Client) errorKind(ctx context.Context, err error, now, deadline time.Time) string {
	kind := ErrorKind(ctx, err)
	if kind != results.ErrCanceled && !now.Before(deadline) {
		return results.ErrTimeout
	}
	return kind
}

// errWriteRequest wraps a failure to write the request.
var errWriteRequest = errors.New("write request")

// retryable: the error a request meets on a connection the server closed while idle.
func retryable(err error) bool {
	return ErrorKind(context.Background(), err) == results.ErrReset
}
