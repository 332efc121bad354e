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
// 20 µs). Its one system call (arm) never blocks, so it is made raw: no
// hand-off of the goroutine's processor, and no wake-up of the runtime's monitor
// from its deep sleep when the process is otherwise idle.
type preciseTimer struct {
	ctx  context.Context
	f    *os.File        // watched by the poller
	rc   syscall.RawConn // f's, read through the poller
	fd   int             // f's descriptor, kept: f.Fd() would make f blocking
	read func(fd uintptr) (done bool)
	stop func() bool // ends the context watch

	// the wait in progress (one goroutine waits at a time)
	wait   time.Duration
	armed  bool
	armErr error

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
	p := &preciseTimer{ctx: ctx, f: os.NewFile(uintptr(fd), "timerfd"), fd: fd}
	if p.rc, err = p.f.SyscallConn(); err != nil {
		_ = p.f.Close()
		return nil, false
	}
	// The timer is armed from inside the poller's read, after it has forgotten any
	// earlier readiness: an expiry however soon is then seen, and no read is tried
	// before the wait (it could only find the timer not yet expired). Nor after it:
	// arming resets the timer's expiry count, so the next expiry is a new edge for the
	// poller whether or not this one's count was read, and a wake-up that was not the
	// expiry (none is known) only makes the caller, which checks the time, wait again.
	p.read = func(fd uintptr) bool {
		if !p.armed {
			p.armed = true
			p.armErr = p.arm(p.wait)
			return p.armErr != nil
		}
		return true
	}
	// Cancelled: fire now, ending the wait in progress (and the next ones at once).
	p.stop = context.AfterFunc(ctx, func() { _ = p.arm(time.Nanosecond) })
	return p, true
}

// arm sets the timer to expire after d, or at once when the context is done (the
// context watch may have fired just before).
func (p *preciseTimer) arm(d time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return os.ErrClosed
	}
	if p.ctx.Err() != nil {
		d = 0
	}
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(int64(max(d, time.Nanosecond)))}
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
	p.wait, p.armed, p.armErr = d, false, nil
	if err := p.rc.Read(p.read); err != nil || p.armErr != nil {
		time.Sleep(d)
	}
}

func (p *preciseTimer) close() {
	p.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	_ = p.f.Close()
}
