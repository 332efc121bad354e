package gate

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/thaw-dev/thaw/report/threshold"
)

// judgeLatency compares a latency statistic with a percentile bootstrap: both runs
// are resampled independently (Options.Resamples times), the statistic's change is
// computed for each pair, and the interval is the central Confidence share of those
// changes.
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
	r.Method = fmt.Sprintf("bootstrap %d resamples (baseline from %s, new from %s)", o.Resamples, bsrc, nsrc)
	need := minSamples(it.Metric)
	if bd.n() == 0 || nd.n() == 0 {
		r.Outcome, r.NeedN = Inconclusive, need
		r.Detail = fmt.Sprintf("no %s data (baseline %d, new %d samples); needs ≥ %d per run", it.Metric, bd.n(), nd.n(), need)
		return nil
	}
	stat := statFunc(it.Metric)
	r.Base, r.New = stat.point(bd), stat.point(nd)
	r.Change = change(r.Base, r.New, it.Unit)
	changes := make([]float64, o.Resamples)
	for i := range changes {
		changes[i] = change(stat.draw(bd, rng), stat.draw(nd, rng), it.Unit)
	}
	alpha := 1 - o.Confidence
	r.Low, r.High = percentileOf(changes, alpha/2), percentileOf(changes, 1-alpha/2)
	enough := bd.n() >= need && nd.n() >= need
	decide(r, enough, o)
	if r.Outcome == Inconclusive {
		r.NeedN = max(need, latencyNeed(r, o))
	}
	r.Detail = latencyDetail(r, need) + invocationsHint(r, base, it.Metric)
	return nil
}

// minSamples is the least samples per run for the metric's bootstrap to be trusted.
func minSamples(m threshold.Metric) int64 {
	q, ok := m.Quantile()
	if !ok || q <= 0.5 {
		return MinSamples
	}
	return max(MinSamples, int64(math.Ceil(MinTail/(1-q)-1e-9)))
}

// latencyNeed scales the current sample size by how much narrower the interval must
// get: a standard error s at n samples becomes s·√(n/n′), and deciding needs
// margin ≥ (z_level + z_power)·s′.
func latencyNeed(r *ItemResult, o Options) int64 {
	za, zb := o.z()
	se := (r.High - r.Low) / (2 * za)
	n := float64(min(r.BaseN, r.NewN))
	if se <= 0 {
		return 0
	}
	target := margin(r) / (za + zb)
	if target <= 0 {
		return maxNeeded
	}
	return ceilCap(n * (se / target) * (se / target))
}

func latencyDetail(r *ItemResult, need int64) string {
	base := fmt.Sprintf("%s %.4g → %.4g ms, change %+.3g%s (%.0f%% CI %+.3g…%+.3g), budget +%g%s",
		r.Metric, r.Base, r.New, r.Change, r.ChangeUnit, 100*r.Confidence, r.Low, r.High, r.Limit, r.ChangeUnit)
	switch {
	case r.Outcome == Inconclusive && (r.BaseN < need || r.NewN < need):
		return fmt.Sprintf("%s; too few samples (baseline %d, new %d; %s needs ≥ %d): run ≈%s samples per run",
			base, r.BaseN, r.NewN, r.Metric, need, fmtN(r.NeedN))
	case r.Outcome == Inconclusive:
		return fmt.Sprintf("%s; interval too wide to decide: run ≈%s samples per run", base, fmtN(r.NeedN))
	case r.Outcome == Fail:
		return base + "; significant regression over budget"
	}
	return base + "; within budget"
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
