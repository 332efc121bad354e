package probes

import (
	"fmt"
	"math"

	"github.com/thaw-dev/thaw/results"
)

// latency judges from timing alone, with no help from the function. It works on log
// server time (time to first byte minus DNS, connect and TLS, so a fresh handshake
// never looks like a cold start), fits a two-component Gaussian mixture by EM whose
// mixing weight depends on the idle gap before the request (see mixture.go), and
// gives each sample its posterior probability of being cold. Two groups are accepted
// only when the data says so: enough samples, the mixture's BIC beats one Gaussian by
// min_bic_gain, Ashman's D ≥ min_separation, the cold group is at least min_ratio
// times slower (default 4: a cold start whose init is 5× the warm server time is 6×
// slower, while a busy host rarely slows a whole group of warm requests that much), and each group holds at least min_cold samples and min_weight of the
// data (a handful of scheduler hiccups must not pass for cold starts). Otherwise it abstains
// ("not bimodal") rather than inventing a cold group.
//
// Online it keeps a rolling window of the last `window` samples and refits every
// `refit` new samples or every 10 % of the window, whichever is more; while the data
// shows no two groups (a run without cold starts, the common case under load) the
// interval doubles up to one window, so the cost per sample stays small (a full EM
// search over 1000 values takes tens of milliseconds). Offline (Reclassify) it fits
// the whole run once.
type latency struct {
	minSamples, window, refit int
	minBIC, minD, minRatio    float64
	minCold, minWeight        float64
	xs                        []float64
	bs                        []int
	sinceFit, fits            int
	backoff                   int // refit interval while no two groups are seen
	fit                       *mixFit
	whyNot                    string
	frozen                    bool // offline: fitted on the whole run
}

func newLatency(o *opts) (probe, error) {
	p := &latency{
		minSamples: int(o.num("min_samples", 20, 4)),
		window:     int(o.num("window", 1000, 20)),
		refit:      int(o.num("refit", 10, 1)),
		minBIC:     o.num("min_bic_gain", 10, 0),
		minD:       o.num("min_separation", 2, 0),
		minRatio:   o.num("min_ratio", 4, 1),
		minCold:    o.num("min_cold", 10, 1),
		minWeight:  o.num("min_weight", 0.01, 0),
	}
	return p, nil
}

// usable reports whether a sample's timing can be judged, and its log server time.
func usable(s *results.Sample) (float64, bool) {
	if !s.OK() || s.TTFBMS <= 0 {
		return 0, false
	}
	return math.Log(math.Max(s.ServerMS(), 0.001)), true
}

func (p *latency) prepare(all []*results.Sample) {
	p.xs, p.bs = p.xs[:0], p.bs[:0]
	for _, s := range all {
		if x, ok := usable(s); ok {
			p.xs = append(p.xs, x)
			p.bs = append(p.bs, idleBucket(s.IdleBeforeMS))
		}
	}
	p.refitNow()
	p.frozen = true
}

func (p *latency) observe(x float64, b int) {
	p.xs = append(p.xs, x)
	p.bs = append(p.bs, b)
	if len(p.xs) > p.window {
		p.xs = append(p.xs[:0], p.xs[len(p.xs)-p.window:]...)
		p.bs = append(p.bs[:0], p.bs[len(p.bs)-p.window:]...)
	}
	p.sinceFit++
	// refit every `refit` samples, or every 10 % of the window once it is larger: the
	// cost per sample stays flat however long the run
	if p.sinceFit >= max(p.refit, len(p.xs)/10, p.backoff) || (p.fit == nil && len(p.xs) == p.minSamples) {
		p.refitNow()
	}
}

// refitNow fits the current data and keeps the fit only if it shows two groups.
func (p *latency) refitNow() {
	p.sinceFit = 0
	prev := p.fit
	p.fit = nil
	n := len(p.xs)
	if n < p.minSamples {
		p.whyNot = fmt.Sprintf("too few samples to fit (%d < %d)", n, p.minSamples)
		return
	}
	// online, a fit that held starts the next one from its split, but every 10th
	// refit searches all starting splits again
	hint := prev
	p.fits++
	if p.fits%10 == 0 {
		hint = nil
	}
	f := fitMixture(p.xs, p.bs, hint)
	ratio := math.Exp(f.cold.mu - f.warm.mu)
	switch {
	case math.IsInf(f.loglik, -1):
		p.whyNot = "not bimodal: all server times alike"
	case f.bicGain() < p.minBIC:
		p.whyNot = fmt.Sprintf("not bimodal: no cold starts or too small to separate (BIC gain %.1f < %.1f, n=%d)", f.bicGain(), p.minBIC, n)
	case f.ashmanD() < p.minD:
		p.whyNot = fmt.Sprintf("not bimodal: groups overlap (Ashman's D %.2f < %.2f)", f.ashmanD(), p.minD)
	case ratio < p.minRatio:
		p.whyNot = fmt.Sprintf("not bimodal: slow group only %.2f× the fast one (< %.2f×)", ratio, p.minRatio)
	case math.Min(f.coldN, float64(n)-f.coldN) < math.Max(p.minCold, p.minWeight*float64(n)):
		p.whyNot = fmt.Sprintf("not bimodal: a group of %.1f of %d samples is too small to be told from outliers (needs ≥ %g and ≥ %g%%)",
			math.Min(f.coldN, float64(n)-f.coldN), n, p.minCold, 100*p.minWeight)
	default:
		p.fit = &f
		p.whyNot = ""
	}
	if p.fit != nil {
		p.backoff = 0
	} else {
		p.backoff = min(max(2*p.backoff, p.refit, n/10), p.window)
	}
}

func (p *latency) judge(s *results.Sample) verdict {
	x, ok := usable(s)
	if !ok {
		return verdict{Reason: "abstain: failed request or no first byte: timing not comparable"}
	}
	b := idleBucket(s.IdleBeforeMS)
	if !p.frozen {
		p.observe(x, b)
	}
	if p.fit == nil && len(p.xs) < p.minSamples {
		return verdict{Reason: fmt.Sprintf("abstain: too few samples to fit (%d < %d)", len(p.xs), p.minSamples)}
	}
	if p.fit == nil {
		return verdict{Reason: "abstain: " + p.whyNot}
	}
	post := p.fit.posterior(x, b)
	v := verdict{Class: results.Warm, Kind: results.KindWarm, Confidence: 1 - post}
	if post >= 0.5 {
		v = verdict{Class: results.Cold, Kind: results.KindCold, Confidence: post}
	}
	v.Reason = fmt.Sprintf("server %.2f ms; EM mixture warm ~%.2f ms, cold ~%.2f ms (D %.1f, n %d); P(cold)=%.3f",
		s.ServerMS(), math.Exp(p.fit.warm.mu), math.Exp(p.fit.cold.mu), p.fit.ashmanD(), p.fit.n, post)
	return v
}
