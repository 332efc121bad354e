package report

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// Limits on what one pass over the samples keeps, so memory stays bounded whatever the
// run length (a run can have millions of samples).
const (
	maxTimelinePoints = 20_000 // per class reservoir (cold points are kept up to this too)
	maxRateBins       = 600
)

// point is one invocation on the timeline.
type point struct {
	tSec, ms float64
	failed   bool
}

// reservoir keeps a uniform random sample of at most cap points (Algorithm R), with a
// fixed seed so plots are reproducible.
type reservoir struct {
	cap  int
	seen int64
	pts  []point
	rng  *rand.Rand
}

func newReservoir(capacity int, seed uint64) *reservoir {
	return &reservoir{cap: capacity, rng: rand.New(rand.NewPCG(seed, 0x7ea))}
}

func (r *reservoir) add(p point) {
	r.seen++
	if len(r.pts) < r.cap {
		r.pts = append(r.pts, p)
		return
	}
	if j := r.rng.Int64N(r.seen); j < int64(r.cap) {
		r.pts[j] = p
	}
}

// breakdown sums the parts of latency for one class.
type breakdown struct {
	n                                   int64
	dns, connect, tls, server, transfer float64
}

func (b *breakdown) add(s *results.Sample) {
	b.n++
	b.dns += s.DNSMS
	b.connect += s.ConnectMS
	b.tls += s.TLSMS
	b.server += s.ServerMS()
	b.transfer += math.Max(0, s.LatencyMS-s.TTFBMS)
}

// rateBins counts completions and in-flight per time bin over the load phases.
type rateBins struct {
	start    time.Time
	widthSec float64
	done     []float64
	inflight []float64 // sum of InFlight at send
	sent     []float64
}

// collected is everything the plots need from one pass over samples.ndjson.
type collected struct {
	start     time.Time
	end       time.Time // latest response end seen (or the summary's end)
	timeline  map[results.Class]*reservoir
	failures  *reservoir
	breakdown map[results.Class]*breakdown
	rates     *rateBins // nil when no rate, ramp or concurrency phase
	loadPhase map[string]bool
	total     int64
}

func newCollected(s *results.Summary) *collected {
	c := &collected{
		start:     s.Started,
		end:       s.Ended,
		timeline:  map[results.Class]*reservoir{},
		failures:  newReservoir(maxTimelinePoints/4, 4),
		breakdown: map[results.Class]*breakdown{results.Cold: {}, results.Warm: {}},
		loadPhase: map[string]bool{},
	}
	for i, cl := range []results.Class{results.Cold, results.Warm, results.Unknown} {
		c.timeline[cl] = newReservoir(maxTimelinePoints, uint64(i+1))
	}
	c.rates = newRateBins(s, c.loadPhase)
	return c
}

// newRateBins sizes the throughput bins from the load phases' span: at most
// maxRateBins bins, each a whole number of seconds (or a fraction for short runs).
func newRateBins(s *results.Summary, load map[string]bool) *rateBins {
	var from, to time.Time
	for _, p := range s.Phases {
		switch p.Workload {
		case "rate", "ramp", "concurrency", "trace":
		default:
			continue
		}
		load[p.Name] = true
		if from.IsZero() || p.Started.Before(from) {
			from = p.Started
		}
		if p.Ended.After(to) {
			to = p.Ended
		}
	}
	if len(load) == 0 || !to.After(from) {
		return nil
	}
	span := to.Sub(from).Seconds()
	width := math.Max(1, math.Ceil(span/maxRateBins))
	if span < 20 {
		width = math.Max(span/20, 0.05)
	}
	n := int(math.Ceil(span/width)) + 1
	return &rateBins{start: from, widthSec: width, done: make([]float64, n), inflight: make([]float64, n), sent: make([]float64, n)}
}

func (r *rateBins) add(s *results.Sample) {
	i := int(s.End().Sub(r.start).Seconds() / r.widthSec)
	if i >= 0 && i < len(r.done) {
		r.done[i]++
	}
	j := int(s.Start.Sub(r.start).Seconds() / r.widthSec)
	if j >= 0 && j < len(r.sent) {
		r.sent[j]++
		r.inflight[j] += float64(s.InFlight)
	}
}

func (c *collected) add(s *results.Sample) error {
	c.total++
	if c.start.IsZero() {
		c.start = s.Start
	}
	if e := s.End(); e.After(c.end) {
		c.end = e
	}
	if c.rates != nil && c.loadPhase[s.Phase] {
		c.rates.add(s)
	}
	if s.LatencyMS <= 0 {
		return nil // no response: nothing to place on a latency axis
	}
	p := point{tSec: s.Start.Sub(c.start).Seconds(), ms: s.LatencyMS, failed: !s.OK()}
	if p.failed {
		c.failures.add(p)
		return nil
	}
	class := s.Class
	if _, ok := c.timeline[class]; !ok {
		class = results.Unknown
	}
	c.timeline[class].add(p)
	if b, ok := c.breakdown[class]; ok {
		b.add(s)
	}
	return nil
}

// collect makes one pass over dir's samples. A run directory without samples yields
// empty collections (plots from the summary alone still work).
func collect(dir string, s *results.Summary) (*collected, error) {
	c := newCollected(s)
	if dir == "" {
		return c, nil
	}
	if err := results.ReadSamples(dir, c.add); err != nil {
		return nil, err
	}
	return c, nil
}
