package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of compare): replace this placeholder with the real command.
func newCompareCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "compare",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("compare: not built yet") },
	}
}
