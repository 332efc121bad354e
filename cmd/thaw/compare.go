package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/results"
)

func newCompareCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "compare BASE NEW",
		Short: "Compare two runs side by side",
		Long: `compare prints the percentiles, cold rate, error rate and cost of two run
directories side by side with the difference in percent and a significance mark
(** p < 0.01, * p < 0.05), and writes overlaid latency histogram and CDF plots and
compare.md to --out (default NEW/compare). It is informational: it exits 0 whatever
the difference (thaw gate decides pass or fail).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd, args[0], args[1], out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory for the plots and compare.md (default NEW/compare)")
	return cmd
}

func runCompare(cmd *cobra.Command, baseDir, newDir, out string) error {
	base, err := results.ReadSummary(baseDir)
	if err != nil {
		return usageErr(fmt.Errorf("compare: base run: %w", err))
	}
	next, err := results.ReadSummary(newDir)
	if err != nil {
		return usageErr(fmt.Errorf("compare: new run: %w", err))
	}
	c, err := report.Compare(base, next, baseDir, newDir)
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
