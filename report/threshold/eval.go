package threshold

import (
	"fmt"
	"strconv"

	"github.com/thaw-dev/thaw/results"
)

// notComputable is the Detail prefix of a verdict on a metric without data.
const notComputable = "not computable: "

// Evaluate judges every threshold against s, in order. A metric that cannot be
// computed fails with a Detail starting "not computable:" (see the package doc).
// It is safe for concurrent use (it only reads s).
func Evaluate(s *results.Summary, ts []Threshold) []results.ThresholdResult {
	out := make([]results.ThresholdResult, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Evaluate(s))
	}
	return out
}

// Evaluate judges t against s.
func (t Threshold) Evaluate(s *results.Summary) results.ThresholdResult {
	r := results.ThresholdResult{Expr: t.Expr, Unit: t.Metric.Unit()}
	v, err := Value(s, t.Metric)
	if err != nil {
		r.Detail = notComputable + err.Error()
		return r
	}
	r.Value = v
	r.Pass = t.Op.Holds(v, t.Limit)
	verb := "holds"
	if !r.Pass {
		verb = "fails"
	}
	r.Detail = fmt.Sprintf("%s = %s; %s %s %s", t.Metric, formatValue(v, r.Unit), verb, t.Op, formatValue(t.Limit, r.Unit))
	return r
}

// NotComputable reports whether r failed because its metric had no data.
func NotComputable(r results.ThresholdResult) bool {
	return !r.Pass && len(r.Detail) >= len(notComputable) && r.Detail[:len(notComputable)] == notComputable
}

func formatValue(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'g', 6, 64)
	switch unit {
	case "":
		return s
	case "USD":
		return "$" + s
	case "%":
		return s + "%"
	}
	return s + unit
}

// Value computes metric m from s, in the metric's base unit (Metric.Unit). It fails
// when the metric has no data (no such phase, no cold samples, no cost).
func Value(s *results.Summary, m Metric) (float64, error) {
	if m.Kind == KindCost {
		if s.Cost == nil {
			return 0, fmt.Errorf("no cost in this run (the scenario has no pricing block)")
		}
		return s.Cost.PerMillionUSD, nil
	}
	ps, err := Phase(s, m.Phase)
	if err != nil {
		return 0, err
	}
	switch m.Kind {
	case KindCount:
		return float64(ps.Count), nil
	case KindRate:
		return rate(ps, m.Rate)
	case KindLatency:
		return latency(ps, m)
	}
	return 0, fmt.Errorf("invalid metric")
}

// Phase is the phase named name in s, or the totals when name is "".
func Phase(s *results.Summary, name string) (*results.PhaseSummary, error) {
	if name == "" {
		return &s.Totals, nil
	}
	for i := range s.Phases {
		if s.Phases[i].Name == name {
			return &s.Phases[i], nil
		}
	}
	return nil, fmt.Errorf("no phase %q in this run", name)
}

// RateCounts is the numerator and denominator of a rate metric in ps: cold_rate and
// warm_rate are shares of the classified invocations (cold + warm), dropped_rate and
// late_rate shares of the planned arrivals of open-model phases (dropped arrivals
// were never sent, so they are not invocations), the other rates shares of all
// invocations.
func RateCounts(ps *results.PhaseSummary, name string) (hits, total int64) {
	switch name {
	case RateCold:
		return ps.Cold, ps.Cold + ps.Warm
	case RateWarm:
		return ps.Warm, ps.Cold + ps.Warm
	case RateUnknown:
		return ps.Unknown, ps.Count
	case RateError:
		return ps.Errors, ps.Count
	case RateThrottle:
		return ps.ErrorsByKind[results.ErrThrottled], ps.Count
	case RateDropped:
		return ps.Dropped, ps.Planned
	case RateLate:
		return ps.Late, ps.Planned
	}
	return 0, 0
}

func rate(ps *results.PhaseSummary, name string) (float64, error) {
	hits, total := RateCounts(ps, name)
	if total == 0 {
		switch name {
		case RateCold, RateWarm:
			return 0, fmt.Errorf("no invocation classified cold or warm")
		case RateDropped, RateLate:
			return 0, fmt.Errorf("no planned arrivals in this phase")
		}
		return 0, fmt.Errorf("no invocations")
	}
	return 100 * float64(hits) / float64(total), nil
}

// Distribution is the stored percentiles and histogram key of a latency source in ps
// (nil percentiles when the source has none, as InitLatency may).
func Distribution(ps *results.PhaseSummary, source string) (*results.Percentiles, string) {
	switch source {
	case SourceCold:
		return &ps.ColdLatency, results.HistCold
	case SourceWarm:
		return &ps.WarmLatency, results.HistWarm
	case SourceServer:
		return &ps.ServerLatency, results.HistServer
	case SourceInit:
		return ps.InitLatency, results.HistInit
	case SourceIntended:
		return ps.IntendedLatency, results.HistIntended
	}
	return &ps.Latency, results.HistAll
}

var noData = map[string]string{
	SourceAll:      "no latency recorded",
	SourceCold:     "no cold samples",
	SourceWarm:     "no warm samples",
	SourceServer:   "no server times recorded",
	SourceInit:     "no init durations reported",
	SourceIntended: "no intended-time latencies (not an open-model phase)",
}

func latency(ps *results.PhaseSummary, m Metric) (float64, error) {
	pct, key := Distribution(ps, m.Source)
	if m.Stat == StatCount {
		if pct == nil {
			return 0, nil
		}
		return float64(pct.Count), nil
	}
	if pct == nil || pct.Count == 0 {
		return 0, fmt.Errorf("%s", noData[m.Source])
	}
	switch m.Stat {
	case StatAvg:
		return pct.Mean, nil
	case StatMed:
		return pct.P50, nil
	case StatMin:
		return pct.Min, nil
	case StatMax:
		return pct.Max, nil
	}
	if v, ok := stored(pct, m.Q); ok {
		return v, nil
	}
	h, err := results.DecodeHistogram(ps.Histograms[key])
	if err != nil {
		return 0, fmt.Errorf("%s histogram: %w", key, err)
	}
	if h.Count() == 0 {
		return 0, fmt.Errorf("no %s histogram stored for p(%g)", key, m.Q)
	}
	return h.QuantileMS(m.Q / 100), nil
}

// stored is percentile q (in percent) when Percentiles holds it.
func stored(p *results.Percentiles, q float64) (float64, bool) {
	switch q {
	case 0:
		return p.Min, true
	case 50:
		return p.P50, true
	case 90:
		return p.P90, true
	case 95:
		return p.P95, true
	case 99:
		return p.P99, true
	case 99.9:
		return p.P999, true
	case 100:
		return p.Max, true
	}
	return 0, false
}
