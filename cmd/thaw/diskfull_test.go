package main

import (
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/redact"
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

// TestKeepOnlineSummaryReadsWhatWasWritten: when the whole-run pass fails after a full
// disk, the summary counts the samples that reached the file (not those the run held
// in memory) and says that the last line was cut short.
func TestKeepOnlineSummaryReadsWhatWasWritten(t *testing.T) {
	dir := t.TempDir()
	lines := `{"seq":1,"phase":"p","status":200}
{"seq":2,"phase":"p","status":503,"error":"status_5xx"}
{"seq":3,"phase":"p","status":200}
{"seq":4,"phase":"p","sta`
	if err := os.WriteFile(filepath.Join(dir, results.SamplesFile), []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	meta := &results.Summary{Scenario: "s", Phases: []results.PhaseSummary{{Name: "p"}}}
	kept := results.NewAggregator() // what the run held in memory: 9 samples
	for i := range 9 {
		kept.Add(&results.Sample{Seq: int64(i), Phase: "p", Status: 200})
	}
	runErr := errors.New("record sample: write samples: disk full")
	err := keepOnlineSummary(dir, meta, kept, runErr, errors.New("replace samples: no space left on device"), redact.New())
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitAborted || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err %v, want exit 3 naming the disk", err)
	}
	sum := readSummary(t, dir)
	if sum.Totals.Count != 3 || sum.Totals.ErrorsByKind["status_5xx"] != 1 || !strings.Contains(sum.AbortReason, "cut short") ||
		!strings.Contains(sum.AbortReason, "whole-run pass failed") {
		t.Errorf("summary: count %d, errors %v, abort reason %q", sum.Totals.Count, sum.Totals.ErrorsByKind, sum.AbortReason)
	}
}
