package probes

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/thaw-dev/thaw/internal/redact"
)

// useLean decides whether cfg is sent by the lean client.
func useLean(cfg HTTPConfig, u *url.URL) (bool, error) {
	proxied := proxyFor(u)
	switch cfg.Client {
	case "", ClientAuto:
		return u.Scheme == "http" && !proxied && cfg.Sign == nil && isASCII(u.Host), nil
	case ClientStd:
		return false, nil
	case ClientLean:
		switch {
		case cfg.Sign != nil:
			return false, errors.New("client lean cannot sign requests: use client auto or std")
		case proxied:
			return false, errors.New("client lean does not use proxies, and the environment sets one for this URL: use client auto or std")
		case !isASCII(u.Host):
			return false, errors.New("client lean needs an ASCII host name: use client auto or std")
		}
		return true, nil
	}
	return false, fmt.Errorf("client %q: want auto, lean or std", cfg.Client)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// newH1Client builds the request bytes for cfg (already defaulted) and u.
func newH1Client(cfg HTTPConfig, u *url.URL, method string, keep []string, rs *redact.Set) *h1Client {
	c := &h1Client{
		host:    u.Hostname(),
		port:    u.Port(),
		timeout: cfg.Timeout,
		fresh:   cfg.Fresh,
		noBody:  method == http.MethodHead,
		idempotent: method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions ||
			method == http.MethodTrace || hasHeader(cfg.Headers, "Idempotency-Key") || hasHeader(cfg.Headers, "X-Idempotency-Key"),
		body:    cfg.Body,
		prefixN: max(cfg.BodyPrefixBytes, 0),
		redact:  rs,
	}
	for _, k := range keep {
		if !slices.Contains(c.keep, k) {
			n := min(len(k), keepLenMax)
			c.keepLen[n] = append(c.keepLen[n], len(c.keep))
			c.keep = append(c.keep, k)
		}
	}
	if c.port == "" {
		c.port = "80"
		if u.Scheme == "https" {
			c.port = "443"
		}
	}
	c.addr = net.JoinHostPort(c.host, c.port)
	c.ipLiteral = net.ParseIP(c.host) != nil
	if u.Scheme == "https" {
		c.tls = &tls.Config{ServerName: c.host, NextProtos: []string{"http/1.1"}, InsecureSkipVerify: cfg.InsecureSkipVerify} //nolint:gosec // opt-in for self-signed test targets
	}
	c.head = c.requestHead(cfg, u, method)
	return c
}

// requestHead is the request line and every header that is the same on each call, in
// net/http's order: Host, User-Agent, Content-Length, Connection, then the configured
// headers sorted by name.
func (c *h1Client) requestHead(cfg HTTPConfig, u *url.URL, method string) []byte {
	host := u.Host
	ua := "thaw"
	names := make([]string, 0, len(cfg.Headers))
	hdr := make(map[string]string, len(cfg.Headers))
	idName := http.CanonicalHeaderKey(cfg.RequestIDHeader)
	for k, v := range cfg.Headers {
		ck := http.CanonicalHeaderKey(k)
		v = strings.Trim(v, " \t\r\n") // as net/http writes it
		switch {
		case ck == "Host":
			if v != "" {
				host = v
			}
		case ck == "User-Agent":
			if v != "" {
				ua = v
			}
		case ck == "Content-Length", ck == "Transfer-Encoding", ck == "Trailer":
			// net/http writes these itself
		case cfg.RequestIDHeader != "-" && ck == idName:
			c.idDefault = []byte(v)
		default:
			names = append(names, ck)
			hdr[ck] = v
		}
	}
	if _, ok := hdr["Authorization"]; !ok && u.User != nil {
		// what net/http's Client adds for credentials in the URL
		pw, _ := u.User.Password()
		names = append(names, "Authorization")
		hdr["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pw))
	}
	slices.Sort(names)
	b := make([]byte, 0, 256)
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, u.RequestURI()...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: "...)
	b = append(b, ua...)
	b = append(b, "\r\n"...)
	if len(cfg.Body) > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(cfg.Body)), 10)
		b = append(b, "\r\n"...)
	}
	if cfg.Fresh {
		b = append(b, "Connection: close\r\n"...)
	}
	for _, k := range names {
		b = append(b, k...)
		b = append(b, ": "...)
		b = append(b, hdr[k]...)
		b = append(b, "\r\n"...)
	}
	if cfg.RequestIDHeader != "-" {
		c.idHeader = []byte(idName + ": ")
	}
	return b
}

// hasHeader reports whether headers sets name (any case).
func hasHeader(headers map[string]string, name string) bool {
	for k := range headers {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}
