package scenarios

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// AssumedResponse is the response time EstimatedRequests assumes for a closed-model
// phase that runs for a duration (its count depends on how fast the target answers).
const AssumedResponse = 100 * time.Millisecond

// ErrGuard is wrapped by every error that stops a run because of a guard
// (max_requests, max_rps, budget).
var ErrGuard = errors.New("guard")

// RequestEstimate is how many invocations a scenario (or phase) would send.
type RequestEstimate struct {
	N     int64 // invocations
	Exact bool  // false when N depends on response times (closed model with a duration)
}

// EstimatedRequests is how many invocations the scenario would send: idle samples,
// burst sizes, rate × duration, the ramp's area, concurrency iterations, and for a
// closed-model phase with a duration workers × duration / AssumedResponse. max_requests
// caps it. Safe for concurrent use.
func (sc *Scenario) EstimatedRequests() RequestEstimate {
	total := RequestEstimate{Exact: true}
	for _, p := range sc.Phases {
		e := p.EstimatedRequests()
		total.N += e.N
		total.Exact = total.Exact && e.Exact
	}
	if sc.MaxRequests > 0 && total.N >= sc.MaxRequests {
		return RequestEstimate{N: sc.MaxRequests, Exact: true}
	}
	return total
}

// EstimatedRequests is the phase's part of Scenario.EstimatedRequests.
func (p Phase) EstimatedRequests() RequestEstimate {
	switch {
	case p.Idle != nil && p.Idle.Search != nil:
		s := p.Idle.Search
		rounds := 0.0
		if span := float64(s.Max - s.Min); s.Precision > 0 && span > float64(s.Precision) {
			rounds = math.Ceil(math.Log2(span / float64(s.Precision)))
		}
		return RequestEstimate{N: int64(rounds)*int64(max(s.Samples, 1)) + 1} // + the priming call
	case p.Idle != nil:
		return RequestEstimate{N: int64(len(p.Idle.Intervals)) * int64(max(p.Idle.Samples, 1)), Exact: true}
	case p.Burst != nil:
		return RequestEstimate{N: int64(p.Burst.Size) * int64(max(p.Burst.Repeat, 1)), Exact: true}
	case p.Rate != nil:
		return RequestEstimate{N: int64(math.Ceil(p.Rate.RPS * p.Rate.Duration.D().Seconds())), Exact: true}
	case p.Ramp != nil:
		return RequestEstimate{N: int64(math.Ceil(NewRampSchedule(p.Ramp.From, p.Ramp.Stages).Total())), Exact: true}
	case p.Concurrency != nil:
		c := p.Concurrency
		byTime := int64(-1)
		if c.Duration > 0 {
			byTime = int64(c.Workers) * int64(c.Duration.D()/AssumedResponse)
		}
		switch {
		case c.Iterations > 0 && (byTime < 0 || int64(c.Iterations) <= byTime):
			return RequestEstimate{N: int64(c.Iterations), Exact: true}
		case byTime >= 0:
			return RequestEstimate{N: byTime}
		}
	}
	return RequestEstimate{Exact: true}
}

// PeakRate is the highest send rate (per second) the phase plans: its rate, the ramp's
// highest stage, or a burst's size (sent at one instant). Closed-model phases plan
// none (0): their rate is whatever the target allows.
func (p Phase) PeakRate() float64 {
	switch {
	case p.Rate != nil:
		return p.Rate.RPS
	case p.Ramp != nil:
		peak := p.Ramp.From
		for _, st := range p.Ramp.Stages {
			peak = max(peak, st.To)
		}
		return peak
	case p.Burst != nil:
		return float64(p.Burst.Size)
	}
	return 0
}

// GuardProblems returns why the scenario's own plan breaks its max_requests or max_rps
// (each error wraps ErrGuard and names the phase). A run refuses to start on any.
// Closed-model phases are held to max_rps while they run instead.
func (sc *Scenario) GuardProblems() []error {
	var out []error
	if sc.MaxRequests > 0 {
		var total int64
		for _, p := range sc.Phases {
			e := p.EstimatedRequests()
			if !e.Exact {
				continue // stopped at max_requests while it runs
			}
			total += e.N
		}
		if total > sc.MaxRequests {
			out = append(out, fmt.Errorf("%w: the phases plan %d requests, more than max_requests %d", ErrGuard, total, sc.MaxRequests))
		}
	}
	if sc.MaxRPS > 0 {
		for i, p := range sc.Phases {
			if r := p.PeakRate(); r > sc.MaxRPS {
				out = append(out, fmt.Errorf("%w: phases[%d] (%s) plans %g requests/s, more than max_rps %g", ErrGuard, i, p.Name, r, sc.MaxRPS))
			}
		}
	}
	return out
}

// RetryKinds are the error kinds a retry may be asked for (retry.on), with "5xx"
// standing for status_5xx.
var RetryKinds = []string{"5xx", "refused", "reset", "throttled", "timeout"}

// guards checks max_requests, max_rps, budget and retry.
func (v *validator) guards() {
	sc := v.sc
	v.check(sc.MaxRequests >= 0, "max_requests", "must be >= 0 (0: no limit)")
	v.check(sc.MaxRPS >= 0 && !math.IsInf(sc.MaxRPS, 0) && !math.IsNaN(sc.MaxRPS), "max_rps", "must be >= 0 (0: no limit)")
	if b := sc.Budget; b != nil {
		v.check(b.MaxUSD > 0 && !math.IsInf(b.MaxUSD, 0), "budget.max_usd", "must be > 0")
		v.check(sc.Pricing != nil, "budget", "needs pricing: {model: …} to estimate the spend")
	}
	r := sc.Target.Retry
	if r == nil {
		return
	}
	v.check(r.Max >= 1 && r.Max <= 10, "target.retry.max", "must be 1 to 10")
	v.check(r.Backoff >= 0, "target.retry.backoff", "must be >= 0")
	for i, k := range r.On {
		v.check(slices.Contains(RetryKinds, k), fmt.Sprintf("target.retry.on[%d]", i), "unknown kind %q (known: %s)", k, strings.Join(RetryKinds, ", "))
	}
}
