package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/report/advise"
)

// adviseScale compresses the emulator and the runs: a 10 s keep-alive lasts 100 ms.
const adviseScale = 100

// emulatorRun starts an in-process emulator with a 10 s keep-alive at adviseScale,
// runs the scenario body against it at the same scale, stops it and returns the run
// directory and the emulator's ground truth. Safe to call from several goroutines.
func emulatorRun(tmp, body string) (string, []emulator.TruthRecord, error) {
	cfg := emulator.DefaultConfig()
	cfg.Addr, cfg.TimeScale, cfg.MaxInstances = "127.0.0.1:0", adviseScale, 20
	cfg.KeepAlive = 10 * time.Second
	em, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		return "", nil, err
	}
	defer em.Close()
	file, dir := filepath.Join(tmp, "s.yaml"), filepath.Join(tmp, "run")
	if err := os.WriteFile(file, []byte(strings.TrimLeft(body, "\n")), 0o644); err != nil {
		return "", nil, err
	}
	var out, errb bytes.Buffer
	if code := run([]string{"run", file, "--target", em.URL(), "--out", dir,
		"--time-scale", strconv.Itoa(adviseScale), "--quiet", "--no-report"}, &out, &errb); code != exitOK {
		return "", nil, fmt.Errorf("thaw run: exit %d: %s", code, errb.String())
	}
	if err := em.Close(); err != nil {
		return "", nil, err
	}
	return dir, em.Truth(), nil
}

// TestAdvisePredictsEmulatorColdShare measures an emulator with a 10 s keep-alive (an
// idle sweep, then Poisson traffic at 0.05 rps, seed 2), asks `thaw advise` for the
// cold share of Poisson traffic at 0.05 rps with no warm instances, and replays that
// traffic (seed 1, about 200 requests) against another emulator, counting its cold
// starts from the emulator's ground truth: the prediction must be within 5 percentage
// points. Replaying the recorded arrivals (--trace) must give a cold share of the
// same size. Both runs use
// --time-scale 100, so the test takes about 45 s instead of 70 minutes; --time-scale
// divides durations but not rates, so the replay's 0.05 rps is written as 5 rps over
// 4000 s / 100 = 40 s.
func TestAdvisePredictsEmulatorColdShare(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	// Both runs at once, each against its own emulator, so that both see the same
	// machine load (a loaded machine starts processes slowly, and a slow cold start
	// makes the requests arriving during it cold too).
	type result struct {
		dir   string
		truth []emulator.TruthRecord
		err   error
	}
	measure, replay := make(chan result, 1), make(chan result, 1)
	tmpM, tmpR := t.TempDir(), t.TempDir()
	go func() {
		dir, truth, err := emulatorRun(tmpM, `
version: 1
name: measure
target: {url: "http://127.0.0.1:1/"}
probes: [marker]
pricing: {model: aws-lambda, memory_mb: 512}
seed: 2
phases:
  - {name: sweep, idle: {intervals: [6s, 8s, 9s, 9.5s, 10.5s, 11s, 12s, 14s], samples: 3, order: shuffled}}
  - {name: traffic, rate: {rps: 5, duration: 4000s, poisson: true}}
`)
		measure <- result{dir, truth, err}
	}()
	go func() {
		dir, truth, err := emulatorRun(tmpR, `
version: 1
name: replay
target: {url: "http://127.0.0.1:1/"}
probes: [marker]
seed: 1
phases:
  - {name: poisson, rate: {rps: 5, duration: 4000s, poisson: true}}
`)
		replay <- result{dir, truth, err}
	}()
	m, r := <-measure, <-replay
	if m.err != nil || r.err != nil {
		t.Fatalf("runs: %v; %v", m.err, r.err)
	}
	dir, rdir, truth := m.dir, r.dir, r.truth
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
	var n, cold int
	var coldLat []float64
	for _, r := range truth {
		if r.Instance == "" {
			continue
		}
		n++
		if r.Cold {
			cold++
			coldLat = append(coldLat, r.LatencyMS)
		}
	}
	sort.Float64s(coldLat)
	t.Logf("replay cold latency, real ms: p50 %.1f p90 %.1f max %.1f", coldLat[len(coldLat)/2], coldLat[len(coldLat)*9/10], coldLat[len(coldLat)-1])
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
	// The same replay as a trace: its recorded arrivals through the simulated pool.
	if code, _, stderr := runCLI(t, "advise", dir, "--trace", rdir, "--max-warm", "1"); code != exitOK {
		t.Fatalf("thaw advise --trace: exit %d: %s", code, stderr)
	}
	var byTrace advise.Advice
	if b, err := os.ReadFile(filepath.Join(dir, "advise.json")); err != nil || json.Unmarshal(b, &byTrace) != nil {
		t.Fatalf("advise.json after --trace: %v", err)
	}
	// The simulated pool is checked against hand-worked traces in report/advise; here
	// only that the replayed trace gives a cold share of the right size.
	t.Logf("trace replay predicts %.3f", byTrace.Rows[0].ColdShare)
	if got := byTrace.Rows[0].ColdShare; got < 0.4 || got > 0.85 {
		t.Errorf("--trace predicted %.3f, want about e^-0.5 = 0.61 (measured %.3f)", got, measured)
	}
	if !strings.Contains(stdout, "cold share") || a.Rows[1].ColdShare >= predicted {
		t.Errorf("advise output lacks the table, or one warm instance does not lower the cold share:\n%s", stdout)
	}
}
