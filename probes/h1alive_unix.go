//go:build unix

package probes

import (
	"net"
	"syscall"
)

// idleConnAlive reports whether an idle connection still looks usable: nothing to
// read on it (an idle HTTP/1.1 connection has nothing to say; EOF or data means the
// server closed it or is closing it). It peeks without blocking and consumes nothing.
func idleConnAlive(tcp net.Conn) bool {
	rc := rawConnOf(tcp)
	if rc == nil {
		return true
	}
	alive := true
	var buf [1]byte
	err := rc.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		alive = n < 0 && (rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK)
		return true
	})
	return err == nil && alive
}

// rawConnOf returns c's RawConn, or nil when it has none.
func rawConnOf(c net.Conn) syscall.RawConn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}
