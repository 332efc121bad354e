package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/thaw-dev/thaw/report/gate"
	"github.com/thaw-dev/thaw/results"
)

// compareMetrics are the rows of a comparison, as gate metrics: latencies compared
// relative to the base (%), rates in percentage points.
var compareMetrics = []string{
	"p(50)", "p(95)", "p(99)", "warm.p(50)", "warm.p(99)",
	"cold.p(50)", "cold.p(95)", "cold.avg", "cold_rate", "error_rate",
}

// Findings of a comparison row: what the confidence interval of the change says.
const (
	FindingHigher       = "higher"          // the whole interval lies above zero
	FindingLower        = "lower"           // the whole interval lies below zero
	FindingNoClear      = "no clear change" // the interval contains zero
	FindingSame         = "same"            // identical figures and no uncertainty
	FindingNotEstimable = "not estimable"   // too few samples for an interval
	FindingNone         = "n/a"             // no statistics (cost) or no data
)

// CompareRow is one metric of two runs side by side. Change, Low and High are in
// ChangeUnit: "%" relative to the base for latencies, "pp" for rates.
type CompareRow struct {
	Metric     string
	Unit       string // "ms", "%" or "$"
	Base       float64
	New        float64
	BaseN      int64 // samples (latencies) or invocations (rates) behind each side
	NewN       int64
	Have       bool // both runs have the metric
	Change     float64
	Low        float64 // confidence interval of Change, as the gate computes it
	High       float64
	ChangeUnit string
	Finding    string // one of the Finding* constants
	Detail     string // the gate's explanation (names estimable statistics when n is small)
}

// Comparison is two runs compared metric by metric.
type Comparison struct {
	BaseName, NewName string
	Confidence        float64
	Rows              []CompareRow
}

// Compare compares two runs from their summaries alone (histograms stand in for the
// samples). CompareRuns is the same with samples when the run directories have them.
func Compare(base, next *results.Summary, baseName, newName string) (*Comparison, error) {
	return CompareRuns(gate.RunData{Dir: baseName, Summary: base}, gate.RunData{Dir: newName, Summary: next})
}

// CompareRuns compares two runs with the gate's statistics (package gate): the same
// point figures the summaries print, the same confidence intervals of the change
// (exact order-statistic intervals for percentiles, a seeded bootstrap for means,
// Newcombe for rates), and n on every row. It gives no p-values: a row says whether
// the interval lies above or below zero, contains it, or cannot be computed from so
// few samples (p(95) of 13 values), and then names statistics that can. It is
// deterministic.
func CompareRuns(base, next gate.RunData) (*Comparison, error) {
	budget, err := gate.ParseBudget(compareBudget())
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	res := gate.Gate(base, next, budget, gate.Options{Seed: 1})
	c := &Comparison{BaseName: base.Dir, NewName: next.Dir, Confidence: res.Confidence}
	for _, it := range res.Items {
		c.Rows = append(c.Rows, compareRow(it))
	}
	c.Rows = append(c.Rows, costRow(base.Summary.Cost, next.Summary.Cost))
	return c, nil
}

func compareBudget() string {
	items := make([]string, len(compareMetrics))
	for i, m := range compareMetrics {
		unit := "%"
		if strings.HasSuffix(m, "_rate") {
			unit = "pp"
		}
		items[i] = m + "=0" + unit
	}
	return strings.Join(items, ",")
}

func compareRow(it gate.ItemResult) CompareRow {
	r := CompareRow{Metric: it.Metric, Unit: it.Unit, Base: it.Base, New: it.New, BaseN: it.BaseN, NewN: it.NewN,
		Change: it.Change, Low: it.Low, High: it.High, ChangeUnit: it.ChangeUnit, Detail: it.Detail}
	r.Have = it.BaseN > 0 && it.NewN > 0 && !strings.HasPrefix(it.Detail, "cannot compare")
	switch {
	case !r.Have:
		r.Finding = FindingNone
	case it.NotEstimable:
		r.Finding = FindingNotEstimable
	case it.Low == 0 && it.High == 0:
		r.Finding = FindingSame
	case it.Low > 0:
		r.Finding = FindingHigher
	case it.High < 0:
		r.Finding = FindingLower
	default:
		r.Finding = FindingNoClear
	}
	return r
}

func costRow(b, n *results.Cost) CompareRow {
	r := CompareRow{Metric: "cost_per_million", Unit: "$", ChangeUnit: "%", Finding: FindingNone}
	if b == nil || n == nil {
		return r
	}
	r.Have, r.Base, r.New = true, b.PerMillionUSD, n.PerMillionUSD
	r.Change = math.NaN()
	if r.Base != 0 {
		r.Change = (r.New - r.Base) / r.Base * 100
	}
	return r
}

// cells formats the row for a table: metric, base (n), new (n), change, interval,
// finding.
func (r CompareRow) cells() []string {
	if !r.Have {
		return []string{r.Metric, "-", "-", "-", "-", r.Finding}
	}
	f := func(v float64, n int64) string {
		var s string
		switch r.Unit {
		case "ms":
			s = fmtMS(v, 1) + " ms"
		case "%":
			s = strconv.FormatFloat(v, 'f', 2, 64) + "%"
		default:
			return fmtUSD(v)
		}
		return fmt.Sprintf("%s (n=%d)", s, n)
	}
	change, ci := "-", "-"
	if !math.IsNaN(r.Change) && !math.IsInf(r.Change, 0) {
		change = fmt.Sprintf("%+.1f%s", r.Change, r.ChangeUnit)
	}
	if r.Finding != FindingNotEstimable && r.Finding != FindingNone {
		ci = fmt.Sprintf("[%+.1f, %+.1f]%s", r.Low, r.High, r.ChangeUnit)
	}
	finding := r.Finding
	if r.Finding == FindingNotEstimable {
		if _, alt, ok := strings.Cut(r.Detail, "these runs can decide "); ok {
			finding += ": use " + strings.TrimSpace(strings.Split(alt, " (")[0])
		}
	}
	return []string{r.Metric, f(r.Base, r.BaseN), f(r.New, r.NewN), change, ci, finding}
}

func (c *Comparison) table() phaseTable {
	ci := fmt.Sprintf("%.0f%% CI", 100*c.Confidence)
	t := phaseTable{Header: []string{"metric", "base", "new", "change", ci, "finding"}}
	for _, r := range c.Rows {
		t.Rows = append(t.Rows, r.cells())
	}
	return t
}

// legend explains the findings in one line.
func (c *Comparison) legend() string {
	return fmt.Sprintf("change with its %.0f%% confidence interval as thaw gate computes it, no p-values (percentiles: exact "+
		"order-statistic intervals; means: bootstrap; rates: Newcombe); higher/lower: the whole interval is "+
		"on one side of zero; not estimable: too few samples for that statistic", 100*c.Confidence)
}

// WriteTable writes the comparison as a terminal table with a legend line.
func (c *Comparison) WriteTable(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "base: %s\nnew:  %s\n", c.BaseName, c.NewName); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if err := renderTable(w, c.table(), 1); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w, c.legend()); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	return nil
}

// WriteMarkdown writes the comparison as a Markdown table.
func (c *Comparison) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## thaw compare\n\nBase `%s` · new `%s`\n\n", c.BaseName, c.NewName)
	mdTable(&b, c.table(), 1)
	b.WriteString("\n" + c.legend() + ".\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	return nil
}
