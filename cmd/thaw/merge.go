package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/results"
)

func newMergeCmd() *cobra.Command {
	var out string
	var a analysisOptions
	cmd := &cobra.Command{
		Use:   "merge DIR... --out DIR",
		Short: "Merge the segments (or shards) of one run into one run directory",
		Long: `Merge joins the run directories of one run sent from several machines: the
segments of thaw run --segment i/n, or shards of one scenario. Samples are merged
in start-time order by an external merge sort (memory does not grow with the
run), then the whole-run pass judges every sample again with all of the data (an
instance first seen by two segments is one cold start) and rebuilds every
figure, so the merged summary is exact, not an average of averages.

Runs of different scenarios (name or scenario file), segments of different runs
or counts, a missing segment or one given twice are refused with exit 2.`,
		Example: `  thaw merge seg-1 seg-2 seg-3 --out merged`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr(fmt.Errorf("merge: --out DIR is required"))
			}
			meta, err := mergeRuns(args, out)
			if err != nil {
				return usageErr(err)
			}
			debug.FreeOSMemory() // hand the merge's chunk buffers back before the whole-run pass
			specs, err := reportProbes(out, "")
			if err != nil {
				specs = nil // no scenario kept: the default probes
			}
			sum, _, err := finishRun(out, meta, a, finish{judge: true, probes: specs, render: true})
			if err != nil {
				return err
			}
			return printRunSummary(cmd.OutOrStdout(), out, sum)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory for the merged run")
	a.addFlags(cmd)
	return cmd
}

// mergeRuns checks that the runs in dirs are parts of one run, writes their samples,
// merged in start-time order without holding them in memory, to out, and returns the
// merged run's meta: the first run's settings, the widest span, and each phase's
// engine bookkeeping added up across the runs. Mismatched runs are refused (wrapping
// results.ErrMismatch).
func mergeRuns(dirs []string, out string) (*results.Summary, error) {
	var (
		meta   results.Summary
		phases phaseMerger
		sums   []*results.Summary
	)
	for _, d := range dirs {
		if abs(d) == abs(out) {
			return nil, fmt.Errorf("merge: --out %s is one of the inputs", out)
		}
		s, err := results.ReadSummary(d)
		if err != nil {
			return nil, err
		}
		sums = append(sums, s)
	}
	if err := results.CheckMergeable(dirs, sums); err != nil {
		return nil, err
	}
	for i, s := range sums {
		if i == 0 {
			meta = *s
		}
		meta.Started = earliest(meta.Started, s.Started)
		if s.Ended.After(meta.Ended) {
			meta.Ended = s.Ended
		}
		meta.Interrupted = meta.Interrupted || s.Interrupted
		for _, p := range s.Phases {
			phases.add(p)
		}
	}
	meta.Segment = nil
	meta.Phases = phases.list
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	// The merged lines are staged in out; the whole-run pass (finishRun) judges them
	// and rewrites the file through results.WriteRun.
	if _, err := results.MergeSampleFile(dirs, out); err != nil {
		return nil, err
	}
	if src := filepath.Join(dirs[0], results.ScenarioFile); fileExists(src) {
		if err := copyFile(src, filepath.Join(out, results.ScenarioFile)); err != nil {
			return nil, err
		}
	}
	return &meta, nil
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	return a
}

// phaseMerger adds up the engine's bookkeeping of phases from several summaries, in
// first-seen order.
type phaseMerger struct {
	list []results.PhaseSummary
}

// add folds one summary's phase in: counts of planned, late and dropped sends add up,
// the span widens, and target rates add (shards send side by side).
func (m *phaseMerger) add(p results.PhaseSummary) {
	for i := range m.list {
		q := &m.list[i]
		if q.Name != p.Name {
			continue
		}
		q.Started = earliest(q.Started, p.Started)
		if p.Ended.After(q.Ended) {
			q.Ended = p.Ended
		}
		if q.IntendedLatency == nil {
			q.IntendedLatency = p.IntendedLatency
		}
		if q.SendLag == nil { // marks an open-model phase (PhaseSummary.Info)
			q.SendLag = p.SendLag
		}
		if q.Search == nil { // an idle search runs in segment 1 only, whatever the order
			q.Search = p.Search
		}
		q.Planned += p.Planned
		q.Late += p.Late
		q.Dropped += p.Dropped
		q.RateTarget += p.RateTarget
		return
	}
	m.list = append(m.list, results.PhaseSummary{Name: p.Name, Workload: p.Workload, Started: p.Started,
		Ended: p.Ended, Planned: p.Planned, Late: p.Late, Dropped: p.Dropped, RateTarget: p.RateTarget,
		IntendedLatency: p.IntendedLatency, SendLag: p.SendLag, Search: p.Search})
}
