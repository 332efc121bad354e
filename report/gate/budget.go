package gate

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/thaw-dev/thaw/report/threshold"
)

// Budget is how much worse the new run may be than the baseline, metric by metric
// (parsed from `--max-regression 'cold.p(95)=10%,cold_rate=2pp,p(99)=50ms'`).
type Budget []BudgetItem

// Budget units.
const (
	UnitRelative = "%"  // relative to the baseline's value
	UnitMS       = "ms" // absolute, latency metrics
	UnitPP       = "pp" // percentage points, rate metrics
)

// BudgetItem allows Metric to grow by Limit (in Unit) over the baseline.
type BudgetItem struct {
	Text   string // as written
	Metric threshold.Metric
	Limit  float64 // in Unit; seconds are converted to ms
	Unit   string  // UnitRelative, UnitMS or UnitPP
}

// ParseBudget reads a comma-separated list of METRIC=AMOUNT items. Metrics are
// threshold metrics (grammar in package threshold): latency percentiles, med and avg
// of any source, and rates. Amounts are N% (relative), Nms or Ns (latency) and Npp
// (rates). Errors are *threshold.SyntaxError values whose column counts from the
// start of s.
func ParseBudget(s string) (Budget, error) {
	var b Budget
	pos := 0
	for {
		pos = skipBlanks(s, pos)
		item, end, err := parseItem(s, pos)
		if err != nil {
			return nil, err
		}
		b = append(b, item)
		pos = skipBlanks(s, end)
		if pos >= len(s) {
			return b, nil
		}
		if s[pos] != ',' {
			return nil, synErr(s, pos, "expected \",\" or the end, found %q", rest(s, pos))
		}
		pos++
	}
}

func skipBlanks(s string, pos int) int {
	for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t') {
		pos++
	}
	return pos
}

func synErr(s string, pos int, format string, a ...any) error {
	return &threshold.SyntaxError{Col: utf8.RuneCountInString(s[:pos]) + 1, Msg: fmt.Sprintf(format, a...)}
}

func rest(s string, pos int) string {
	r, _ := utf8.DecodeRuneInString(s[pos:])
	return string(r)
}

func parseItem(s string, start int) (BudgetItem, int, error) {
	m, n, err := threshold.ParseMetric(s[start:])
	if err != nil {
		if se, ok := err.(*threshold.SyntaxError); ok {
			se.Col += utf8.RuneCountInString(s[:start])
		}
		return BudgetItem{}, 0, err
	}
	if err := budgetable(m); err != nil {
		return BudgetItem{}, 0, synErr(s, start, "%v", err)
	}
	pos := skipBlanks(s, start+n)
	if pos >= len(s) || s[pos] != '=' {
		return BudgetItem{}, 0, synErr(s, pos, "expected \"=\" after %s", m)
	}
	pos = skipBlanks(s, pos+1)
	numEnd := pos
	for numEnd < len(s) && (s[numEnd] >= '0' && s[numEnd] <= '9' || s[numEnd] == '.') {
		numEnd++
	}
	v, err := strconv.ParseFloat(s[pos:numEnd], 64)
	if err != nil || v < 0 {
		return BudgetItem{}, 0, synErr(s, pos, "expected an amount such as 10%%, 50ms or 2pp after %s=", m)
	}
	unitEnd := numEnd
	for unitEnd < len(s) && strings.IndexByte("abcdefghijklmnopqrstuvwxyz%", s[unitEnd]) >= 0 {
		unitEnd++
	}
	item := BudgetItem{Text: strings.TrimSpace(s[start:unitEnd]), Metric: m}
	if err := item.setUnit(v, s[numEnd:unitEnd]); err != nil {
		return BudgetItem{}, 0, synErr(s, numEnd, "%v", err)
	}
	return item, unitEnd, nil
}

// budgetable rejects metrics a two-run comparison cannot judge with statistics.
func budgetable(m threshold.Metric) error {
	switch m.Kind {
	case threshold.KindRate:
		return nil
	case threshold.KindLatency:
		switch m.Stat {
		case threshold.StatPercentile:
			if m.Q <= 0 || m.Q >= 100 {
				return fmt.Errorf("%s cannot be compared with statistics: use a percentile between 0 and 100 exclusive", m)
			}
			return nil
		case threshold.StatMed, threshold.StatAvg:
			return nil
		}
		return fmt.Errorf("%s cannot be compared with statistics: use p(N), med or avg", m)
	}
	return fmt.Errorf("%s cannot be gated against a baseline: use a latency statistic or a rate (or a threshold)", m)
}

func (it *BudgetItem) setUnit(v float64, unit string) error {
	latency := it.Metric.Kind == threshold.KindLatency
	switch {
	case unit == "%":
		it.Limit, it.Unit = v, UnitRelative
	case latency && unit == "ms":
		it.Limit, it.Unit = v, UnitMS
	case latency && unit == "s":
		it.Limit, it.Unit = v*1000, UnitMS
	case !latency && unit == "pp":
		if v > 100 {
			return fmt.Errorf("%gpp is more than 100 percentage points", v)
		}
		it.Limit, it.Unit = v, UnitPP
	case latency:
		return fmt.Errorf("expected a unit (%%, ms, s) for %s, found %q", it.Metric, unit)
	default:
		return fmt.Errorf("expected a unit (pp, %%) for %s, found %q", it.Metric, unit)
	}
	return nil
}
