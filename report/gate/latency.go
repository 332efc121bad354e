package gate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/thaw-dev/thaw/report/threshold"
)

// judgeLatency compares a latency statistic of two runs. Quantiles (p(N), med) use
// exact order-statistic intervals (see quantileInterval); the mean uses a seeded
// percentile bootstrap (Options.Resamples resamples of each run).
func judgeLatency(r *ItemResult, base, next RunData, it BudgetItem, o Options, rng *rand.Rand) error {
	bd, bsrc, err := base.latencies(it.Metric)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	nd, nsrc, err := next.latencies(it.Metric)
	if err != nil {
		return fmt.Errorf("new run: %w", err)
	}
	r.Unit, r.BaseN, r.NewN = "ms", bd.n(), nd.n()
	q, isQuantile := it.Metric.Quantile()
	need := minSamples(it.Metric, o)
	stat := statFunc(it.Metric)
	if bd.n() > 0 && nd.n() > 0 {
		r.Base, r.New = point(base, it.Metric, bd, stat), point(next, it.Metric, nd, stat)
		r.Change = change(r.Base, r.New, it.Unit)
	}
	if bd.n() < need || nd.n() < need {
		notEstimable(r, it.Metric, need, o)
		r.Detail += invocationsHint(r, base, it.Metric)
		return nil
	}
	if isQuantile {
		quantileInterval(r, bd, nd, q, it.Unit, o)
		r.Method = fmt.Sprintf("exact order-statistic intervals combined by MOVER (baseline from %s, new from %s)", bsrc, nsrc)
	} else {
		bootstrapInterval(r, bd, nd, stat, it.Unit, o, rng)
		r.Method = fmt.Sprintf("bootstrap %d resamples (baseline from %s, new from %s)", o.Resamples, bsrc, nsrc)
	}
	decide(r)
	if r.Outcome == Inconclusive {
		r.NeedN = max(need, straddleNeed(r))
	}
	r.Detail = latencyDetail(r) + invocationsHint(r, base, it.Metric)
	return nil
}

// point is the statistic as the run's summary states it (the figure thresholds and
// reports print), or from the distribution when the summary has no such figure.
func point(run RunData, m threshold.Metric, d dist, stat statistic) float64 {
	if v, err := threshold.Value(run.Summary, m); err == nil {
		return v
	}
	return stat.point(d)
}

// quantileInterval sets [Low, High] by MOVER (Zou and Donner's method of variance
// estimates recovery, the construction behind Newcombe's interval for rates) from
// each run's exact order-statistic interval of the quantile at the stated confidence:
// the distance from each point estimate to its own bounds is that estimate's
// uncertainty on that side, and the change's interval adds them in quadrature. A
// relative budget works on the log of the ratio (latencies are positive), an absolute
// one on the difference. No distribution is assumed; small runs get wide,
// asymmetric intervals, never a normal approximation of a tail.
func quantileInterval(r *ItemResult, bd, nd dist, q float64, unit string, o Options) {
	beta := 1 - o.Confidence
	blo, bhi, _ := orderBounds(bd.n(), q, beta)
	nlo, nhi, _ := orderBounds(nd.n(), q, beta)
	bl, bh := bd.at(blo-1), bd.at(bhi-1)
	nl, nh := nd.at(nlo-1), nd.at(nhi-1)
	b := min(max(r.Base, bl), bh)
	n := min(max(r.New, nl), nh)
	if unit == UnitRelative && bl > 0 && nl > 0 {
		lr := math.Log(n / b)
		down := math.Hypot(math.Log(n/nl), math.Log(bh/b))
		up := math.Hypot(math.Log(nh/n), math.Log(b/bl))
		r.Low, r.High = 100*math.Expm1(lr-down), 100*math.Expm1(lr+up)
		return
	}
	d := change(b, n, unit)
	if unit == UnitRelative { // a zero latency: fall back to the worst-case pairs
		r.Low, r.High = change(bh, nl, unit), change(bl, nh, unit)
		return
	}
	r.Low, r.High = d-math.Hypot(n-nl, bh-b), d+math.Hypot(nh-n, b-bl)
}

// bootstrapInterval sets [Low, High] to the central Confidence share of the changes
// between independently resampled runs.
func bootstrapInterval(r *ItemResult, bd, nd dist, stat statistic, unit string, o Options, rng *rand.Rand) {
	changes := make([]float64, o.Resamples)
	for i := range changes {
		changes[i] = change(stat.draw(bd, rng), stat.draw(nd, rng), unit)
	}
	alpha := 1 - o.Confidence
	r.Low, r.High = percentileOf(changes, alpha/2), percentileOf(changes, 1-alpha/2)
}

// MinMeanSamples is the least number of samples per run for a bootstrap of the mean.
const MinMeanSamples = 5

// minSamples is the least samples per run that make the metric's interval exist: for
// a quantile, the n at which both exact order-statistic bounds exist (med 6, p(90)
// 35, p(95) 72, p(99) 368 at 95% confidence); for the mean, MinMeanSamples.
func minSamples(m threshold.Metric, o Options) int64 {
	q, ok := m.Quantile()
	if !ok {
		return MinMeanSamples
	}
	if q <= 0 || q >= 1 {
		return maxNeeded
	}
	return minEstimable(q, 1-o.Confidence)
}

// notEstimable marks r inconclusive because a run has fewer samples than the
// statistic needs, and names the statistics of the same source that these runs can
// estimate.
func notEstimable(r *ItemResult, m threshold.Metric, need int64, o Options) {
	r.Outcome, r.NeedN, r.NotEstimable = Inconclusive, need, true
	n := min(r.BaseN, r.NewN)
	if n == 0 {
		r.Detail = fmt.Sprintf("no %s data (baseline %d, new %d samples); needs ≥ %d per run", m, r.BaseN, r.NewN, need)
		return
	}
	r.Detail = fmt.Sprintf("%s cannot be estimated from %d samples (baseline %d, new %d): an exact %.0f%% interval needs ≥ %d per run",
		m, n, r.BaseN, r.NewN, 100*o.Confidence, need)
	if alt := estimableAlternatives(m, n, o); alt != "" {
		r.Detail += "; these runs can decide " + alt
	}
}

// estimableAlternatives lists statistics of m's source and phase that n samples can
// estimate, most informative first: the highest of p(90), p(75) and med that fits,
// then avg.
func estimableAlternatives(m threshold.Metric, n int64, o Options) string {
	var out []string
	for _, q := range []float64{90, 75, 50} {
		alt := m
		alt.Stat, alt.Q = threshold.StatPercentile, q
		if q == 50 {
			alt.Stat, alt.Q = threshold.StatMed, 0
		}
		if alt != m && n >= minSamples(alt, o) {
			out = append(out, alt.String())
			break
		}
	}
	if avg := (threshold.Metric{Phase: m.Phase, Kind: m.Kind, Source: m.Source, Stat: threshold.StatAvg}); avg != m && n >= MinMeanSamples {
		out = append(out, avg.String())
	}
	return strings.Join(out, " or ")
}

// straddleNeed estimates the samples per run at which an interval straddling the
// budget would no longer do so: interval widths shrink as 1/√n, so the half-width h
// at n samples becomes h·√(n/n′), which must fall under |change − limit|.
func straddleNeed(r *ItemResult) int64 {
	h := (r.High - r.Low) / 2
	gap := math.Abs(r.Change - r.Limit)
	n := float64(min(r.BaseN, r.NewN))
	if gap == 0 || math.IsInf(h, 0) || math.IsNaN(h) {
		return maxNeeded
	}
	return max(int64(n)+1, ceilCap(n*(h/gap)*(h/gap)))
}

func latencyDetail(r *ItemResult) string {
	base := fmt.Sprintf("%s %.4g → %.4g ms, change %+.3g%s (%.0f%% CI %+.3g…%+.3g), budget +%g%s",
		r.Metric, r.Base, r.New, r.Change, r.ChangeUnit, 100*r.Confidence, r.Low, r.High, r.Limit, r.ChangeUnit)
	return base + "; " + verdictText(r, "samples")
}

// verdictText explains the outcome in the words of the decision rule.
func verdictText(r *ItemResult, unit string) string {
	switch r.Outcome {
	case Fail:
		return "regression over budget: the whole interval lies above the budget"
	case Inconclusive:
		return fmt.Sprintf("the interval straddles the budget: run ≈%s %s per run to decide", fmtN(r.NeedN), unit)
	}
	return "within budget: the whole interval lies under the budget"
}

// change is the new value's change over the base, relative (%) or absolute (ms).
func change(base, next float64, unit string) float64 {
	if unit == UnitRelative {
		if base == 0 {
			if next == 0 {
				return 0
			}
			return math.Inf(1)
		}
		return 100 * (next/base - 1)
	}
	return next - base
}

type statistic struct {
	point func(dist) float64
	draw  func(dist, *rand.Rand) float64
}

func statFunc(m threshold.Metric) statistic {
	if q, ok := m.Quantile(); ok {
		return statistic{
			point: func(d dist) float64 { return d.quantile(q) },
			draw:  func(d dist, r *rand.Rand) float64 { return d.drawQuantile(r, q) },
		}
	}
	return statistic{point: dist.mean, draw: dist.drawMean}
}

// invocationsHint turns an inconclusive item's samples-per-run into invocations per
// run at the baseline's share of such samples (a cold metric needs NeedN cold starts,
// so NeedN divided by the cold share invocations).
func invocationsHint(r *ItemResult, base RunData, m threshold.Metric) string {
	if r.Outcome != Inconclusive || r.NeedN == 0 || r.NeedN >= maxNeeded || r.BaseN == 0 {
		return ""
	}
	ps, err := threshold.Phase(base.Summary, m.Phase)
	if err != nil || ps.Count <= r.BaseN {
		return ""
	}
	share := float64(r.BaseN) / float64(ps.Count)
	return fmt.Sprintf(" (≈%s invocations at the baseline's %.3g%% share)", fmtN(ceilCap(float64(r.NeedN)/share)), 100*share)
}
