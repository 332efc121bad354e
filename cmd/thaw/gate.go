package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(owner of gate): replace this placeholder with the real command.
func newGateCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "gate",
		Hidden: true,
		RunE:   func(*cobra.Command, []string) error { return errors.New("gate: not built yet") },
	}
}
