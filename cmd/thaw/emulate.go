package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of emulate): replace this placeholder with the real command.
func newEmulateCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "emulate",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("emulate: not built yet") },
	}
}
