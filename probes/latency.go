package probes

import (
	"fmt"
	"math"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// latency judges from timing alone, with no help from the function. It works on log
// server time (time to first byte minus DNS, connect and TLS, so a fresh handshake
// never looks like a cold start) and accepts two groups, fast (warm) and slow (cold),
// only when the data separates clearly (split.go), from min_samples (default 6) on:
//
//   - the three widest gaps between sorted server times are tried as the boundary;
//   - the slow group must be at least min_ratio times the fast one (default 4: a cold
//     start whose init is 5× the warm server time is 6× slower, while a busy host or a
//     burst's contention slows warm requests a few times at most);
//   - the groups must be apart by Ashman's D ≥ min_separation (default 2), and the
//     empty gap between them at least min_gap (default 1.5) times the wider group's
//     spread: each group tight relative to the gap (a slow tail that thins out
//     continuously, as on a starved host, has no such gap);
//   - the slow group must be explained by what causes cold starts: it comes after
//     longer idle gaps than the fast group (a one-sided Mann–Whitney rank test on the
//     planned idle gap of calls sent with nothing else in flight, gaps within 25 % of
//     each other ranked equal, p ≤ 0.05, with an AUC of at least 0.75). A slow group that comes after short gaps as often as
//     after long ones (a cache miss, a slow dependency) is a warm mode, not cold
//     starts; a run's first call alone is no evidence either way.
//
// Otherwise the probe abstains and says why. Each sample's verdict is its posterior
// under two Student-t components (location and spread of each group, mixing weight
// per idle-gap decade); confidence is that posterior, capped by how few samples the
// smaller group has (1 − 0.5/(1+k): 0.75 for a group of one).
//
// In the whole-run pass (learn, freeze) the probe decides once on all of the run.
// Online it keeps a rolling window of the last `window` samples and decides again
// every `refit` new samples or every 10 % of the window, whichever is more, and the
// interval doubles after each decision up to one window, so the cost per sample stays
// small. Online verdicts are provisional.
type latency struct {
	minSamples, window, refit int
	minD, minRatio, minGap    float64
	obs                       []obs
	sinceFit, fits            int
	backoff                   int // refit interval while no two groups are seen
	model                     *latencyModel
	whyNot                    string
	frozen                    bool // whole-run pass: decided on the whole run
	quiet                     bool // provisional chain: no reasons worded
}

func (p *latency) terse() { p.quiet = true }

// obs is what the latency probe keeps of one sample: a few bytes, so the whole-run
// pass holds millions.
type obs struct {
	x        float32 // log server ms
	idleMS   float32 // idle gap before the request; < 0 for a run's first calls
	inFlight int32
	bucket   uint8
}

func newLatency(o *opts) (probe, error) {
	p := &latency{
		minSamples: int(o.num("min_samples", 6, 3)),
		window:     int(o.num("window", 1000, 20)),
		refit:      int(o.num("refit", 10, 1)),
		minD:       o.num("min_separation", 2, 0),
		minGap:     o.num("min_gap", 1.5, 0),
		minRatio:   o.num("min_ratio", 4, 1),
	}
	return p, nil
}

// comparable reports whether a sample's timing can be judged (see usable).
func comparable(s *results.Sample) bool { return s.OK() && s.TTFBMS > 0 }

// usable reports whether a sample's timing can be judged, and its observation.
func usable(s *results.Sample) (obs, bool) {
	if !comparable(s) {
		return obs{}, false
	}
	idle := s.IdleBeforeMS
	if late := s.Start.Sub(s.Scheduled); idle > 0 && !s.Scheduled.IsZero() && late > 0 {
		// A send that left late (the generator was starved) saw a longer gap than
		// planned; the gap the platform was meant to see is the planned one.
		idle = math.Max(idle-float64(late)/float64(time.Millisecond), 0)
	}
	return obs{
		x:        float32(math.Log(math.Max(s.ServerMS(), 0.001))),
		idleMS:   float32(idle),
		inFlight: int32(s.InFlight),
		bucket:   uint8(idleBucket(s.IdleBeforeMS)),
	}, true
}

func (p *latency) learn(s *results.Sample) {
	if o, ok := usable(s); ok {
		p.obs = append(p.obs, o)
	}
}

func (p *latency) freeze() {
	p.frozen = true // decides on every sample learnt, not a window
	p.refitNow()
}

func (p *latency) pending(s *results.Sample) verdict {
	if !comparable(s) {
		return verdict{Reason: notComparable, NoEvidence: true}
	}
	return verdict{RunWide: true}
}

func (p *latency) decides() bool { return p.model != nil }

// notComparable is why a sample's timing cannot be judged.
const notComparable = "abstain: failed request or no first byte: timing not comparable"

func (p *latency) observe(o obs) {
	p.obs = append(p.obs, o)
	if len(p.obs) >= 2*p.window { // keep the last window, moving it once per window
		p.obs = append(p.obs[:0], p.obs[len(p.obs)-p.window:]...)
	}
	p.sinceFit++
	// decide again every `refit` samples, or every 10 % of the window once it is
	// larger: the cost per sample stays flat however long the run
	if n := len(p.recent()); p.sinceFit >= max(p.refit, n/10, p.backoff) || (p.model == nil && n == p.minSamples) {
		p.refitNow()
	}
}

// refitNow decides on the current data.
func (p *latency) refitNow() {
	p.sinceFit = 0
	p.fits++
	p.model, p.whyNot = p.decide(p.recent())
	// Online verdicts are provisional (the whole-run pass decides again), so the
	// interval between decisions doubles up to one window whatever they found: the
	// cost per sample stays small on long runs.
	p.backoff = min(max(2*p.backoff, p.refit, len(p.recent())/10), p.window)
}

// recent is what the probe decides on: every sample of the run once frozen, the last
// window of them online.
func (p *latency) recent() []obs {
	if !p.frozen && len(p.obs) > p.window {
		return p.obs[len(p.obs)-p.window:]
	}
	return p.obs
}

func (p *latency) judge(s *results.Sample) verdict {
	o, ok := usable(s)
	if !ok {
		return verdict{Reason: notComparable, NoEvidence: true}
	}
	if !p.frozen {
		p.observe(o)
	}
	m := p.model
	if m == nil {
		if p.quiet {
			return verdict{}
		}
		// Frozen, this is the same for every sample of the run: said once (note).
		return verdict{Reason: p.abstention(), RunWide: p.frozen}
	}
	post := m.fit.posterior(float64(o.x), int(o.bucket))
	v := verdict{Class: results.Warm, Kind: results.KindWarm, Confidence: math.Min(1-post, m.maxConf)}
	if post >= 0.5 {
		v = verdict{Class: results.Cold, Kind: results.KindCold, Confidence: math.Min(post, m.maxConf)}
	}
	v.Confidence = math.Max(v.Confidence, 0.5)
	if p.quiet {
		return v
	}
	v.Reason = fmt.Sprintf("server %.2f ms, P(cold) %.3f", s.ServerMS(), post)
	if !p.frozen { // online the model moves: say which one judged
		v.Reason += "; " + p.note()
	}
	return v
}

// abstention is why the probe decides nothing on a usable sample.
func (p *latency) abstention() string {
	if len(p.obs) < p.minSamples {
		return fmt.Sprintf("abstain: too few samples to judge (%d < %d)", len(p.obs), p.minSamples)
	}
	return "abstain: " + p.whyNot
}

// note is the probe's finding about the run: its two groups, or why it has none.
func (p *latency) note() string {
	m := p.model
	if m == nil {
		return p.abstention()
	}
	return fmt.Sprintf("%s: warm ~%.2f ms, cold ~%.2f ms server time (n %d)",
		m.method, math.Exp(m.fit.warm.mu), math.Exp(m.fit.cold.mu), m.fit.n)
}
