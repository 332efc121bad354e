package threshold

import (
	"strconv"
	"strings"
)

// Kind is what a metric measures, which decides the units its values take.
type Kind int

// Kinds of metric.
const (
	KindLatency Kind = iota + 1 // milliseconds
	KindRate                    // percent of invocations
	KindCost                    // US dollars per million invocations
	KindCount                   // invocations
)

// Stat is the statistic taken of a latency distribution.
type Stat int

// Latency statistics.
const (
	StatPercentile Stat = iota + 1
	StatAvg
	StatMed
	StatMin
	StatMax
	StatCount
)

// Latency sources (Metric.Source).
const (
	SourceAll      = "all"
	SourceCold     = "cold"
	SourceWarm     = "warm"
	SourceInit     = "init"
	SourceServer   = "server"
	SourceIntended = "intended"
)

// Rate names (Metric.Rate).
const (
	RateCold     = "cold_rate"
	RateWarm     = "warm_rate"
	RateUnknown  = "unknown_rate"
	RateError    = "error_rate"
	RateThrottle = "throttle_rate"
	RateDropped  = "dropped_rate" // dropped arrivals / planned arrivals (open model)
	RateLate     = "late_rate"    // late sends / planned arrivals (open model)
)

// Metric is the left-hand side of a threshold: one figure of a run summary. The zero
// value is invalid; build one with Parse or ParseMetric.
type Metric struct {
	Phase  string  // phase name; "" is the whole run (Summary.Totals)
	Kind   Kind    // what is measured
	Source string  // KindLatency: one of the Source* constants
	Stat   Stat    // KindLatency: the statistic
	Q      float64 // StatPercentile: the percentile in percent (95, 99.9)
	Rate   string  // KindRate: one of the Rate* constants
}

// Unit is the unit of the metric's values as written in results: "ms", "%", "USD" or
// "" for counts.
func (m Metric) Unit() string {
	switch m.Kind {
	case KindLatency:
		if m.Stat == StatCount {
			return ""
		}
		return "ms"
	case KindRate:
		return "%"
	case KindCost:
		return "USD"
	}
	return ""
}

// String is the canonical spelling of m, which Parse reads back to the same Metric.
func (m Metric) String() string {
	var b strings.Builder
	if m.Phase != "" {
		b.WriteString("phase[" + m.Phase + "].")
	}
	switch m.Kind {
	case KindRate:
		b.WriteString(m.Rate)
	case KindCost:
		b.WriteString("cost_per_million")
	case KindCount:
		b.WriteString("count")
	case KindLatency:
		if m.Source != SourceAll && m.Source != "" {
			b.WriteString(m.Source + ".")
		}
		b.WriteString(statName(m.Stat, m.Q))
	}
	return b.String()
}

func statName(s Stat, q float64) string {
	switch s {
	case StatPercentile:
		return "p(" + strconv.FormatFloat(q, 'f', -1, 64) + ")"
	case StatAvg:
		return "avg"
	case StatMed:
		return "med"
	case StatMin:
		return "min"
	case StatMax:
		return "max"
	case StatCount:
		return "count"
	}
	return "?"
}

// Quantile is the fraction (0..1) a latency statistic stands for, and false for avg
// and count, which are not quantiles.
func (m Metric) Quantile() (float64, bool) {
	switch m.Stat {
	case StatPercentile:
		return m.Q / 100, true
	case StatMed:
		return 0.5, true
	case StatMin:
		return 0, true
	case StatMax:
		return 1, true
	}
	return 0, false
}
