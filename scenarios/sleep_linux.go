package scenarios

import (
	"syscall"
	"time"
)

// preciseSleep sleeps the calling thread for d with nanosleep (resuming after a
// signal with the time left), bypassing the runtime's timers.
func preciseSleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for {
		var left syscall.Timespec
		if err := syscall.Nanosleep(&ts, &left); err != syscall.EINTR {
			return
		}
		ts = left
	}
}
