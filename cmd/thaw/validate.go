package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
	var pricingFile string
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a scenario file and report every problem with its line and column",
		Long: `validate parses a scenario file strictly (unknown keys, wrong types, bad durations,
unset ${VAR} environment variables) and checks its meaning, printing every problem on
its own line as file:line:column: field: message. It exits 2 when there is any. The
pricing block is checked against the pricing catalog (model, arch, region, memory).`,
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
			fmt.Fprintf(cmd.OutOrStdout(), "ok: %s: %d phase%s, about %s of load\n",
				sc.Name, n, plural, sc.EstimatedDuration().Round(time.Second))
			return nil
		},
	}
	cmd.Flags().StringVar(&pricingFile, "pricing", "", "pricing catalog YAML overriding the built-in one")
	return cmd
}
