package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/analysis"
	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/report/gate"
	"github.com/thaw-dev/thaw/results"
)

// analysisOptions are the flags shared by run, report and merge that change how a run
// is judged and priced.
type analysisOptions struct {
	pricingFile        string
	monthlyInvocations int64
}

func (a *analysisOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.pricingFile, "pricing", "", "pricing catalog YAML overriding the built-in one")
	cmd.Flags().Int64Var(&a.monthlyInvocations, "monthly-invocations", 0, "project the monthly cost for this many invocations")
}

// finish settles how a run is finished: whether every sample is judged again (and
// with which probes), and whether the report files are rendered.
type finish struct {
	judge    bool
	probes   []probes.Spec
	recorded *analysis.Recording // the pass as done while the samples were written (thaw run)
	catalog  *cost.Catalog       // the pricing catalog already loaded; nil: load it
	notice   io.Writer           // told what the user should know (default stderr)
	render   bool
	junit    string // receives the threshold verdicts when set
}

// finishRun runs the whole-run pass (package analysis) over dir: final verdicts,
// figures, keep-alive, cost, thresholds, summary.json and, with render, the report.
// It reports whether every threshold passed.
func finishRun(dir string, meta *results.Summary, a analysisOptions, f finish) (*results.Summary, bool, error) {
	var (
		cat cost.Catalog
		err error
	)
	if f.catalog != nil {
		cat = *f.catalog
	} else if cat, err = loadCatalog(a.pricingFile); err != nil {
		return nil, false, usageErr(err)
	}
	panicsBefore := probes.Panics()
	sum, err := analysis.Finish(dir, meta, f.options(cat, a))
	if n := probes.Panics() - panicsBefore; n > 0 {
		fmt.Fprintf(f.noticeWriter(), "thaw: a probe failed (panicked) on %d samples; they stay unknown for that probe, with the panic in evidence.reasons\n", n)
	}
	if errors.Is(err, analysis.ErrThresholds) {
		return nil, false, usageErr(err)
	}
	if err != nil {
		return nil, false, abortErr(err)
	}
	if f.junit != "" {
		if err := writeJUnitFile(f.junit, sum); err != nil {
			return nil, false, abortErr(err)
		}
	}
	return sum, analysis.Passed(sum), nil
}

// options are the whole-run pass's options for f, with catalog cat.
func (f finish) options(cat cost.Catalog, a analysisOptions) analysis.Options {
	notice := f.noticeWriter()
	return analysis.Options{
		Judge: f.judge, Probes: f.probes, Recorded: f.recorded, Catalog: &cat, MonthlyInvocations: a.monthlyInvocations,
		Render: f.render, Version: versionString(),
		Notice: func(msg string) { fmt.Fprintf(notice, "thaw: %s\n", msg) },
	}
}

// noticeWriter is where f's notices go (default stderr).
func (f finish) noticeWriter() io.Writer {
	if f.notice == nil {
		return os.Stderr
	}
	return f.notice
}

// loadCatalog is the pricing catalog: the built-in one, or the file given.
func loadCatalog(path string) (cost.Catalog, error) {
	if path == "" {
		return cost.DefaultCatalog()
	}
	return cost.LoadCatalog(path)
}

func writeJUnitFile(path string, sum *results.Summary) error {
	return gate.WriteJUnitFile(path, gate.Report{
		Run:        sum.Scenario,
		Thresholds: sum.Thresholds,
		DurationS:  sum.Ended.Sub(sum.Started).Seconds(),
	})
}

// printRunSummary prints the per-phase table, the verdicts and where the files are.
func printRunSummary(w io.Writer, dir string, sum *results.Summary) error {
	if err := report.Table(w, sum); err != nil {
		return err
	}
	if ka := sum.KeepAlive; ka != nil && sum.TimeScale > 1 {
		scaled := func(ms float64) time.Duration {
			return time.Duration(ms * sum.TimeScale * float64(time.Millisecond)).Round(time.Second)
		}
		if _, err := fmt.Fprintf(w, "time scale %g: keep-alive in scenario time ≈ %s (between %s and %s)\n",
			sum.TimeScale, scaled(ka.EstimateMS), scaled(ka.LowMS), scaled(ka.HighMS)); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "results: %s\n", filepath.Clean(dir))
	return err
}
