// Package synth makes large synthetic runs for benchmarks and scale tests: one
// open-model rate phase of N invocations with cold starts, warm and unknown verdicts,
// server errors and timeouts. Samples are generated one at a time from a seeded random
// source, so a run of millions costs no memory and is the same every time. It is not
// safe for concurrent use of one Options value's generator.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// Base is the start time of every synthetic run.
var Base = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

// PhaseName is the name of the synthetic run's one phase.
const PhaseName = "steady"

// Options shape a synthetic run.
type Options struct {
	N    int     // invocations (default 1,000,000)
	RPS  float64 // arrival rate (default 1,000 per second)
	Seed uint64  // random source (default 1)
}

func (o Options) withDefaults() Options {
	if o.N <= 0 {
		o.N = 1_000_000
	}
	if o.RPS <= 0 {
		o.RPS = 1000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Shares of the synthetic run's invocations: ColdShare cold starts, UnknownShare left
// unknown, ErrorShare failed (one in five of them a timeout, the rest 503s).
const (
	ColdShare    = 0.02
	UnknownShare = 0.03
	ErrorShare   = 0.01
)

// Meta is what the engine would know of the run before its samples: the scenario name,
// target and the phase (rate workload, open model, span, planned arrivals).
func Meta(o Options) results.Summary {
	o = o.withDefaults()
	end := Base.Add(time.Duration(float64(o.N) / o.RPS * float64(time.Second)))
	ph := results.PhaseOf(PhaseName, results.PhaseInfo{Workload: "rate", Started: Base, Ended: end,
		Planned: int64(o.N), RateTarget: o.RPS, OpenModel: true})
	return results.Summary{Version: results.SummaryVersion, Scenario: "synthetic", Target: "http://127.0.0.1:9/fn",
		Started: Base, Ended: end, Phases: []results.PhaseSummary{ph}}
}

// Samples streams the run's samples in send order.
func Samples(o Options) results.Samples {
	o = o.withDefaults()
	return func(yield func(*results.Sample) error) error {
		r := rand.New(rand.NewPCG(o.Seed, 0x5e7))
		var s results.Sample
		for i := range o.N {
			fill(&s, r, i, o.RPS)
			if err := yield(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

// fill makes invocation i: scheduled every 1/rps, sent up to 0.2 ms late (1 in 500
// several ms late), warm latency about 40 ms and cold about 650 ms (log-normal).
func fill(s *results.Sample, r *rand.Rand, i int, rps float64) {
	sched := Base.Add(time.Duration(float64(i) / rps * float64(time.Second)))
	lag := time.Duration(r.Float64() * 200_000)
	if r.IntN(500) == 0 {
		lag += time.Duration(r.IntN(8)+2) * time.Millisecond
	}
	*s = results.Sample{Seq: int64(i + 1), RequestID: "r" + strconv.Itoa(i+1), Phase: PhaseName,
		Scheduled: sched, Start: sched.Add(lag), Status: 200, ConnReused: true, InFlight: 40 + r.IntN(20),
		Class: results.Warm, Kind: results.KindWarm, DecidedBy: "marker", Confidence: 1,
		Instance: "i-" + strconv.Itoa(r.IntN(50))}
	server := 40 * math.Exp(0.3*r.NormFloat64())
	switch u := r.Float64(); {
	case u < ColdShare:
		s.InitMS = 650 * math.Exp(0.25*r.NormFloat64())
		server += s.InitMS
		s.Class, s.Kind, s.ConnReused = results.Cold, results.KindCold, false
		s.ConnectMS = 0.2 + 0.1*r.Float64()
		s.Instance = fmt.Sprintf("c-%07d", i)
	case u < ColdShare+UnknownShare:
		s.Class, s.Kind, s.DecidedBy, s.Confidence = results.Unknown, "", "", 0
	}
	s.TTFBMS = s.ConnectMS + server
	s.LatencyMS = s.TTFBMS + 0.2
	s.IntendedLatencyMS = s.LatencyMS + float64(lag)/float64(time.Millisecond)
	if f := r.Float64(); f < ErrorShare/5 {
		s.Status, s.Error, s.LatencyMS, s.TTFBMS = 0, results.ErrTimeout, 30_000, 0
		s.IntendedLatencyMS = s.LatencyMS
	} else if f < ErrorShare {
		s.Status, s.Error = 503, results.ErrStatus5xx
	}
}

// Write writes the run into dir as a run directory (samples.ndjson and summary.json,
// through results.WriteRun like every run) and returns its summary.
func Write(dir string, o Options) (*results.Summary, error) {
	s, err := results.WriteRun(dir, Meta(o), Samples(o))
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if err := results.WriteSummary(dir, s); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return s, nil
}

// Summarize folds samples into a summary of the run meta describes, as WriteRun would,
// and passes each sample to each (for example a report.Collector's Add), without
// writing anything.
func Summarize(meta results.Summary, next results.Samples, each func(*results.Sample)) (*results.Summary, error) {
	agg := results.NewAggregator()
	for _, p := range meta.Phases {
		agg.SetPhaseInfo(p.Name, p.Info())
	}
	err := next(func(s *results.Sample) error {
		agg.Add(s)
		if each != nil {
			each(s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	phases, totals, err := agg.Summary()
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	meta.Phases, meta.Totals = phases, totals
	return &meta, nil
}
