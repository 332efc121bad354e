package scenarios

import (
	"context"
	"fmt"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// sendMode says how a send's intended time relates to its actual one.
type sendMode int

const (
	closedSend sendMode = iota // Scheduled is the actual send; intended latency = latency
	openSend                   // Scheduled is planned ahead; intended latency from it
)

// invoke sends one invocation now and returns its completed sample, or nil when a
// guard (max_requests) refuses it. It is called from many goroutines at once.
func (r *Runner) invoke(ctx context.Context, phase string, scheduled time.Time, mode sendMode) *results.Sample {
	if !r.admit() {
		return nil
	}
	return r.invokeReserved(ctx, phase, scheduled, mode, r.reserve())
}

// slot is a send's sequence number and the count of requests in flight with it.
type slot struct{ seq, inFlight int64 }

// reserve takes the next sequence number and counts one more request in flight. The
// open-model dispatcher reserves before it starts the goroutine, so max_in_flight is
// exact and Seq follows the planned order.
func (r *Runner) reserve() slot {
	return slot{seq: r.seq.Add(1), inFlight: r.prog.inFlight.Add(1)}
}

// invokeReserved is invoke for a request whose slot is already reserved.
func (r *Runner) invokeReserved(ctx context.Context, phase string, scheduled time.Time, mode sendMode, sl slot) *results.Sample {
	s := &results.Sample{
		Seq:          sl.seq,
		RequestID:    fmt.Sprintf("%s-%06d", r.reqID, sl.seq),
		Phase:        phase,
		IdleBeforeMS: -1,
		InFlight:     int(sl.inFlight),
	}
	now := r.clock.Now()
	if last := r.lastEnd.Load(); last != 0 {
		s.IdleBeforeMS = max(durMS(now.Sub(time.Unix(0, last))), 0)
	}
	s.Scheduled, s.Start = scheduled, now
	if mode == closedSend {
		s.Scheduled = now
	}
	r.prog.sent.Add(1)
	r.prog.phaseSent.Add(1)
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.sc.Target.Timeout.D()+invokeGrace)
	r.inv.Invoke(ictx, s)
	cancel()
	s = r.withRetries(ctx, s, func(next *results.Sample) {
		ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.sc.Target.Timeout.D()+invokeGrace)
		defer cancel()
		r.inv.Invoke(ictx, next)
	})
	r.prog.inFlight.Add(-1)
	end := s.End()
	r.noteEnd(end)
	s.IntendedLatencyMS = s.LatencyMS
	if mode == openSend || s.Retries > 0 {
		s.IntendedLatencyMS = durMS(end.Sub(s.Scheduled))
	}
	return s
}

// noteEnd moves the latest response end forward to end.
func (r *Runner) noteEnd(end time.Time) {
	n := end.UnixNano()
	for {
		old := r.lastEnd.Load()
		if n <= old || r.lastEnd.CompareAndSwap(old, n) {
			return
		}
	}
}

// sinceLastEnd returns the time at which a gap measured from the end of the previous
// response started: that end, or fallback when nothing has completed yet.
func (r *Runner) sinceLastEnd(fallback time.Time) time.Time {
	if last := r.lastEnd.Load(); last != 0 {
		return time.Unix(0, last)
	}
	return fallback
}

// sleepUntil waits until t on the Runner's clock.
func (r *Runner) sleepUntil(ctx context.Context, t time.Time) error {
	return r.clock.Sleep(ctx, t.Sub(r.clock.Now()))
}
