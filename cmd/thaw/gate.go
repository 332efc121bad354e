package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/report/gate"
)

// defaultBudget is the regression budget of `thaw gate --baseline` without
// --max-regression, chosen for CI-sized runs: a median decides from 6 cold starts per
// run (a mean is at the mercy of one slow outlier at that size, and p(95) needs 72),
// and error_rate=10pp decides from about 40 invocations per run when nothing failed.
const defaultBudget = "cold.med=10%,error_rate=10pp"

type gateFlags struct {
	baseline   string
	budget     string
	thresholds []string
	junit      string
	strict     bool
	seed       uint64
	resamples  int
	confidence float64
	allowDiff  bool
}

func newGateCmd() *cobra.Command {
	var f gateFlags
	cmd := &cobra.Command{
		Use:   "gate NEW [--baseline BASE --max-regression BUDGET] [--threshold EXPR]...",
		Short: "Fail CI when a run breaks its thresholds or regresses against a baseline",
		Long: `gate judges the run directory NEW: its own thresholds (from the scenario, plus
--threshold), and with --baseline a statistical comparison against another run of
the same scenario and target (--allow-different to override): a confidence interval
of each item's change (exact order-statistic intervals for percentiles and medians,
a seeded bootstrap for means, Newcombe's interval for rates). An item fails when its
whole interval lies over the budget and passes when it lies under, whatever the
number of samples; it is inconclusive when the interval straddles the budget, or
when a run has too few samples to estimate the statistic at all (p(95) needs 72:
the output names one that a dozen samples can decide, such as cold.med).

Budget: comma-separated METRIC=AMOUNT, e.g. 'cold.p(95)=10%,cold_rate=2pp,p(99)=50ms'
(N% relative, Nms/Ns absolute, Npp percentage points for rates).
Default with --baseline: ` + defaultBudget + `.

Exit codes: 0 pass (and inconclusive without --strict), 1 fail, 2 bad input
(including a missing or mismatched baseline).
With GITHUB_STEP_SUMMARY set, a Markdown summary is appended to it; with
GITHUB_ACTIONS=true, failed items are printed as ::error annotations.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr(fmt.Errorf("gate takes one run directory, got %d arguments", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGate(cmd.OutOrStdout(), args[0], f, cmd.Flags().Changed("max-regression"))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.baseline, "baseline", "", "baseline run directory to compare against")
	fl.StringVar(&f.budget, "max-regression", defaultBudget, "regression budget (needs --baseline)")
	fl.StringArrayVar(&f.thresholds, "threshold", nil, "extra threshold expression, e.g. 'cold.p(99) < 2s' (repeatable)")
	fl.StringVar(&f.junit, "junit", "", "write JUnit XML to this file")
	fl.BoolVar(&f.strict, "strict", false, "treat inconclusive as failure (exit 1)")
	fl.Uint64Var(&f.seed, "seed", 1, "bootstrap seed for mean items (same seed, same verdict)")
	fl.IntVar(&f.resamples, "resamples", gate.DefaultResamples, "bootstrap resamples per mean item")
	fl.Float64Var(&f.confidence, "confidence", gate.DefaultConfidence, "two-sided confidence level of the intervals")
	fl.BoolVar(&f.allowDiff, "allow-different", false, "accept a baseline from another scenario or target")
	return cmd
}

func runGate(stdout io.Writer, dir string, f gateFlags, budgetSet bool) error {
	if budgetSet && f.baseline == "" {
		return usageErr(errors.New("--max-regression needs --baseline"))
	}
	if f.confidence <= 0.5 || f.confidence >= 1 {
		return usageErr(fmt.Errorf("--confidence %v: want a level between 0.5 and 1, e.g. 0.95", f.confidence))
	}
	rep, err := buildGateReport(dir, f)
	if err != nil {
		return err
	}
	if err := writeGateOutputs(stdout, rep, f.junit); err != nil {
		return err
	}
	if rep.Outcome() == gate.Fail {
		return silentExit(exitFail)
	}
	return nil
}

func buildGateReport(dir string, f gateFlags) (gate.Report, error) {
	next, err := gate.LoadRun(dir)
	if err != nil {
		return gate.Report{}, usageErr(err)
	}
	s := next.Summary
	rep := gate.Report{Run: dir, Baseline: f.baseline, Strict: f.strict, DurationS: s.Ended.Sub(s.Started).Seconds()}
	if rep.DurationS < 0 {
		rep.DurationS = 0
	}
	if rep.Thresholds, err = gate.CheckThresholds(s, f.thresholds); err != nil {
		return gate.Report{}, usageErr(err)
	}
	if f.baseline == "" {
		return rep, nil
	}
	budget, err := gate.ParseBudget(f.budget)
	if err != nil {
		return gate.Report{}, usageErr(fmt.Errorf("--max-regression %q: %w", f.budget, err))
	}
	base, err := gate.LoadRun(f.baseline)
	if err != nil {
		return gate.Report{}, usageErr(fmt.Errorf("--baseline: %w", err))
	}
	if err := gate.Comparable(base, next); err != nil && !f.allowDiff {
		return gate.Report{}, usageErr(fmt.Errorf("--baseline: %w: compare runs of one scenario and target, or pass --allow-different", err))
	}
	res := gate.Gate(base, next, budget, gate.Options{Seed: f.seed, Resamples: f.resamples, Confidence: f.confidence})
	rep.Gate = &res
	return rep, nil
}

// writeGateOutputs prints the table, then the CI outputs: JUnit, the GitHub step
// summary and annotations.
func writeGateOutputs(stdout io.Writer, rep gate.Report, junit string) error {
	if err := gate.WriteTable(stdout, rep); err != nil {
		return err
	}
	if junit != "" {
		if err := gate.WriteJUnitFile(junit, rep); err != nil {
			return usageErr(err)
		}
	}
	if path := os.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendMarkdown(path, rep); err != nil {
			return err
		}
	}
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		return gate.WriteAnnotations(stdout, rep)
	}
	return nil
}

func appendMarkdown(path string, rep gate.Report) error {
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	werr := gate.WriteMarkdown(fh, rep)
	if cerr := fh.Close(); werr == nil && cerr != nil {
		werr = fmt.Errorf("GITHUB_STEP_SUMMARY: %w", cerr)
	}
	return werr
}
