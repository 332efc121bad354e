package scenarios

import (
	"context"
	"strconv"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// sendMode says how a send's intended time relates to its actual one.
type sendMode int

const (
	closedSend sendMode = iota // Scheduled is the actual send (or the claim just before it, when given); intended latency = latency
	openSend                   // Scheduled is planned ahead; intended latency from it
)

// send sends one invocation now and records its sample (see deliver), feeding search
// when it is not nil. It reports false when a guard (max_requests) refused the send.
// It is called from many goroutines at once.
func (r *Runner) send(ctx context.Context, phase string, scheduled time.Time, mode sendMode, search *Bisector) bool {
	if !r.admit() {
		return false
	}
	r.sendReserved(ctx, phase, scheduled, mode, r.reserve(), search)
	return true
}

// slot is a send's sequence number and the count of requests in flight with it.
type slot struct{ seq, inFlight int64 }

// reserve takes the next sequence number and counts one more request in flight. An
// open-model worker reserves when it decides its arrival, in planned order under the
// pool's lock, so max_in_flight is exact and Seq follows the planned order.
func (r *Runner) reserve() slot {
	return slot{seq: r.seq.Add(1), inFlight: r.prog.inFlight.Add(1)}
}

// sendReserved is send for a request whose slot is already reserved. The slot is
// released once the sample is recorded.
func (r *Runner) sendReserved(ctx context.Context, phase string, scheduled time.Time, mode sendMode, sl slot, search *Bisector) {
	r.deliver(r.invokeReserved(ctx, phase, scheduled, mode, sl), search)
	r.prog.inFlight.Add(-1)
}

// invokeReserved sends one invocation and returns its completed sample. The Invoker
// owns the timeout of each call (the target timeout); the context it is given is not
// cancelled by an interrupt, so requests in flight finish and are recorded.
func (r *Runner) invokeReserved(ctx context.Context, phase string, scheduled time.Time, mode sendMode, sl slot) *results.Sample {
	s := &results.Sample{
		Seq:          sl.seq,
		RequestID:    requestID(r.reqID, sl.seq),
		Phase:        phase,
		IdleBeforeMS: -1,
		InFlight:     int(sl.inFlight),
	}
	now := scheduled
	if mode == openSend || now.IsZero() {
		now = r.clock.Now()
	}
	if last := r.lastEnd.Load(); last != 0 {
		s.IdleBeforeMS = max(sampleMS(now.Sub(time.Unix(0, last))), 0)
	}
	s.Scheduled, s.Start = scheduled, now
	if mode == closedSend {
		s.Scheduled = now
	}
	r.prog.sent.Add(1)
	r.inv.Invoke(r.sendCtx, s)
	s = r.withRetries(ctx, s)
	end := s.End()
	r.noteEnd(end)
	s.IntendedLatencyMS = s.LatencyMS
	if mode == openSend || s.Retries > 0 {
		s.IntendedLatencyMS = sampleMS(end.Sub(s.Scheduled))
	}
	return s
}

// sampleMS is d in milliseconds, rounded to the microsecond as the invokers keep
// durations (finer digits are noise, and cost the encoder its fast path).
func sampleMS(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond).Microseconds()) / 1000
}

// requestID is prefix-NNNNNN: the sequence number, zero-padded to six digits.
func requestID(prefix string, seq int64) string {
	var buf [64]byte
	b := append(buf[:0], prefix...)
	b = append(b, '-')
	for p := int64(100000); p > 1 && seq < p; p /= 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendInt(b, seq, 10))
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
