package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/report/gate"
	"github.com/thaw-dev/thaw/report/keepalive"
	"github.com/thaw-dev/thaw/report/threshold"
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

// finishRun computes what needs all samples (keep-alive, cost, thresholds), writes
// summary.json and, with render, the report files; junit, when set, receives the
// threshold verdicts. It reports whether every threshold passed.
func finishRun(dir string, sum *results.Summary, a analysisOptions, render bool, junit string) (bool, error) {
	idle := idlePhases(sum)
	var idleSamples []results.Sample
	if len(idle) > 0 {
		if err := results.ReadSamples(dir, func(s *results.Sample) error {
			if idle[s.Phase] {
				idleSamples = append(idleSamples, *s)
			}
			return nil
		}); err != nil {
			return false, err
		}
	}
	sum.KeepAlive = keepalive.Estimate(idleSamples)
	if err := priceRun(dir, sum, a); err != nil {
		return false, err
	}
	pass, err := judgeThresholds(sum)
	if err != nil {
		return false, err
	}
	if err := results.WriteSummary(dir, sum); err != nil {
		return false, err
	}
	if junit != "" {
		if err := writeJUnitFile(junit, sum); err != nil {
			return false, err
		}
	}
	if render {
		if err := report.Write(dir, report.Options{Summary: sum, Version: versionString()}); err != nil {
			return false, fmt.Errorf("report: %w", err)
		}
	}
	return pass, nil
}

// idlePhases names the phases whose samples say something about keep-alive.
func idlePhases(sum *results.Summary) map[string]bool {
	out := map[string]bool{}
	for _, p := range sum.Phases {
		if p.Workload == "idle" {
			out[p.Name] = true
		}
	}
	return out
}

// priceRun fills sum.Cost when the scenario names a pricing model.
func priceRun(dir string, sum *results.Summary, a analysisOptions) error {
	if sum.Pricing == nil || sum.Pricing.Model == "" || sum.Totals.Latency.Count == 0 {
		return nil // nothing to price, or no invocation got a response
	}
	cat, err := loadCatalog(a.pricingFile)
	if err != nil {
		return err
	}
	p := *sum.Pricing
	if a.monthlyInvocations > 0 {
		p.MonthlyInvocations = a.monthlyInvocations
	}
	c, err := cost.EstimateDir(cat, p, dir)
	if err != nil {
		return fmt.Errorf("cost: %w", err)
	}
	sum.Cost = c
	return nil
}

// judgeThresholds evaluates the summary's threshold expressions into sum.Thresholds.
func judgeThresholds(sum *results.Summary) (bool, error) {
	ts := make([]threshold.Threshold, 0, len(sum.ThresholdExprs))
	for _, e := range sum.ThresholdExprs {
		t, err := threshold.Parse(e)
		if err != nil {
			return false, usageErr(fmt.Errorf("threshold %q: %w", e, err))
		}
		ts = append(ts, t)
	}
	sum.Thresholds = threshold.Evaluate(sum, ts)
	pass := true
	for _, r := range sum.Thresholds {
		pass = pass && r.Pass
	}
	return pass, nil
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
