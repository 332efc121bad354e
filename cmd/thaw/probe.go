package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of probe): replace this placeholder with the real command.
func newProbeCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "probe",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("probe: not built yet") },
	}
}
