package probes

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection, closed at the test's end.
func tcpPair(t *testing.T) (client, server *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { _ = c.Close(); _ = s.Close() })
	return c.(*net.TCPConn), s.(*net.TCPConn)
}

// TestRawIOBehavesAsNetConn: the lean client's raw reads and writes give what a plain
// net.Conn gives, case by case: the same bytes (a write larger than the socket
// buffers waits on the poller), and errors of the same kind (ErrorKind) for a
// deadline, a clean close, a reset and a close from another goroutine.
func TestRawIOBehavesAsNetConn(t *testing.T) {
	cases := []struct {
		name     string
		run      func(t *testing.T, c net.Conn, peer *net.TCPConn) error
		wantKind string // ErrorKind of the error; "" for none
		wantErr  error  // errors.Is, when set
	}{
		{"large write waits for the reader", func(t *testing.T, c net.Conn, peer *net.TCPConn) error {
			payload := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
			got := make(chan []byte, 1)
			go func() {
				time.Sleep(20 * time.Millisecond) // the writer fills the buffers and waits
				b, _ := io.ReadAll(io.LimitReader(peer, int64(len(payload))))
				got <- b
			}()
			if n, err := c.Write(payload); err != nil || n != len(payload) {
				return errors.Join(err, errors.New("short write"))
			}
			if b := <-got; !bytes.Equal(b, payload) {
				t.Errorf("peer read %d bytes, not the %d written", len(b), len(payload))
			}
			if _, err := peer.Write([]byte("pong")); err != nil {
				return err
			}
			buf := make([]byte, 16)
			n, err := io.ReadAtLeast(c, buf, 4)
			if string(buf[:n]) != "pong" {
				t.Errorf("read %q, want pong", buf[:n])
			}
			return err
		}, "", nil},
		{"read deadline", func(_ *testing.T, c net.Conn, _ *net.TCPConn) error {
			if err := c.SetDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
				return err
			}
			_, err := c.Read(make([]byte, 8))
			return err
		}, "timeout", nil},
		{"peer closes", func(_ *testing.T, c net.Conn, peer *net.TCPConn) error {
			_ = peer.Close()
			_, err := c.Read(make([]byte, 8))
			return err
		}, "reset", io.EOF},
		{"peer resets", func(_ *testing.T, c net.Conn, peer *net.TCPConn) error {
			_ = peer.SetLinger(0)
			_ = peer.Close()
			_, err := c.Read(make([]byte, 8))
			return err
		}, "reset", nil},
		{"closed while reading", func(_ *testing.T, c net.Conn, _ *net.TCPConn) error {
			time.AfterFunc(20*time.Millisecond, func() { _ = c.Close() })
			_, err := c.Read(make([]byte, 8))
			return err
		}, "other", net.ErrClosed},
	}
	for _, tc := range cases {
		for _, raw := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "/net.Conn", true: "/raw"}[raw]
			t.Run(name, func(t *testing.T) {
				client, peer := tcpPair(t)
				var c net.Conn = client
				if raw {
					if c = rawIO(client); c == net.Conn(client) && runtime.GOOS == "linux" {
						t.Fatal("rawIO returned the connection as it was")
					}
				}
				err := tc.run(t, c, peer)
				kind := ""
				if err != nil {
					kind = ErrorKind(context.Background(), err)
				}
				if kind != tc.wantKind || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
					t.Fatalf("error %v (kind %q), want kind %q, errors.Is %v", err, kind, tc.wantKind, tc.wantErr)
				}
				var oe *net.OpError
				if err != nil && !errors.Is(err, io.EOF) && (!errors.As(err, &oe) || oe.Op != "read") {
					t.Errorf("error %#v, want a *net.OpError of read", err)
				}
			})
		}
	}
}
