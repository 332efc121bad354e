package main

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/results"
)

func newMergeCmd() *cobra.Command {
	var out string
	var a analysisOptions
	cmd := &cobra.Command{
		Use:   "merge DIR... --out DIR",
		Short: "Merge run directories (shards of one run) into one",
		Long: `Merge joins the samples of several run directories (for example the shards of
one run sent from several machines) and rebuilds every figure from them, so the
merged summary is exact, not an average of averages.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr(fmt.Errorf("merge: --out DIR is required"))
			}
			sum, err := mergeRuns(args, out)
			if err != nil {
				return usageErr(err)
			}
			if _, err := finishRun(out, sum, a, true, ""); err != nil {
				return abortErr(err)
			}
			return printRunSummary(cmd.OutOrStdout(), out, sum)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory for the merged run")
	a.addFlags(cmd)
	return cmd
}

// mergeRuns writes the samples of every run in dirs, in start-time order, to out and
// returns the summary rebuilt from them.
func mergeRuns(dirs []string, out string) (*results.Summary, error) {
	var (
		all   []results.Sample
		meta  results.Summary
		infos phaseInfos
	)
	for i, d := range dirs {
		s, err := results.ReadSummary(d)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			meta = *s
		}
		meta.Started = earliest(meta.Started, s.Started)
		if s.Ended.After(meta.Ended) {
			meta.Ended = s.Ended
		}
		for _, p := range s.Phases {
			infos.add(p)
		}
		samples, err := results.LoadSamples(d)
		if err != nil {
			return nil, err
		}
		all = append(all, samples...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Start.Before(all[j].Start) })
	sum, err := rewriteRun(out, meta, &infos, all)
	if err != nil {
		return nil, err
	}
	if src := filepath.Join(dirs[0], results.ScenarioFile); fileExists(src) {
		if err := copyFile(src, filepath.Join(out, results.ScenarioFile)); err != nil {
			return nil, err
		}
	}
	return sum, nil
}
