package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/thaw-dev/thaw/report/internal/fixture"
	"github.com/thaw-dev/thaw/results"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var (
	runOnce sync.Once
	runDir  string
	runSum  *results.Summary
	runErr  error
)

// fixtureRun returns a shared, read-only fixture run directory and its summary. Tests
// that write into a run directory must use copyRun.
func fixtureRun(t *testing.T) (string, *results.Summary) {
	t.Helper()
	runOnce.Do(func() {
		runDir, runErr = os.MkdirTemp("", "thaw-report-fixture-")
		if runErr == nil {
			runSum, runErr = fixture.Write(runDir, fixture.Options{Seed: 1})
		}
	})
	if runErr != nil {
		t.Fatalf("fixture run: %v", runErr)
	}
	return runDir, runSum
}

// freshRun writes a new fixture run in a test-owned directory.
func freshRun(t *testing.T, o fixture.Options) (string, *results.Summary) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	s, err := fixture.Write(dir, o)
	if err != nil {
		t.Fatalf("fixture run: %v", err)
	}
	return dir, s
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (go test ./report -run %s -update to accept):\n--- got\n%s\n--- want\n%s", name, t.Name(), got, want)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if runDir != "" {
		_ = os.RemoveAll(runDir)
	}
	os.Exit(code)
}

var keep = flag.String("keep", "", "also write the fixture's full report into this directory, for inspection")
