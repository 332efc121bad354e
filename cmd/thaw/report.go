package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of report): replace this placeholder with the real command.
func newReportCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "report",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("report: not built yet") },
	}
}
