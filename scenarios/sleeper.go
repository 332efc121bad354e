package scenarios

import (
	"context"
	"time"
)

// preciseBelow is the wait under which the open-model dispatcher sleeps its thread
// (preciseSleep) instead of parking on a runtime timer. When the process is otherwise
// idle the runtime's timers fire from the network poller, whose wait has millisecond
// granularity, so a 400 µs wait can end a millisecond late: at 2,000 rps that is a
// late send for every arrival. A thread sleep ends within tens of microseconds and,
// unlike spinning, costs no CPU while it waits.
const preciseBelow = 2 * time.Millisecond

// sleeper waits for one goroutine (the open-model dispatcher) with one reused timer.
// With a clock other than the system clock (tests) it defers to the clock. Not safe
// for concurrent use; call stop when done.
type sleeper struct {
	clock  Clock
	system bool
	timer  *time.Timer
}

func newSleeper(c Clock) *sleeper {
	_, system := c.(systemClock)
	return &sleeper{clock: c, system: system}
}

// until waits until t, or until ctx is done (then it returns ctx.Err()).
func (s *sleeper) until(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !s.system {
		return s.clock.Sleep(ctx, t.Sub(s.clock.Now()))
	}
	for {
		d := time.Until(t)
		switch {
		case d <= 0:
			return nil
		case d <= preciseBelow:
			preciseSleep(d)
			return ctx.Err()
		}
		if s.timer == nil {
			s.timer = time.NewTimer(d - preciseBelow/2)
		} else {
			s.timer.Reset(d - preciseBelow/2)
		}
		select {
		case <-s.timer.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// stop releases the timer.
func (s *sleeper) stop() {
	if s.timer != nil {
		s.timer.Stop()
	}
}
