package probes

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/results"
)

// DefaultEvidenceHeaders are the response headers every HTTP sample keeps as evidence
// (when present) so that probes can judge it, now or later with --reclassify: thaw's
// emulator truth, the function snippets' markers, and platform signals.
var DefaultEvidenceHeaders = []string{
	"X-Thaw-Instance", "X-Thaw-Cold", "X-Thaw-Init-Ms", "X-Thaw-Since-Init-Ms",
	"X-Thaw-Instance-Requests", "X-Thaw-Prewarmed", "X-Thaw-Queued-Ms",
	"X-Function-Instance", "X-Function-Cold", "X-Function-Since-Init-Ms", "X-Function-Count",
	"X-Amz-Log-Result", "X-Amz-Function-Error", "X-Amzn-Requestid", "X-Amz-Executed-Version",
	"X-Duration-Seconds", "X-Start-Time", "Server-Timing", "X-Cloud-Trace-Context",
	"Function-Execution-Id", "Cf-Ray", "Retry-After",
	"X-Function-Init-Ms", "X-Function-Prewarmed", "X-Function-Queued-Ms",
	"X-Function-Cpu-Ms", "X-Thaw-Cpu-Ms",
}

// DefaultRequestIDHeader carries Sample.RequestID to the target, so samples join
// platform logs and the emulator's truth log.
const DefaultRequestIDHeader = "X-Request-Id"

// DefaultBodyPrefixBytes is how much of each response body is kept as evidence.
const DefaultBodyPrefixBytes = 512

// DefaultTimeout bounds one invocation when HTTPConfig.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// HTTPConfig describes the requests an HTTPInvoker sends.
type HTTPConfig struct {
	URL     string
	Method  string            // default GET
	Headers map[string]string // sent with every request; values are never recorded
	Body    []byte
	Timeout time.Duration // per invocation, including reading the body

	// Fresh opens a new connection for every request (no keep-alive), so every sample
	// pays DNS, connect and TLS; otherwise connections are pooled and reused.
	Fresh bool

	RequestIDHeader    string   // default X-Request-Id; "-" sends none
	KeepHeaders        []string // response headers kept as evidence, besides DefaultEvidenceHeaders
	BodyPrefixBytes    int      // default 512; negative keeps none
	InsecureSkipVerify bool

	// Sign, when set, signs every request after its headers are set (SigV4.Sign).
	Sign Signer

	// Client picks the HTTP client: ClientAuto (""), ClientLean or ClientStd.
	Client string

	// Secrets are values scrubbed from the evidence and error details as they are
	// captured (a target may echo request headers). The values of credential headers
	// in Headers (Authorization, Cookie, X-Api-Key, …) are always added.
	Secrets []string
}

// HTTPInvoker sends invocations over HTTP and measures each step: with thaw's own
// HTTP/1.1 client (ClientLean: set-up and first-byte times taken directly) or with
// net/http and httptrace (ClientStd: HTTP/2, proxies, signing). Both fill a Sample
// the same way. It is safe for concurrent use.
type HTTPInvoker struct {
	cfg       HTTPConfig
	method    string
	client    *http.Client
	transport *http.Transport
	lean      *h1Client // nil: net/http sends
	keep      []string
	redact    *redact.Set
}

// NewHTTPInvoker checks cfg and builds the connection pool.
func NewHTTPInvoker(cfg HTTPConfig) (*HTTPInvoker, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target url %q: want http(s)://host[:port]/path", redactURL(cfg.URL))
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RequestIDHeader == "" {
		cfg.RequestIDHeader = DefaultRequestIDHeader
	}
	if cfg.BodyPrefixBytes == 0 {
		cfg.BodyPrefixBytes = DefaultBodyPrefixBytes
	}
	method := strings.ToUpper(cfg.Method)
	if method == "" {
		method = http.MethodGet
	}
	if err := checkRequestParts(method, cfg.Headers); err != nil {
		return nil, err
	}
	lean, err := useLean(cfg, u)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           0, // no global limit
		MaxIdleConnsPerHost:    4096,
		MaxResponseHeaderBytes: maxHeaderBytes,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    cfg.Timeout,
		ExpectContinueTimeout:  time.Second,
		DisableKeepAlives:      cfg.Fresh,
		DisableCompression:     true,                                                    // measure what the function sends, not gzip
		TLSClientConfig:        &tls.Config{InsecureSkipVerify: cfg.InsecureSkipVerify}, //nolint:gosec // opt-in for self-signed test targets
	}
	keep := append(append([]string{}, DefaultEvidenceHeaders...), cfg.KeepHeaders...)
	for i, h := range keep {
		keep[i] = http.CanonicalHeaderKey(h)
	}
	h := &HTTPInvoker{
		cfg:       cfg,
		method:    method,
		transport: tr,
		client: &http.Client{
			Transport: tr,
			// A redirect is the function's answer, not something to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		keep:   keep,
		redact: redact.New(append(secretValues(cfg), urlSecrets(u)...)...),
	}
	if lean {
		h.lean = newH1Client(cfg, u, method, keep, h.redact)
	}
	return h, nil
}

// Client names the client that sends the requests: ClientLean or ClientStd.
func (h *HTTPInvoker) Client() string {
	if h.lean != nil {
		return ClientLean
	}
	return ClientStd
}

// checkRequestParts rejects a method or header that cannot be sent as it is.
func checkRequestParts(method string, headers map[string]string) error {
	if !httpguts.ValidHeaderFieldName(method) { // a method is a token, as a header name
		return fmt.Errorf("method %q is not a valid HTTP method", method)
	}
	for k, v := range headers {
		if !httpguts.ValidHeaderFieldName(k) {
			return fmt.Errorf("header %q: not a valid header name", k)
		}
		if !httpguts.ValidHeaderFieldValue(v) {
			return fmt.Errorf("header %s: the value holds a line break or another control character", k)
		}
	}
	return nil
}

// secretValues are cfg.Secrets and the values of cfg's credential headers.
func secretValues(cfg HTTPConfig) []string {
	out := append([]string{}, cfg.Secrets...)
	for k, v := range cfg.Headers {
		if redact.IsSecretHeader(k) {
			out = append(out, redact.HeaderValues(v)...)
		}
	}
	return out
}

// urlSecrets are the password of credentials in the URL and the Basic credential
// made of them, which a target may echo.
func urlSecrets(u *url.URL) []string {
	pw, ok := u.User.Password()
	if !ok {
		return nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + pw))
	return []string{pw, basic}
}

// Close releases idle connections.
func (h *HTTPInvoker) Close() {
	h.transport.CloseIdleConnections()
	if h.lean != nil {
		h.lean.close()
	}
}

// Invoke sends one request and fills s: Start, LatencyMS, TTFBMS, DNSMS, ConnectMS,
// TLSMS, ConnReused, Status, Error (kind), ErrorDetail and Evidence. It never fails:
// a failed request is recorded in s.
func (h *HTTPInvoker) Invoke(ctx context.Context, s *results.Sample) {
	if h.lean != nil {
		h.lean.invoke(ctx, s)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()
	var tr traceTimes
	ctx = httptrace.WithClientTrace(ctx, tr.clientTrace())

	req, err := h.newRequest(ctx, s.RequestID)
	if err != nil {
		s.Start = time.Now()
		s.Error, s.ErrorDetail = results.ErrOther, h.redact.String(err.Error())
		return
	}
	tr.start = time.Now()
	s.Start = tr.start
	resp, err := h.client.Do(req)
	if err != nil {
		h.fail(ctx, s, &tr, err)
		return
	}
	body, rerr := readBody(resp.Body, h.cfg.BodyPrefixBytes)
	end := time.Now()
	tr.fill(s, end)
	s.Status = resp.StatusCode
	s.Evidence = h.evidence(resp.Header, body)
	if rerr != nil {
		s.Error, s.ErrorDetail = ErrorKind(ctx, rerr), h.redact.String(errDetail(rerr))
		return
	}
	s.Error = StatusKind(resp.StatusCode)
}

func (h *HTTPInvoker) newRequest(ctx context.Context, requestID string) (*http.Request, error) {
	var body io.Reader
	if len(h.cfg.Body) > 0 {
		body = bytes.NewReader(h.cfg.Body)
	}
	req, err := http.NewRequestWithContext(ctx, h.method, h.cfg.URL, body)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range h.cfg.Headers {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	if h.cfg.RequestIDHeader != "-" && requestID != "" {
		req.Header.Set(h.cfg.RequestIDHeader, requestID)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "thaw")
	}
	if h.cfg.Sign != nil {
		if err := h.cfg.Sign(ctx, req, h.cfg.Body); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func (h *HTTPInvoker) fail(ctx context.Context, s *results.Sample, tr *traceTimes, err error) {
	tr.fill(s, time.Now())
	s.TTFBMS = 0
	s.Error, s.ErrorDetail = ErrorKind(ctx, err), h.redact.String(errDetail(err))
}

// evidence keeps the allow-listed headers and the body prefix; nil when there is none.
func (h *HTTPInvoker) evidence(hdr http.Header, body []byte) *results.Evidence {
	var ev results.Evidence
	for _, k := range h.keep {
		if v := hdr.Get(k); v != "" {
			if ev.Headers == nil {
				ev.Headers = map[string]string{}
			}
			ev.Headers[k] = h.redact.String(v)
		}
	}
	if len(body) > 0 {
		ev.Body = h.redact.String(string(body))
	}
	if ev.Headers == nil && ev.Body == "" {
		return nil
	}
	return &ev
}

// readBody reads the whole body (so latency includes it) and returns its first n bytes.
func readBody(rc io.ReadCloser, n int) ([]byte, error) {
	defer rc.Close()
	var prefix []byte
	if n > 0 {
		buf := make([]byte, n)
		k, err := io.ReadFull(rc, buf)
		prefix = buf[:k]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return prefix, nil
		}
		if err != nil {
			return prefix, err
		}
	}
	_, err := io.Copy(io.Discard, rc)
	return prefix, err
}

// traceTimes collects httptrace events for one request. The callbacks may run on
// other goroutines (happy eyeballs dials in parallel), hence the mutex.
type traceTimes struct {
	mu                  sync.Mutex
	start               time.Time
	dnsStart, dnsDone   time.Time
	connStart, connDone time.Time
	tlsStart, tlsDone   time.Time
	firstByte           time.Time
	reused              bool
}

func (t *traceTimes) clientTrace() *httptrace.ClientTrace {
	at := func(p *time.Time, first bool) {
		t.mu.Lock()
		if !first || p.IsZero() {
			*p = time.Now()
		}
		t.mu.Unlock()
	}
	return &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { at(&t.dnsStart, true) },
		DNSDone:              func(httptrace.DNSDoneInfo) { at(&t.dnsDone, false) },
		ConnectStart:         func(string, string) { at(&t.connStart, true) },
		ConnectDone:          func(string, string, error) { at(&t.connDone, false) },
		TLSHandshakeStart:    func() { at(&t.tlsStart, true) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { at(&t.tlsDone, false) },
		GotFirstResponseByte: func() { at(&t.firstByte, true) },
		GotConn: func(info httptrace.GotConnInfo) {
			t.mu.Lock()
			t.reused = info.Reused
			t.mu.Unlock()
		},
	}
}

// fill writes the measured durations into s; end is when the body was read.
func (t *traceTimes) fill(s *results.Sample, end time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.LatencyMS = ms(end.Sub(t.start))
	if !t.firstByte.IsZero() {
		s.TTFBMS = ms(t.firstByte.Sub(t.start))
	}
	s.ConnReused = t.reused
	s.DNSMS, s.ConnectMS, s.TLSMS = 0, 0, 0
	if t.reused {
		// Go's transport may hand this request an idle connection while a dial it
		// started for it goes on and finishes later (for the pool): those DNS,
		// connect and TLS callbacks belong to no request that used them. Set-up is
		// charged only to the request whose new connection it was.
		return
	}
	s.DNSMS = span(t.dnsStart, t.dnsDone)
	s.ConnectMS = span(t.connStart, t.connDone)
	s.TLSMS = span(t.tlsStart, t.tlsDone)
}

func span(a, b time.Time) float64 {
	if a.IsZero() || b.IsZero() || b.Before(a) {
		return 0
	}
	return ms(b.Sub(a))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// redactURL drops credentials and the query (which may carry a token) from u, for
// messages and results files.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "<invalid url>"
	}
	p.User = nil
	if p.RawQuery != "" {
		p.RawQuery = "…"
	}
	return p.String()
}

// RedactURL is the target URL as it may be written to results files and logs: no
// user info, no query string.
func RedactURL(u string) string { return redactURL(u) }
