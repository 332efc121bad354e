package probes

import (
	"bufio"
	"context"
	"crypto/tls"
	"net"
	"net/url"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// h1ReadBuffer is the size of a connection's read buffer: a usual status line and
// headers fit; longer header lines are gathered into h1Conn.line.
const h1ReadBuffer = 4096

// dial opens a new connection for one call and times its steps directly: DNS (when
// the host is a name), TCP connect (the resolved addresses in order, the first that
// answers wins) and the TLS handshake.
func (c *h1Client) dial(ctx context.Context, deadline time.Time, t *h1Times) (*h1Conn, error) {
	addrs := []string{c.addr}
	if !c.ipLiteral {
		t0 := time.Now()
		lctx, cancel := context.WithDeadline(ctx, deadline)
		ips, err := net.DefaultResolver.LookupNetIP(lctx, "ip", c.host)
		cancel()
		t.dns = time.Since(t0)
		if err != nil {
			return nil, err
		}
		addrs = addrs[:0]
		for _, ip := range ips {
			addrs = append(addrs, net.JoinHostPort(ip.Unmap().String(), c.port))
		}
	}
	d := net.Dialer{Deadline: deadline, KeepAlive: 30 * time.Second}
	t0 := time.Now()
	var nc net.Conn
	var err error
	for _, a := range addrs {
		var e error
		if nc, e = d.DialContext(ctx, "tcp", a); e == nil {
			break
		}
		if err == nil {
			err = e
		}
	}
	t.connect = time.Since(t0)
	if nc == nil {
		if err == nil {
			err = &net.DNSError{Err: "no addresses", Name: c.host, IsNotFound: true}
		}
		return nil, err
	}
	tcp := nc
	nc = rawIO(tcp)
	if c.tls != nil {
		if err := nc.SetDeadline(deadline); err != nil {
			_ = nc.Close()
			return nil, err
		}
		tc := tls.Client(nc, c.tls)
		t0 = time.Now()
		err := tc.HandshakeContext(ctx)
		t.tls = time.Since(t0)
		if err != nil {
			_ = nc.Close()
			return nil, err
		}
		nc = tc
	}
	return &h1Conn{nc: nc, tcp: tcp, br: bufio.NewReaderSize(nc, h1ReadBuffer)}, nil
}

// proxyFor reports whether the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, read
// now) sends requests to u through a proxy. Loopback hosts are never proxied.
func proxyFor(u *url.URL) bool {
	p, err := httpproxy.FromEnvironment().ProxyFunc()(u)
	return err != nil || p != nil
}
