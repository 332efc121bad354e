package scenarios

import (
	"context"
	"time"
)

// sleeper waits for one goroutine (an open-model worker). With the system clock
// on Linux it waits on a timerfd watched by the network poller (preciseTimer): when
// the process is otherwise idle the runtime's timers fire from the poller, whose wait
// has millisecond granularity, so a 400 µs wait can end a millisecond late (at 2,000
// rps, a late send for every arrival); the timerfd ends within microseconds and costs
// one wake-up per wait. Elsewhere it uses one reused runtime timer; with a clock other
// than the system clock (tests) it defers to the clock. Not safe for concurrent use;
// call stop when done.
type sleeper struct {
	clock   Clock
	system  bool
	timer   *time.Timer
	precise *preciseTimer // nil until the first wait, or when there is none
	tried   bool
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
	if !s.tried {
		s.tried = true
		s.precise, _ = newPreciseTimer(ctx)
	}
	for {
		d := time.Until(t)
		if d <= 0 {
			return ctx.Err()
		}
		if s.precise != nil {
			s.precise.sleep(ctx, d)
		} else if err := s.sleepTimer(ctx, d); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// sleepTimer waits for d on the reused runtime timer.
func (s *sleeper) sleepTimer(ctx context.Context, d time.Duration) error {
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	select {
	case <-s.timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop releases the timers.
func (s *sleeper) stop() {
	if s.timer != nil {
		s.timer.Stop()
	}
	if s.precise != nil {
		s.precise.close()
	}
}
