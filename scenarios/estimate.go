package scenarios

import (
	"math"
	"time"
)

// EstimatedDuration is how long the load of the scenario takes, not counting response
// times: the sum of idle gaps, burst quiet times, rate, ramp and concurrency durations,
// and for an idle search the expected number of rounds times the middle gap. Phases
// that run for a number of iterations count as 0. Safe for concurrent use.
func (sc *Scenario) EstimatedDuration() time.Duration {
	var total time.Duration
	for _, p := range sc.Phases {
		total += p.EstimatedDuration()
	}
	return total
}

// EstimatedDuration is the expected length of one phase; see Scenario.EstimatedDuration.
func (p Phase) EstimatedDuration() time.Duration {
	switch {
	case p.Idle != nil && p.Idle.Search != nil:
		s := p.Idle.Search
		span := float64(s.Max - s.Min)
		rounds := 0.0
		if s.Precision > 0 && span > float64(s.Precision) {
			rounds = math.Ceil(math.Log2(span / float64(s.Precision)))
		}
		mid := (s.Min + s.Max).D() / 2
		return time.Duration(rounds*float64(max(s.Samples, 1))) * mid
	case p.Idle != nil:
		var sum time.Duration
		for _, d := range p.Idle.Intervals {
			sum += d.D()
		}
		return sum * time.Duration(max(p.Idle.Samples, 1))
	case p.Burst != nil:
		return p.Burst.AfterIdle.D() * time.Duration(max(p.Burst.Repeat, 1))
	case p.Rate != nil:
		return p.Rate.Duration.D()
	case p.Ramp != nil:
		var sum time.Duration
		for _, st := range p.Ramp.Stages {
			sum += st.Over.D()
		}
		return sum
	case p.Concurrency != nil:
		return p.Concurrency.Duration.D()
	case p.Trace != nil:
		return p.Trace.length()
	}
	return 0
}

// Workload names the phase's workload: idle, idle-search, burst, rate, ramp,
// concurrency or trace ("" when none is set).
func (p Phase) Workload() string {
	switch {
	case p.Idle != nil && p.Idle.Search != nil:
		return "idle-search"
	case p.Idle != nil:
		return "idle"
	case p.Burst != nil:
		return "burst"
	case p.Rate != nil:
		return "rate"
	case p.Ramp != nil:
		return "ramp"
	case p.Concurrency != nil:
		return "concurrency"
	case p.Trace != nil:
		return "trace"
	}
	return ""
}
