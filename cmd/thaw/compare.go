package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/gate"
)

func newCompareCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "compare BASE NEW",
		Short: "Compare two runs side by side",
		Long: `compare prints the percentiles, cold rate, error rate and cost of two run
directories side by side, with n on every row, the change and its 95% confidence
interval computed as thaw gate computes them (exact order-statistic intervals for
percentiles, a bootstrap for means, Newcombe's interval for rates), and a finding:
higher or lower when the whole interval is on one side of zero, "no clear change",
or "not estimable" when there are too few samples for that statistic (with one that
can be used). It writes overlaid latency histogram and CDF plots and compare.md to
--out (default NEW/compare). It is informational: it exits 0 whatever the
difference (thaw gate decides pass or fail).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd, args[0], args[1], out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory for the plots and compare.md (default NEW/compare)")
	return cmd
}

func runCompare(cmd *cobra.Command, baseDir, newDir, out string) error {
	baseRun, err := gate.LoadRun(baseDir)
	if err != nil {
		return usageErr(fmt.Errorf("compare: base run: %w", err))
	}
	nextRun, err := gate.LoadRun(newDir)
	if err != nil {
		return usageErr(fmt.Errorf("compare: new run: %w", err))
	}
	base, next := baseRun.Summary, nextRun.Summary
	c, err := report.CompareRuns(baseRun, nextRun)
	if err != nil {
		return usageErr(err)
	}
	if err := c.WriteTable(cmd.OutOrStdout()); err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(newDir, "compare")
	}
	if err := report.WriteComparison(out, c, base, next); err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "plots and compare.md: %s\n", out)
	return err
}
