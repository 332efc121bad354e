package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// TestRunDiskFull: when the samples file cannot be written (its path leads to
// /dev/full, which fails every write with ENOSPC, as a full disk does) the run stops
// within seconds with a clear message and exit 3, and still writes a valid summary
// that says why.
func TestRunDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Fatalf("this test needs Linux's /dev/full: %v", err)
	}
	srv := httptest.NewServer(delayHandler(0))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/full", filepath.Join(dir, results.SamplesFile)); err != nil {
		t.Fatal(err)
	}
	file := writeScenario(t, `
version: 1
name: diskfull
target: {url: "`+srv.URL+`"}
phases:
  - {name: long, rate: {rps: 100, duration: 60s}}
`)
	start := time.Now()
	code, _, stderr := runCLI(t, "run", file, "--out", dir, "--quiet", "--no-report")
	if code != exitAborted || !strings.Contains(stderr, "disk full") {
		t.Fatalf("exit %d, stderr %q; want %d and a disk-full message", code, stderr, exitAborted)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("took %s to stop", took)
	}
	sum := readSummary(t, dir)
	if !strings.Contains(sum.AbortReason, "disk full") || len(sum.Phases) != 1 {
		t.Errorf("summary: abort reason %q, %d phases", sum.AbortReason, len(sum.Phases))
	}
}
