//go:build !linux

package scenarios

import "time"

// preciseSleep sleeps for d (on Linux it bypasses the runtime's timers; elsewhere it
// is time.Sleep).
func preciseSleep(d time.Duration) { time.Sleep(d) }
