package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of run): replace this placeholder with the real command.
func newRunCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "run",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("run: not built yet") },
	}
}
