//go:build !linux

package scenarios

import (
	"context"
	"time"
)

// preciseTimer is a timerfd on Linux; elsewhere there is none and the sleeper uses
// runtime timers.
type preciseTimer struct{}

func newPreciseTimer(context.Context) (*preciseTimer, bool) { return nil, false }

func (*preciseTimer) sleep(context.Context, time.Duration) {}

func (*preciseTimer) close() {}
