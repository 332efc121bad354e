package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// Exit codes (the README lists them under Commands): every command returns one of these.
const (
	exitOK      = 0 // success
	exitFail    = 1 // thresholds or gate failed
	exitUsage   = 2 // usage or invalid input
	exitAborted = 3 // run aborted: target unreachable, budget exceeded, interrupted
)

// exitError carries an exit code up to run. Commands return it (through the helpers
// usageErr, failErr, abortErr); any other error is a usage error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error) error { return &exitError{code: exitUsage, err: err} }
func failErr(err error) error  { return &exitError{code: exitFail, err: err} }
func abortErr(err error) error { return &exitError{code: exitAborted, err: err} }

// silentExit ends the command with code without printing anything more (the command
// has already said why).
func silentExit(code int) error { return &exitError{code: code} }

// run executes the CLI with args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	emulator.ServeHandlerIfChild() // an emulator instance process: serve the function and exit
	root := newRootCmd(stdout, stderr)
	var prof profiles
	prof.bind(root)
	root.SetArgs(args)
	err := root.Execute()
	prof.stop(stderr)
	if err == nil {
		return exitOK
	}
	code := exitUsage
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	fmt.Fprintln(stderr, "thaw:", err)
	return code
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "thaw",
		Short: "Load and cold-start testing for serverless functions",
		Long: `thaw measures how serverless functions behave cold, warm, bursting and idle,
and what that costs. It drives a scenario file against any HTTP endpoint (or the
built-in FaaS emulator), classifies every invocation cold or warm with evidence,
and writes samples, a summary with HDR histograms, plots and an HTML report.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
	root.AddCommand(
		newRunCmd(),
		newValidateCmd(),
		newProbeCmd(),
		newEmulateCmd(),
		newReportCmd(),
		newCompareCmd(),
		newGateCmd(),
		newMergeCmd(),
		newAdviseCmd(),
		newIngestCmd(),
		newVersionCmd(),
	)
	return root
}
