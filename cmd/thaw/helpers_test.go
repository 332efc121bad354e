package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/thaw-dev/thaw/results"
)

// scriptCmds are extra txtar commands: `serve DELAY` starts a loopback server that
// answers after DELAY and sets $URL for the rest of the script.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"serve": func(ts *testscript.TestScript, neg bool, args []string) {
			delay := time.Duration(0)
			if len(args) > 0 {
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				delay = d
			}
			srv := httptest.NewServer(delayHandler(delay))
			ts.Defer(srv.Close)
			ts.Setenv("URL", srv.URL)
		},
	}
}

func delayHandler(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(d)
		_, _ = w.Write([]byte("ok"))
	}
}

// runCLI runs thaw in-process and returns its exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// runScenarioOK writes the scenario body, runs it into a new run directory (quietly,
// no report) and fails the test unless thaw exits 0. It returns the directory.
func runScenarioOK(t *testing.T, body string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "run", writeScenario(t, body), "--out", dir, "--quiet", "--no-report"); code != 0 {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	return dir
}

// writeScenario writes a scenario file into a temporary directory.
func writeScenario(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(strings.TrimLeft(body, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readSummary(t *testing.T, dir string) *results.Summary {
	t.Helper()
	s, err := results.ReadSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readFile returns a file's content; the test fails when it cannot be read.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
