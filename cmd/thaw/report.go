package main

import (
	"fmt"
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
		Long: `Report recomputes the keep-alive estimate, cost and threshold verdicts of a run
and writes summary.json, summary.md, report.html and plots/ again.

With --reclassify every sample is judged again from the evidence stored with it
(headers, body prefix, platform log, timings), with the scenario's probes or
--probes, so a run of hours of idle waits need not be repeated.`,
		Example: `  thaw report results/demo
  thaw report results/demo --reclassify --probes latency`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			sum, err := results.ReadSummary(dir)
			if err != nil {
				return usageErr(err)
			}
			if reclassify {
				specs, err := reportProbes(dir, probeList)
				if err != nil {
					return usageErr(err)
				}
				if sum, err = reclassifyRun(dir, sum, specs); err != nil {
					return abortErr(err)
				}
			}
			pass, err := finishRun(dir, sum, a, true, "")
			if err != nil {
				return abortErr(err)
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

// reportProbes are the probes to reclassify with: --probes, else the run's scenario's.
func reportProbes(dir, list string) ([]probes.Spec, error) {
	if list != "" {
		var specs []probes.Spec
		for _, name := range strings.Split(list, ",") {
			specs = append(specs, probes.Spec{Name: strings.TrimSpace(name)})
		}
		return specs, nil
	}
	path := filepath.Join(dir, results.ScenarioFile)
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--reclassify needs --probes or %s: %w", path, err)
	}
	// Variables are not needed to know the probes: any value will do, so secrets
	// need not be in the environment.
	sc, err := scenarios.ParseBytes(path, src, func(string) (string, bool) { return "x", true })
	if err != nil {
		return nil, err
	}
	return probeSpecs(sc.Probes), nil
}

// reclassifyRun judges every sample of dir again, rewrites the samples file and
// rebuilds the summary from it.
func reclassifyRun(dir string, old *results.Summary, specs []probes.Spec) (*results.Summary, error) {
	samples, err := results.LoadSamples(dir)
	if err != nil {
		return nil, err
	}
	if err := probes.Reclassify(samples, specs); err != nil {
		return nil, usageErr(err)
	}
	tmp, err := os.MkdirTemp(dir, ".reclassify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var infos phaseInfos
	for _, p := range old.Phases {
		infos.add(p)
	}
	sum, err := rewriteRun(tmp, *old, &infos, samples)
	if err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(tmp, results.SamplesFile), filepath.Join(dir, results.SamplesFile)); err != nil {
		return nil, fmt.Errorf("replace samples: %w", err)
	}
	return sum, nil
}

// phaseInfos collects the engine's bookkeeping of phases from one or more summaries,
// in first-seen order.
type phaseInfos struct {
	order  []string
	byName map[string]results.PhaseInfo
}

// add folds one summary's phase in: counts of planned, late and dropped sends add up,
// the span widens, and target rates add (shards send side by side).
func (pi *phaseInfos) add(p results.PhaseSummary) {
	if pi.byName == nil {
		pi.byName = map[string]results.PhaseInfo{}
	}
	info, seen := pi.byName[p.Name]
	if !seen {
		pi.order = append(pi.order, p.Name)
		info = results.PhaseInfo{Workload: p.Workload, Started: p.Started, Ended: p.Ended}
	}
	info.Started = earliest(info.Started, p.Started)
	if p.Ended.After(info.Ended) {
		info.Ended = p.Ended
	}
	info.OpenModel = info.OpenModel || p.IntendedLatency != nil
	info.Planned += p.Planned
	info.Late += p.Late
	info.Dropped += p.Dropped
	info.RateTarget += p.RateTarget
	pi.byName[p.Name] = info
}

// rewriteRun writes samples to dir/samples.ndjson and rebuilds every figure from
// them, keeping meta's scenario, target, times and settings.
func rewriteRun(dir string, meta results.Summary, infos *phaseInfos, samples []results.Sample) (*results.Summary, error) {
	w, err := results.CreateWriter(dir, 0)
	if err != nil {
		return nil, err
	}
	agg := results.NewAggregator()
	for _, name := range infos.order {
		agg.SetPhaseInfo(name, infos.byName[name])
	}
	for i := range samples {
		agg.Add(&samples[i])
		if err := w.Write(&samples[i]); err != nil {
			_ = w.Close()
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	phases, totals, err := agg.Summary()
	if err != nil {
		return nil, err
	}
	meta.Phases, meta.Totals = phases, totals
	meta.Cost, meta.KeepAlive, meta.Thresholds = nil, nil, nil
	return &meta, nil
}
