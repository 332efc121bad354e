package scenarios

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// spacer holds sends at least Gap apart (max_rps for closed-model phases). It is a
// pure function of the times it is given; safe for concurrent use.
type spacer struct {
	mu   sync.Mutex
	gap  time.Duration
	next time.Time
}

// Reserve books the next send slot at or after now and returns how long to wait for it.
func (s *spacer) Reserve(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next.Before(now) {
		s.next = now
	}
	wait := s.next.Sub(now)
	s.next = s.next.Add(s.gap)
	return wait
}

func newSpacer(rps float64) *spacer {
	if rps <= 0 {
		return nil
	}
	return &spacer{gap: time.Duration(float64(time.Second) / rps)}
}

// admit reports whether one more invocation may be sent under max_requests. The first
// refusal stops the run with an error wrapping ErrGuard.
func (r *Runner) admit() bool {
	if r.sc.MaxRequests <= 0 || r.admitted.Add(1) <= r.sc.MaxRequests {
		return true
	}
	r.Stop(fmt.Errorf("%w: max_requests %d reached; no more requests are sent", ErrGuard, r.sc.MaxRequests))
	return false
}

// Stop stops sending: requests in flight finish and are recorded, and Run returns
// cause (the first one given). A Sink calls it to stop a run without losing the
// samples still to come (a budget spent). Safe for concurrent use; before Run it does
// nothing.
func (r *Runner) Stop(cause error) {
	r.stopMu.Lock()
	defer r.stopMu.Unlock()
	if r.stop != nil {
		r.stop(cause)
		r.stop = nil
	}
}

// pace waits for the next send slot under max_rps (closed-model phases, whose rate is
// not planned); it returns false when the run stops meanwhile.
func (r *Runner) pace(ctx context.Context) bool {
	if r.spacer == nil {
		return true
	}
	return r.clock.Sleep(ctx, r.spacer.Reserve(r.clock.Now())) == nil
}
