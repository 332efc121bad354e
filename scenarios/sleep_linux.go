package scenarios

import (
	"context"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// preciseTimer waits on a timerfd that the runtime's network poller watches: the
// kernel's high-resolution timer wakes the poller when it fires, so a wait ends
// within microseconds while the goroutine is parked like any other. It is one wake-up
// per wait, with no runtime timer (whose expiry also wakes the runtime's monitor) and
// no thread held in a sleeping system call (which keeps the monitor polling every
// 20 µs). Its two system calls (arm, read) never block, so they are made raw: no
// hand-off of the goroutine's processor, and no wake-up of the runtime's monitor
// from its deep sleep when the process is otherwise idle.
type preciseTimer struct {
	f    *os.File        // watched by the poller
	rc   syscall.RawConn // f's, read through the poller
	fd   int             // f's descriptor, kept: f.Fd() would make f blocking
	read func(fd uintptr) (done bool)
	buf  [8]byte
	stop func() bool // ends the context watch

	mu     sync.Mutex // arm and close: the context watch arms from another goroutine
	closed bool
}

// newPreciseTimer returns a timer whose waits end early when ctx is done; ok is false
// when the system has no timerfd (the caller uses runtime timers instead).
func newPreciseTimer(ctx context.Context) (*preciseTimer, bool) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, false
	}
	p := &preciseTimer{f: os.NewFile(uintptr(fd), "timerfd"), fd: fd}
	if p.rc, err = p.f.SyscallConn(); err != nil {
		_ = p.f.Close()
		return nil, false
	}
	p.read = func(fd uintptr) bool {
		_, _, errno := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&p.buf[0])), uintptr(len(p.buf)))
		return errno != unix.EAGAIN // expired (or failed: the caller checks the time)
	}
	// Cancelled: fire now, ending the wait in progress (and the next ones at once).
	p.stop = context.AfterFunc(ctx, func() { _ = p.arm(time.Nanosecond) })
	return p, true
}

func (p *preciseTimer) arm(d time.Duration) error {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(max(d, time.Nanosecond)))}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return os.ErrClosed
	}
	_, _, errno := unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, uintptr(p.fd), 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// sleep waits for d, or less when the context is done or the timer fails; the caller
// checks the time and waits again.
func (p *preciseTimer) sleep(ctx context.Context, d time.Duration) {
	if ctx.Err() != nil {
		return
	}
	if p.arm(d) != nil {
		time.Sleep(d)
		return
	}
	_ = p.rc.Read(p.read)
}

func (p *preciseTimer) close() {
	p.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	_ = p.f.Close()
}
