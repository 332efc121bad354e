// Package keepalive estimates how long a platform keeps an idle instance alive, from
// the samples of a run: P(cold | idle gap) per idle interval with Wilson 95 %
// intervals, and the idle time where that probability crosses 0.5, with an interval.
//
// A sample that was warm after an idle gap t is censored evidence that the keep-alive
// is longer than t; one that was cold after t says it is shorter. When every warm gap
// is shorter than every cold gap (a sharp boundary) the keep-alive lies between the
// largest warm gap and the smallest cold gap. When they overlap (a jittered or random
// keep-alive) a logistic curve in log idle time is fitted by maximum likelihood and
// its 50 % point gets a profile-likelihood 95 % interval.
//
// It imports only results. Everything here is a pure function, safe for concurrent use.
package keepalive

import (
	"math"
	"slices"

	"github.com/thaw-dev/thaw/results"
)

// Method codes (results.KeepAlive.Method).
const (
	MethodBoundary = "boundary"
	MethodLogistic = "logistic"
	MethodSearch   = "search"
)

// Collector gathers keep-alive evidence from a stream of samples (with their final
// verdicts), keeping a few bytes per sequential sample of the chosen phases, so the
// whole-run pass can feed it alongside its other consumers. Not safe for concurrent
// use.
type Collector struct {
	o       Options
	phases  map[string]bool
	search  map[string]bool
	gaps    []gap
	nSearch int // gaps from idle-search phases
	probes  []results.SearchProbe
}

// NewCollector collects evidence from the idle and idle-search phases of s (by
// workload); the search phases' rounds are reported with the estimate.
func NewCollector(s *results.Summary, o Options) *Collector {
	c := &Collector{o: o, phases: map[string]bool{}, search: map[string]bool{}}
	for _, p := range s.Phases {
		switch p.Workload {
		case "idle":
			c.phases[p.Name] = true
		case "idle-search":
			c.phases[p.Name] = true
			c.search[p.Name] = true
		}
	}
	c.Searched(s)
	return c
}

// Searched takes the idle searches' rounds from s, reported with the estimate: a
// collector made before the run ended (thaw run's, fed as samples are written) learns
// them from the final summary.
func (c *Collector) Searched(s *results.Summary) {
	c.probes = nil
	for _, p := range s.Phases {
		if p.Workload == "idle-search" && p.Search != nil {
			c.probes = append(c.probes, p.Search.Probes...)
		}
	}
}

// Add takes one sample.
func (c *Collector) Add(s *results.Sample) {
	if !c.phases[s.Phase] {
		return
	}
	if g, ok := evidenceOf(s); ok {
		c.gaps = append(c.gaps, g)
		if c.search[s.Phase] {
			c.nSearch++
		}
	}
}

// Estimate is the keep-alive estimate from everything added; nil when there was no
// idle evidence.
func (c *Collector) Estimate() *results.KeepAlive {
	if len(c.gaps) == 0 {
		return nil
	}
	ka := estimate(c.gaps, c.o)
	if ka.Method == MethodBoundary && c.nSearch == len(c.gaps) && ka.HighMS > 0 && ka.LowMS > 0 {
		ka.Method = MethodSearch
		ka.MethodDetail = "idle search (bisection on the idle gap): " + ka.MethodDetail
	}
	ka.SearchProbes = c.probes
	return ka
}

// Options chooses which samples count as idle evidence.
type Options struct {
	// Phases, when not empty, limits the estimate to these phases (e.g. the run's
	// idle phases); otherwise every sequential sample counts.
	Phases []string
	// RelTolerance and AbsToleranceMS merge idle gaps closer than this into one point
	// (scheduled intervals jitter by a few ms). Defaults 0.01 and 10 ms.
	RelTolerance   float64
	AbsToleranceMS float64
}

// gap is one piece of evidence: an idle time, whether the next request was cold, and
// that request's latency.
type gap struct {
	idleMS, latencyMS float64
	cold              bool
}

// Estimate is EstimateWith with default Options.
func Estimate(samples []results.Sample) *results.KeepAlive {
	return EstimateWith(samples, Options{})
}

// EstimateWith computes the keep-alive estimate; nil when no sample gives idle
// evidence (a successful, classified sample sent with nothing else in flight, after a
// known idle gap). HighMS 0 means no upper bound was seen (never cold).
func EstimateWith(samples []results.Sample, o Options) *results.KeepAlive {
	var gaps []gap
	for i := range samples {
		s := &samples[i]
		if len(o.Phases) > 0 && !slices.Contains(o.Phases, s.Phase) {
			continue
		}
		if g, ok := evidenceOf(s); ok {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return nil
	}
	return estimate(gaps, o)
}

// estimate sorts gaps (which must not be empty) and estimates from them.
func estimate(gaps []gap, o Options) *results.KeepAlive {
	sortGaps(gaps)
	ka := &results.KeepAlive{Points: points(gaps, o)}
	boundary(ka, gaps)
	return ka
}

// evidenceOf is s as idle evidence: a successful, classified sample sent with nothing
// else in flight, after a known idle gap.
func evidenceOf(s *results.Sample) (gap, bool) {
	if !s.OK() || s.IdleBeforeMS < 0 || s.InFlight > 1 {
		return gap{}, false
	}
	if s.Class != results.Cold && s.Class != results.Warm {
		return gap{}, false
	}
	return gap{idleMS: s.IdleBeforeMS, latencyMS: s.LatencyMS, cold: s.Class == results.Cold}, true
}

func sortGaps(out []gap) {
	slices.SortFunc(out, func(a, b gap) int {
		if a.idleMS != b.idleMS {
			if a.idleMS < b.idleMS {
				return -1
			}
			return 1
		}
		if a.cold == b.cold {
			return 0
		}
		if !a.cold {
			return -1
		}
		return 1
	})
}

// points groups sorted gaps whose idle times are within the tolerance of the group's
// first, and gives each group P(cold) with a Wilson interval.
func points(gaps []gap, o Options) []results.KeepAlivePoint {
	rel, abs := o.RelTolerance, o.AbsToleranceMS
	if rel <= 0 {
		rel = 0.01
	}
	if abs <= 0 {
		abs = 10
	}
	var out []results.KeepAlivePoint
	for i := 0; i < len(gaps); {
		start := gaps[i].idleMS
		var n, cold int64
		sum := 0.0
		for ; i < len(gaps) && gaps[i].idleMS <= start*(1+rel)+abs; i++ {
			n++
			sum += gaps[i].idleMS
			if gaps[i].cold {
				cold++
			}
		}
		lo, hi := Wilson(cold, n)
		out = append(out, results.KeepAlivePoint{IdleMS: sum / float64(n), N: n, Cold: cold,
			P: float64(cold) / float64(n), Low: lo, High: hi})
	}
	return out
}

// Wilson is the Wilson score 95 % interval for k successes in n trials:
// (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n) with z = 1.96.
func Wilson(k, n int64) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	nf := float64(n)
	p := float64(k) / nf
	den := 1 + z*z/nf
	c := (p + z*z/(2*nf)) / den
	h := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	low, high = math.Max(0, c-h), math.Min(1, c+h)
	if k == 0 {
		low = 0
	}
	if k == n {
		high = 1
	}
	return low, high
}

// boundary fills EstimateMS, LowMS, HighMS and Method.
//
// The client sees a shorter idle gap than the instance: the instance went idle before
// the previous response reached the client, and the next request reaches it after it
// was sent. So "warm after gap g" proves keep-alive > g, but "cold after gap g" only
// proves keep-alive < g + transit, where transit (both ways) is bounded by the shortest
// latency of the run; the upper bounds add it.
func boundary(ka *results.KeepAlive, gaps []gap) {
	maxWarm, minCold, slack := -1.0, math.Inf(1), math.Inf(1)
	for _, g := range gaps {
		slack = math.Min(slack, math.Max(g.latencyMS, 0))
		if g.cold {
			minCold = math.Min(minCold, g.idleMS)
		} else {
			maxWarm = math.Max(maxWarm, g.idleMS)
		}
	}
	minCold += slack
	switch {
	case math.IsInf(minCold, 1):
		ka.EstimateMS, ka.LowMS, ka.HighMS = maxWarm, maxWarm, 0
		ka.Method = MethodBoundary
		ka.MethodDetail = "censored: warm after every idle gap, so keep-alive > the longest gap (no upper bound seen)"
	case maxWarm < 0:
		ka.EstimateMS, ka.LowMS, ka.HighMS = minCold, 0, minCold
		ka.Method = MethodBoundary
		ka.MethodDetail = "censored: cold after every idle gap, so keep-alive < the shortest gap (no lower bound seen)"
	case maxWarm < minCold:
		ka.EstimateMS, ka.LowMS, ka.HighMS = (maxWarm+minCold)/2, maxWarm, minCold
		ka.Method = MethodBoundary
		ka.MethodDetail = "sharp boundary: between the longest warm gap and the shortest cold gap plus the shortest latency (censored bounds), midpoint"
	default:
		logistic(ka, gaps)
		ka.HighMS += slack
	}
}
