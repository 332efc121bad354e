//go:build linux

package probes

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawIO returns tcp with its reads and writes made as raw system calls through its
// RawConn, still parked on the network poller when the socket is not ready and still
// bound by its deadlines. A socket's read and write never block, and a raw call
// leaves the runtime alone: no hand-off of the goroutine's processor, and no wake-up
// of the runtime's monitor thread, which otherwise leaves its deep sleep at the first
// system call after the process was idle and then polls every 20 µs while the request
// runs: at moderate open-model rates that was most of the wake-ups per request. The
// connection is used by one call at a time; Close and SetDeadline may come from any
// goroutine. tcp is returned as it is when it has no RawConn.
func rawIO(tcp net.Conn) net.Conn {
	rc := rawConnOf(tcp)
	if rc == nil {
		return tcp
	}
	c := &rawConn{Conn: tcp, rc: rc}
	c.readFn = func(fd uintptr) bool {
		for {
			n, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(unsafe.SliceData(c.buf))), uintptr(len(c.buf)))
			switch e {
			case unix.EINTR:
				continue
			case unix.EAGAIN:
				return false
			}
			c.n, c.errno = int(n), e
			return true
		}
	}
	c.writeFn = func(fd uintptr) bool {
		for len(c.buf) > 0 {
			n, _, e := unix.RawSyscall(unix.SYS_WRITE, fd, uintptr(unsafe.Pointer(unsafe.SliceData(c.buf))), uintptr(len(c.buf)))
			switch e {
			case 0:
				c.n += int(n)
				c.buf = c.buf[n:]
			case unix.EINTR:
			case unix.EAGAIN:
				return false
			default:
				c.errno = e
				return true
			}
		}
		return true
	}
	return c
}

// rawConn is a net.Conn whose Read and Write are raw system calls (see rawIO).
type rawConn struct {
	net.Conn
	rc              syscall.RawConn
	readFn, writeFn func(fd uintptr) bool // made once: no closure per call
	// the call in progress
	buf   []byte
	n     int
	errno syscall.Errno
}

// Read reads as net.Conn's Read: io.EOF at the end, errors as *net.OpError.
func (c *rawConn) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	c.buf, c.n, c.errno = b, 0, 0
	err := c.rc.Read(c.readFn)
	c.buf = nil
	switch {
	case err != nil:
		return 0, c.opError("read", err)
	case c.errno != 0:
		return 0, c.opError("read", os.NewSyscallError("read", c.errno))
	case c.n == 0:
		return 0, io.EOF
	}
	return c.n, nil
}

// Write writes all of b, as net.Conn's Write; errors as *net.OpError.
func (c *rawConn) Write(b []byte) (int, error) {
	c.buf, c.n, c.errno = b, 0, 0
	err := c.rc.Write(c.writeFn)
	c.buf = nil
	switch {
	case err != nil:
		return c.n, c.opError("write", err)
	case c.errno != 0:
		return c.n, c.opError("write", os.NewSyscallError("write", c.errno))
	}
	return c.n, nil
}

// opError wraps err as net.Conn's methods do; an error of the RawConn already is one
// (named raw-read or raw-write), renamed op.
func (c *rawConn) opError(op string, err error) error {
	if oe, ok := errors.AsType[*net.OpError](err); ok {
		cp := *oe
		cp.Op = op
		return &cp
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}
