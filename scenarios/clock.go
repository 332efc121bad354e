package scenarios

import (
	"context"
	"time"
)

// Clock is the Runner's source of time. The default is the system clock; tests inject
// a fake one so that schedules run without waiting. Implementations must be safe for
// concurrent use.
type Clock interface {
	Now() time.Time
	// Sleep waits for d (returning at once when d <= 0), or until ctx is done, in which
	// case it returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock returns the real clock. Safe for concurrent use.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
