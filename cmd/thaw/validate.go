package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/scenarios"
)

func newValidateCmd() *cobra.Command {
	var pricingFile string
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a scenario file and report every problem with its line and column",
		Long: `validate parses a scenario file strictly (unknown keys, wrong types, bad durations,
unset ${VAR} environment variables) and checks its meaning, printing every problem on
its own line as file:line:column: field: message. It exits 2 when there is any. The
pricing block is checked against the pricing catalog (model, arch, region, memory).

For a valid scenario it prints how many requests it would send and what they would
cost on each provider of the pricing catalog (each request billed 100ms, and in the
worst case the whole target timeout with every retry; * marks the scenario's own
pricing model), and whether ` + "`thaw run`" + ` would refuse it (max_requests, max_rps,
budget) or ask for confirmation.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := loadScenario(args[0], "", pricingFile, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			n := len(sc.Phases)
			plural := "s"
			if n == 1 {
				plural = ""
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "ok: %s: %d phase%s, about %s of load\n",
				sc.Name, n, plural, sc.EstimatedDuration().Round(time.Second))
			return printPlan(out, sc, pricingFile)
		},
	}
	cmd.Flags().StringVar(&pricingFile, "pricing", "", "pricing catalog YAML overriding the built-in one")
	return cmd
}

// printPlan prints what sc would send and cost, and what the run guards would say.
func printPlan(w io.Writer, sc *scenarios.Scenario, pricingFile string) error {
	cat, err := loadCatalog(pricingFile)
	if err != nil {
		return usageErr(err)
	}
	p, err := estimatePlan(sc, cat)
	if err != nil {
		return usageErr(err)
	}
	if err := p.print(w, sc.Target.Timeout.D()); err != nil {
		return err
	}
	if err := checkPlan(sc, p); err != nil {
		fmt.Fprintf(w, "thaw run would refuse it: %v\n", err)
	} else if why := p.needsConfirmation(); why != "" {
		fmt.Fprintf(w, "thaw run would ask for confirmation (or --yes): %s\n", why)
	}
	return nil
}
