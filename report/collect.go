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
	maxRateBins       = 2048   // throughput bins kept; plotted regrouped, at most maxPlotRateBins
	maxPlotRateBins   = 600
	baseRateBinSec    = 0.05 // the finest throughput bin
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

// rateBins counts completions, sends and in-flight at send per time bin from start.
// Bins are baseRateBinSec times a power of two wide; when a sample falls past
// maxRateBins bins, neighbours are merged in pairs and the width doubles. So the
// counts are exact whatever order the samples come in and however long the run, with
// no need to know its span first: a collector fed while the run is recorded holds
// exactly what one fed by reading the samples afterwards holds. The plot regroups the
// bins over the load phases' span (view).
type rateBins struct {
	start    time.Time
	widthSec float64
	done     []float64
	inflight []float64 // sum of InFlight at send
	sent     []float64
}

func newRateBins(start time.Time) *rateBins {
	return &rateBins{start: start, widthSec: baseRateBinSec}
}

// index is the bin of t, growing or widening the bins to hold it; -1 before start.
func (r *rateBins) index(t time.Time) int {
	d := t.Sub(r.start).Seconds()
	if d < 0 {
		return -1
	}
	i := int(d / r.widthSec)
	for i >= maxRateBins {
		r.widen()
		i = int(d / r.widthSec)
	}
	if n := i + 1; n > len(r.done) {
		r.done = append(r.done, make([]float64, n-len(r.done))...)
		r.inflight = append(r.inflight, make([]float64, n-len(r.inflight))...)
		r.sent = append(r.sent, make([]float64, n-len(r.sent))...)
	}
	return i
}

// widen doubles the bin width, merging neighbours.
func (r *rateBins) widen() {
	for _, b := range [][]float64{r.done, r.inflight, r.sent} {
		for i := range b {
			if i%2 == 1 {
				b[i/2] += b[i]
			} else {
				b[i/2] = b[i]
			}
		}
	}
	n := (len(r.done) + 1) / 2
	r.done, r.inflight, r.sent = r.done[:n], r.inflight[:n], r.sent[:n]
	r.widthSec *= 2
}

func (r *rateBins) add(s *results.Sample) {
	// the later time first: it is the one that may widen the bins
	if i := r.index(s.End()); i >= 0 {
		r.done[i]++
	}
	if j := r.index(s.Start); j >= 0 {
		r.sent[j]++
		r.inflight[j] += float64(s.InFlight)
	}
}

// rateView is the bins regrouped for the plot over [from, to]: completions, sends and
// in-flight sums per bin of widthSec, the first bin starting offsetSec after from
// (≤ 0: bins are aligned on the run's start, not on from).
type rateView struct {
	widthSec, offsetSec  float64
	done, inflight, sent []float64
}

// view regroups the bins over [from, to] into bins a power of two times wider, about
// a twentieth of the span for short spans and at least a second, never more than
// maxRateBins of them (as the plot wants: about 20 to 600 bins).
func (r *rateBins) view(from, to time.Time) rateView {
	span := to.Sub(from).Seconds()
	want := math.Max(span/20, math.Min(1, span/20))
	if span >= 20 {
		want = math.Max(1, span/maxPlotRateBins)
	}
	k := 1 // fine bins per plotted bin: the power of two nearest want, enough to stay under the cap
	for float64(2*k)*r.widthSec <= want*math.Sqrt2 || span/(float64(k)*r.widthSec) > maxPlotRateBins {
		k *= 2
	}
	first := max(int(from.Sub(r.start).Seconds()/r.widthSec), 0)
	first -= first % k
	last := min(int(math.Ceil(to.Sub(r.start).Seconds()/r.widthSec)), len(r.done))
	v := rateView{widthSec: float64(k) * r.widthSec, offsetSec: float64(first)*r.widthSec - from.Sub(r.start).Seconds()}
	for i := first; i < last; i += k {
		var done, inflight, sent float64
		for j := i; j < min(i+k, len(r.done)); j++ {
			done, inflight, sent = done+r.done[j], inflight+r.inflight[j], sent+r.sent[j]
		}
		v.done, v.inflight, v.sent = append(v.done, done), append(v.inflight, inflight), append(v.sent, sent)
	}
	return v
}

// collected is everything the plots need from one pass over samples.ndjson.
type collected struct {
	start     time.Time
	end       time.Time // latest response end seen (or the summary's end)
	timeline  map[results.Class]*reservoir
	failures  *reservoir
	breakdown map[results.Class]*breakdown
	rates     *rateBins // nil until a sample of a rate, ramp, concurrency or trace phase
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
	for _, p := range s.Phases {
		if isLoad(p.Workload) {
			c.loadPhase[p.Name] = true
		}
	}
	return c
}

// isLoad reports whether a phase of this workload is drawn on the throughput plot.
func isLoad(workload string) bool {
	switch workload {
	case "rate", "ramp", "concurrency", "trace":
		return true
	}
	return false
}

// loadSpan is the span of s's load phases; ok is false when there is none.
func loadSpan(s *results.Summary) (from, to time.Time, ok bool) {
	for _, p := range s.Phases {
		if !isLoad(p.Workload) {
			continue
		}
		if from.IsZero() || p.Started.Before(from) {
			from = p.Started
		}
		if p.Ended.After(to) {
			to = p.Ended
		}
	}
	return from, to, !from.IsZero() && to.After(from)
}

func (c *collected) add(s *results.Sample) error {
	c.total++
	if c.start.IsZero() {
		c.start = s.Start
	}
	if e := s.End(); e.After(c.end) {
		c.end = e
	}
	if c.loadPhase[s.Phase] {
		if c.rates == nil {
			c.rates = newRateBins(c.start)
		}
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
