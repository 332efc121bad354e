package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/thaw-dev/thaw/results"
)

// Significance levels marked in a comparison: "**" p < 0.01, "*" p < 0.05.
const (
	alphaStrong = 0.01
	alphaWeak   = 0.05
)

// CompareRow is one metric of two runs side by side.
type CompareRow struct {
	Metric   string
	Unit     string // "ms", "%" or "$"
	Base     float64
	New      float64
	Have     bool    // both runs have the metric
	DeltaPct float64 // (new − base) / base × 100; NaN when base is 0
	PValue   float64 // two-sided; NaN when no test applies
	Test     string  // "quantile" (order-statistic standard errors) or "two-proportion z"
}

// Mark is "**", "*" or "" by significance, "n/a" when no test applies.
func (r CompareRow) Mark() string {
	switch {
	case math.IsNaN(r.PValue):
		return "n/a"
	case r.PValue < alphaStrong:
		return "**"
	case r.PValue < alphaWeak:
		return "*"
	}
	return ""
}

// Comparison is two runs compared metric by metric.
type Comparison struct {
	BaseName, NewName string
	Rows              []CompareRow
}

// Compare compares two runs' summaries. Percentile differences are tested with a
// distribution-free standard error from the HDR histograms: the quantile's 95%
// order-statistic interval (the values at ranks n·p ± 1.96·√(n·p·(1−p))) gives
// se ≈ width / 3.92, and z = Δ / √(se_base² + se_new²). Rates (cold, errors) use a
// two-proportion z-test. Everything is deterministic: no resampling.
func Compare(base, next *results.Summary, baseName, newName string) (*Comparison, error) {
	bh, err := decodeTotals(base)
	if err != nil {
		return nil, fmt.Errorf("compare %s: %w", baseName, err)
	}
	nh, err := decodeTotals(next)
	if err != nil {
		return nil, fmt.Errorf("compare %s: %w", newName, err)
	}
	c := &Comparison{BaseName: baseName, NewName: newName}
	qs := []struct {
		name string
		key  string
		q    float64
	}{
		{"p50", results.HistAll, 0.50}, {"p95", results.HistAll, 0.95}, {"p99", results.HistAll, 0.99},
		{"warm p50", results.HistWarm, 0.50}, {"warm p99", results.HistWarm, 0.99},
		{"cold p50", results.HistCold, 0.50}, {"cold p95", results.HistCold, 0.95},
	}
	for _, q := range qs {
		c.Rows = append(c.Rows, quantileRow(q.name, bh[q.key], nh[q.key], q.q))
	}
	c.Rows = append(c.Rows,
		proportionRow("cold rate", base.Totals.Cold, base.Totals.Count, next.Totals.Cold, next.Totals.Count),
		proportionRow("error rate", base.Totals.Errors, base.Totals.Count, next.Totals.Errors, next.Totals.Count),
		costRow(base.Cost, next.Cost))
	return c, nil
}

func quantileRow(name string, b, n *results.Histogram, q float64) CompareRow {
	r := CompareRow{Metric: name, Unit: "ms", PValue: math.NaN(), Test: "quantile"}
	if b.Count() == 0 || n.Count() == 0 {
		return r
	}
	r.Have = true
	r.Base, r.New = b.QuantileMS(q), n.QuantileMS(q)
	r.DeltaPct = deltaPct(r.Base, r.New)
	se := math.Hypot(quantileSE(b, q), quantileSE(n, q))
	if se > 0 && b.Count() >= 5 && n.Count() >= 5 {
		r.PValue = twoSided((r.New - r.Base) / se)
	}
	return r
}

// quantileSE is the standard error of the q-quantile from the order-statistic interval.
func quantileSE(h *results.Histogram, q float64) float64 {
	d := 1.96 * math.Sqrt(q*(1-q)/float64(h.Count()))
	lo, hi := math.Max(0, q-d), math.Min(1, q+d)
	return (h.QuantileMS(hi) - h.QuantileMS(lo)) / 3.92
}

func proportionRow(name string, bk, bn, nk, nn int64) CompareRow {
	r := CompareRow{Metric: name, Unit: "%", PValue: math.NaN(), Test: "two-proportion z"}
	if bn == 0 || nn == 0 {
		return r
	}
	r.Have = true
	p1, p2 := float64(bk)/float64(bn), float64(nk)/float64(nn)
	r.Base, r.New = p1*100, p2*100
	r.DeltaPct = deltaPct(p1, p2)
	pool := float64(bk+nk) / float64(bn+nn)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(bn) + 1/float64(nn)))
	if se > 0 {
		r.PValue = twoSided((p2 - p1) / se)
	} else {
		r.PValue = 1 // both rates are 0% or both 100%: no difference
	}
	return r
}

func costRow(b, n *results.Cost) CompareRow {
	r := CompareRow{Metric: "cost per million", Unit: "$", PValue: math.NaN()}
	if b == nil || n == nil {
		return r
	}
	r.Have, r.Base, r.New = true, b.PerMillionUSD, n.PerMillionUSD
	r.DeltaPct = deltaPct(r.Base, r.New)
	return r
}

func deltaPct(base, next float64) float64 {
	if base == 0 {
		if next == 0 {
			return 0
		}
		return math.NaN()
	}
	return (next - base) / base * 100
}

// twoSided is the two-sided p-value of a standard normal z.
func twoSided(z float64) float64 { return math.Erfc(math.Abs(z) / math.Sqrt2) }

// cells formats the row for a table: metric, base, new, Δ, significance.
func (r CompareRow) cells() []string {
	if !r.Have {
		return []string{r.Metric, "-", "-", "-", "n/a"}
	}
	f := func(v float64) string {
		switch r.Unit {
		case "ms":
			return fmtMS(v, 1) + " ms"
		case "%":
			return strconv.FormatFloat(v, 'f', 2, 64) + "%"
		default:
			return fmtUSD(v)
		}
	}
	d := "-"
	if !math.IsNaN(r.DeltaPct) {
		d = fmt.Sprintf("%+.1f%%", r.DeltaPct)
	}
	sig := r.Mark()
	switch {
	case math.IsNaN(r.PValue):
	case r.PValue < 1e-4:
		sig += " p<0.0001"
	default:
		sig = fmt.Sprintf("%s p=%.2g", sig, r.PValue)
	}
	sig = strings.TrimSpace(sig)
	return []string{r.Metric, f(r.Base), f(r.New), d, sig}
}

func (c *Comparison) table() phaseTable {
	t := phaseTable{Header: []string{"metric", "base", "new", "Δ", "significance"}}
	for _, r := range c.Rows {
		t.Rows = append(t.Rows, r.cells())
	}
	return t
}

// WriteTable writes the comparison as a terminal table with a legend line.
func (c *Comparison) WriteTable(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "base: %s\nnew:  %s\n", c.BaseName, c.NewName); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if err := renderTable(w, c.table(), 1); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "significance: ** p < 0.01, * p < 0.05 (percentiles: order-statistic standard errors; rates: two-proportion z-test)")
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	return nil
}

// WriteMarkdown writes the comparison as a Markdown table.
func (c *Comparison) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## thaw compare\n\nBase `%s` · new `%s`\n\n", c.BaseName, c.NewName)
	mdTable(&b, c.table(), 1)
	b.WriteString("\nSignificance: ** p < 0.01, * p < 0.05.\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	return nil
}
