package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/report/advise"
)

// adviseScale compresses the emulator and the runs: a 10 s keep-alive lasts 100 ms.
const adviseScale = 100

// runAgainstEmulator starts an in-process emulator with a 10 s keep-alive at
// adviseScale, runs the scenario body against it at the same scale, stops it and
// returns the run directory and the emulator's ground truth.
func runAgainstEmulator(t *testing.T, body string) (string, []emulator.TruthRecord) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Addr, cfg.TimeScale, cfg.MaxInstances = "127.0.0.1:0", adviseScale, 20
	cfg.KeepAlive = 10 * time.Second
	em, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "run", writeScenario(t, body), "--target", em.URL(), "--out", dir,
		"--time-scale", strconv.Itoa(adviseScale), "--quiet", "--no-report")
	if code != exitOK {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	if err := em.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, em.Truth()
}

// TestAdvisePredictsEmulatorColdShare measures an emulator with a 10 s keep-alive (an
// idle sweep), asks `thaw advise` for the cold share of Poisson traffic at 0.05 rps
// with no warm instances, then replays that traffic (seed 1, about 200 requests)
// against a fresh emulator and counts its cold starts from the emulator's ground
// truth: the prediction must be within 5 percentage points. Both runs use
// --time-scale 100, so the test takes about 45 s instead of 70 minutes; --time-scale
// divides durations but not rates, so the replay's 0.05 rps is written as 5 rps over
// 4000 s / 100 = 40 s.
func TestAdvisePredictsEmulatorColdShare(t *testing.T) {
	dir, _ := runAgainstEmulator(t, `
version: 1
name: measure
target: {url: "http://127.0.0.1:1/"}
probes: [marker]
pricing: {model: aws-lambda, memory_mb: 512}
seed: 3
phases:
  - {name: sweep, idle: {intervals: [6s, 8s, 9s, 9.5s, 10.5s, 11s, 12s, 14s], samples: 3, order: shuffled}}
  - {name: warm, concurrency: {workers: 1, iterations: 20}}
`)
	code, stdout, stderr := runCLI(t, "advise", dir, "--rps", "0.05", "--max-warm", "2")
	if code != exitOK {
		t.Fatalf("thaw advise: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "advise.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a advise.Advice
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "plots", "advise.svg")); err != nil {
		t.Errorf("plot: %v", err)
	}
	predicted := a.Rows[0].ColdShare

	rdir, truth := runAgainstEmulator(t, `
version: 1
name: replay
target: {url: "http://127.0.0.1:1/"}
probes: [marker]
seed: 1
phases:
  - {name: poisson, rate: {rps: 5, duration: 4000s, poisson: true}}
`)
	var n, cold int
	for _, r := range truth {
		if r.Instance == "" {
			continue
		}
		n++
		if r.Cold {
			cold++
		}
	}
	if n < 150 {
		sum := readSummary(t, rdir)
		t.Fatalf("replay served %d requests, want about 200 (run: %+v)", n, sum.Totals)
	}
	measured := float64(cold) / float64(n)
	t.Logf("keep-alive %.2f s, warm %.1f ms, cold %.1f ms (scenario time); predicted cold share %.3f, replay measured %d/%d = %.3f (e^-0.5 = %.3f)",
		a.KeepAliveMS/1000, a.WarmLatencyMS, a.ColdLatencyMS, predicted, cold, n, measured, math.Exp(-0.5))
	if math.Abs(predicted-measured) > 0.05 {
		t.Errorf("predicted cold share %.3f, measured %.3f: more than 5 points apart\n%s", predicted, measured, stdout)
	}
	if !strings.Contains(stdout, "cold share") || a.Rows[1].ColdShare >= predicted {
		t.Errorf("advise output lacks the table, or one warm instance does not lower the cold share:\n%s", stdout)
	}
}
