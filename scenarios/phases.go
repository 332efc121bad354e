package scenarios

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// runPhase sends one phase and returns once all its samples are recorded.
func (r *Runner) runPhase(ctx context.Context, index int, p Phase) PhaseStats {
	start := r.clock.Now()
	var later time.Duration
	for _, q := range r.sc.Phases[index+1:] {
		later += r.scaledEstimate(q)
	}
	r.prog.startPhase(index, p.Name, start, r.scaledEstimate(p), later)
	ps := PhaseStats{Name: p.Name, PhaseInfo: results.PhaseInfo{Workload: p.Workload(), Started: start}}
	sentBefore := r.prog.sent.Load()
	switch {
	case p.Idle != nil && p.Idle.Search != nil:
		ps.Search = r.runSearch(ctx, p.Name, p.Idle.Search, start)
	case p.Idle != nil:
		r.runIdle(ctx, p.Name, p.Idle, start)
	case p.Burst != nil:
		r.runBurst(ctx, p.Name, p.Burst, start)
	case p.Rate != nil:
		sched := Schedule(ConstantSchedule{RPS: p.Rate.RPS, Duration: r.dur(p.Rate.Duration)})
		ps.RateTarget = p.Rate.RPS / float64(max(r.seg.Count, 1))
		r.runOpen(ctx, p.Name, r.segment(r.poisson(sched, p.Rate.Poisson, index)), p.Rate.MaxInFlight, &ps.PhaseInfo)
	case p.Ramp != nil:
		ramp := r.scaledRamp(p.Ramp)
		if secs := r.scaledEstimate(p).Seconds(); secs > 0 {
			ps.RateTarget = ramp.Total() / secs / float64(max(r.seg.Count, 1))
		}
		r.runOpen(ctx, p.Name, r.segment(r.poisson(ramp, p.Ramp.Poisson, index)), p.Ramp.MaxInFlight, &ps.PhaseInfo)
	case p.Concurrency != nil:
		r.runClosed(ctx, p.Name, p.Concurrency, start)
	case p.Trace != nil:
		if p.Trace.plan == nil { // a scenario built in memory: Load did not read the files
			_ = r.sc.LoadTraces()
		}
		if sched := p.Trace.Schedule(r.scale); sched != nil {
			if secs := r.scaledEstimate(p).Seconds(); secs > 0 {
				ps.RateTarget = float64(p.Trace.Planned()) / secs / float64(max(r.seg.Count, 1))
			}
			r.runOpen(ctx, p.Name, r.segment(sched), p.Trace.MaxInFlight, &ps.PhaseInfo)
		}
	}
	ps.Ended = r.clock.Now()
	ps.Sent = r.prog.sent.Load() - sentBefore
	if ps.Planned == 0 {
		ps.Planned = ps.Sent
	}
	return ps
}

func (r *Runner) scaledEstimate(p Phase) time.Duration {
	return time.Duration(float64(p.EstimatedDuration()) / r.scale)
}

func (r *Runner) scaledRamp(w *Ramp) *RampSchedule {
	stages := make([]Stage, len(w.Stages))
	for i, st := range w.Stages {
		stages[i] = Stage{To: st.To, Over: Duration(r.dur(st.Over))}
	}
	return NewRampSchedule(w.From, stages)
}

// segment returns the Runner's segment of an open-model schedule.
func (r *Runner) segment(s Schedule) Schedule {
	if r.seg.Count <= 1 {
		return s
	}
	return SegmentSchedule{Base: s, Segment: r.seg}
}

// poisson makes s a Poisson process when on, seeded with the scenario seed plus the
// phase index so that two Poisson phases do not repeat one pattern.
func (r *Runner) poisson(s Schedule, on bool, index int) Schedule {
	if !on {
		return s
	}
	return NewPoissonSchedule(s, r.sc.Seed+int64(index))
}

// runIdle waits each gap after the previous response ended, then invokes, one at a time.
func (r *Runner) runIdle(ctx context.Context, phase string, w *Idle, start time.Time) {
	intervals := make([]time.Duration, len(w.Intervals))
	for i, d := range w.Intervals {
		intervals[i] = r.dur(d)
	}
	for _, gap := range SegmentGaps(IdleGaps(intervals, w.Samples, w.Order == "shuffled", r.sc.Seed), r.seg) {
		if r.sleepUntil(ctx, r.sinceLastEnd(start).Add(gap)) != nil {
			return
		}
		r.send(ctx, phase, time.Time{}, closedSend, nil)
	}
}

// runSearch bisects on the idle gap. Each sample is classified and shown to the
// search as it is recorded, before the next gap is chosen. When nothing has completed
// yet in the run, one priming invocation (recorded, not judged) makes sure an
// instance exists before the first gap.
func (r *Runner) runSearch(ctx context.Context, phase string, w *IdleSearch, start time.Time) *SearchResult {
	if r.seg.Index > 1 { // a bisection is sequential: segment 1 runs it alone
		return nil
	}
	b := NewBisector(r.dur(w.Min), r.dur(w.Max), r.dur(w.Precision), w.Samples)
	if r.lastEnd.Load() == 0 && ctx.Err() == nil {
		r.send(ctx, phase, time.Time{}, closedSend, nil)
	}
	for {
		gap, ok := b.Next()
		if !ok || r.sleepUntil(ctx, r.sinceLastEnd(start).Add(gap)) != nil {
			break
		}
		r.send(ctx, phase, time.Time{}, closedSend, b)
	}
	lo, hi := b.Bounds()
	return &SearchResult{LowMS: durMS(lo), HighMS: durMS(hi), GaveUp: b.GaveUp(), Probes: b.Probes()}
}

// runBurst releases Size invocations at one instant, after AfterIdle of quiet since the
// previous response ended, Repeat times. All goroutines are started first and wait on
// a gate, so the release is as close to simultaneous as the machine allows.
func (r *Runner) runBurst(ctx context.Context, phase string, w *Burst, start time.Time) {
	plan := BurstPlan{AfterIdle: r.dur(w.AfterIdle), Size: int(SplitCount(int64(w.Size), r.seg)), Repeat: w.Repeat}
	for k := 0; ; k++ {
		quiet, size, ok := plan.Release(k)
		if !ok || r.sleepUntil(ctx, r.sinceLastEnd(start).Add(quiet)) != nil {
			return
		}
		gate := make(chan struct{})
		var release time.Time
		var wg sync.WaitGroup
		for range size {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				r.send(ctx, phase, release, openSend, nil)
			}()
		}
		release = r.clock.Now()
		close(gate)
		wg.Wait()
	}
}

// runClosed runs the closed model: workers loops, each claiming the next iteration
// from a shared counter, so that exactly Iterations invocations are sent in total.
func (r *Runner) runClosed(ctx context.Context, phase string, w *Concurrency, start time.Time) {
	plan := SegmentClosed(ClosedPlan{Workers: w.Workers, Duration: r.dur(w.Duration), Iterations: int64(w.Iterations)}, r.seg)
	var claimed atomic.Int64
	var wg sync.WaitGroup
	for range plan.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && r.pace(ctx) {
				// The time of the claim is the send's: one clock read for both.
				now := r.clock.Now()
				if !plan.Continue(now.Sub(start), claimed.Add(1)-1) || !r.send(ctx, phase, now, closedSend, nil) {
					return
				}
			}
		}()
	}
	wg.Wait()
}
