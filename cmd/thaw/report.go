package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

func newReportCmd() *cobra.Command {
	var (
		a          analysisOptions
		reclassify bool
		probeList  string
	)
	cmd := &cobra.Command{
		Use:   "report DIR",
		Short: "Rebuild the report of a run directory (optionally judging it again)",
		Long: `Report rebuilds every figure of a run from its samples (summary.json,
keep-alive estimate, cost, threshold verdicts) and writes summary.json,
summary.md, report.html and plots/ again. A missing or corrupt summary.json is
rebuilt from samples.ndjson (and scenario.yaml, when the run kept it).

With --reclassify every sample is judged again from the evidence stored with it
(headers, body prefix, platform log, timings), with the scenario's probes or
--probes, so a run of hours of idle waits need not be repeated.`,
		Example: `  thaw report results/demo
  thaw report results/demo --reclassify --probes latency`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			meta, err := runMeta(dir, cmd.ErrOrStderr())
			if err != nil {
				return usageErr(err)
			}
			f := finish{render: true, notice: cmd.ErrOrStderr()}
			if reclassify {
				f.judge = true
				if f.probes, err = reportProbes(dir, probeList); err != nil {
					return usageErr(err)
				}
			}
			sum, pass, err := finishRun(dir, meta, a, f)
			if err != nil {
				return err
			}
			if err := printRunSummary(cmd.OutOrStdout(), dir, sum); err != nil {
				return err
			}
			if !pass {
				return silentExit(exitFail)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&reclassify, "reclassify", false, "judge every sample again from its stored evidence")
	cmd.Flags().StringVar(&probeList, "probes", "", "comma-separated probes for --reclassify (default: the scenario's)")
	a.addFlags(cmd)
	return cmd
}

// runMeta is what a run directory says about its run beyond the samples: its
// summary.json, or, when that is missing or corrupt, what scenario.yaml says (phase
// names and workloads, thresholds, pricing), reported on stderr.
func runMeta(dir string, stderr io.Writer) (*results.Summary, error) {
	sum, err := results.ReadSummary(dir)
	if err == nil {
		return sum, nil
	}
	if _, serr := os.Stat(filepath.Join(dir, results.SamplesFile)); serr != nil {
		return nil, err // not a run directory at all
	}
	fmt.Fprintf(stderr, "thaw report: %v; rebuilding the summary from %s\n", err, results.SamplesFile)
	meta := &results.Summary{Version: results.SummaryVersion}
	sc, serr := savedScenario(dir)
	if serr != nil {
		return meta, nil
	}
	meta.Scenario, meta.Pricing, meta.ThresholdExprs = sc.Name, sc.Pricing, sc.Thresholds
	for _, p := range sc.Phases {
		meta.Phases = append(meta.Phases, results.PhaseSummary{Name: p.Name, Workload: p.Workload()})
	}
	return meta, nil
}

// savedScenario parses the scenario.yaml a run kept. Variables are not needed to know
// its shape: any value will do, so secrets need not be in the environment.
func savedScenario(dir string) (*scenarios.Scenario, error) {
	path := filepath.Join(dir, results.ScenarioFile)
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return scenarios.ParseBytes(path, src, func(string) (string, bool) { return "x", true })
}

// reportProbes are the probes to reclassify with: --probes, else the run's scenario's.
func reportProbes(dir, list string) ([]probes.Spec, error) {
	if list != "" {
		var specs []probes.Spec
		for _, name := range strings.Split(list, ",") {
			specs = append(specs, probes.Spec{Name: strings.TrimSpace(name)})
		}
		return specs, nil
	}
	sc, err := savedScenario(dir)
	if err != nil {
		return nil, fmt.Errorf("--reclassify needs --probes or the run's %s: %w", results.ScenarioFile, err)
	}
	return probeSpecs(sc.Probes), nil
}
