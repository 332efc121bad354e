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

// Admitter is an optional ability of a Sink: the Runner asks Admit before every send,
// and a non-nil error stops the run (as Stop) with that error. It is called from many
// goroutines at once, so implementations must be safe for concurrent use. A budget
// guard uses it to refuse the request that would pass the budget.
type Admitter interface {
	Admit() error
}

// admit reports whether one more invocation may be sent under max_requests and the
// Sink's Admitter. The first refusal stops the run with its error.
func (r *Runner) admit() bool {
	if r.sc.MaxRequests > 0 && r.admitted.Add(1) > r.sc.MaxRequests {
		r.Stop(fmt.Errorf("%w: max_requests %d reached; no more requests are sent", ErrGuard, r.sc.MaxRequests))
		return false
	}
	if a, ok := r.sink.(Admitter); ok {
		if err := a.Admit(); err != nil {
			r.Stop(err)
			return false
		}
	}
	return true
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
