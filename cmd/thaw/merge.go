package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of merge): replace this placeholder with the real command.
func newMergeCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "merge",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("merge: not built yet") },
	}
}
