package report

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/thaw-dev/thaw/results"
)

// Files written by WriteComparison.
const (
	CompareMarkdownFile = "compare.md"
)

var colorBase = colorUnknown

// CompareFigures overlays two runs: latency histograms (all invocations) and CDFs
// (all and cold), base in grey and new in blue.
func CompareFigures(base, next *results.Summary) ([]*Figure, error) {
	bh, err := decodeTotals(base)
	if err != nil {
		return nil, err
	}
	nh, err := decodeTotals(next)
	if err != nil {
		return nil, err
	}
	var out []*Figure
	hp, err := histogramPlot("Latency: base vs new", []histSeries{
		{"base", colorBase, bh[results.HistAll], false}, {"new", colorWarm, nh[results.HistAll], false}})
	if err != nil {
		return nil, err
	}
	if hp != nil {
		out = append(out, plotFigure("compare-histogram", "Latency histogram, base vs new",
			"Share of each run's invocations per latency bin (log-spaced bins, log axis).", hp))
	}
	cp, err := cdfPlot("Latency CDF: base vs new", []histSeries{
		{"base", colorBase, bh[results.HistAll], true}, {"new", colorWarm, nh[results.HistAll], false},
		{"base cold", withAlpha(colorCold, 0xA0), bh[results.HistCold], true}, {"new cold", colorCold, nh[results.HistCold], false}})
	if err != nil {
		return nil, err
	}
	if cp != nil {
		out = append(out, plotFigure("compare-cdf", "Latency CDF, base vs new",
			"Fraction of invocations within a latency, for both runs; base dashed.", cp))
	}
	return out, nil
}

// WriteComparison writes compare.md and the overlaid plots (SVG and PNG) into outDir.
func WriteComparison(outDir string, c *Comparison, base, next *results.Summary) error {
	figs, err := CompareFigures(base, next)
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	if err := WritePlots(outDir, figs); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	var b bytes.Buffer
	if err := c.WriteMarkdown(&b); err != nil {
		return err
	}
	return writeFile(filepath.Join(outDir, CompareMarkdownFile), b.Bytes())
}
