package main

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// The test binary re-executes itself to act as other programs:
//   - an emulator instance (emulator.ServeHandlerIfChild);
//   - the thaw CLI with os.Args (cliEnv=1), for tests that signal a real process;
//   - the thaw CLI with a JSON list of arguments (envRunArgs);
//   - the `thaw` command of the txtar scripts (testscript).
const (
	cliEnv     = "THAW_TEST_AS_CLI"
	envRunArgs = "THAW_TEST_RUN_ARGS"
)

func TestMain(m *testing.M) {
	emulator.ServeHandlerIfChild()
	if os.Getenv(cliEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if raw := os.Getenv(envRunArgs); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, envRunArgs+":", err)
			os.Exit(2)
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"thaw": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the txtar scripts in testdata/script: the CLI end to end.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script", Cmds: scriptCmds()})
}
