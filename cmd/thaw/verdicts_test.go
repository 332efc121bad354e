package main

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
	"github.com/thaw-dev/thaw/results"
)

// These tests judge what a user reads: the samples.ndjson and summary.json that
// `thaw run` writes, through the real CLI, against the emulator's ground truth, which
// the classifier never sees (--hide-truth). Lines starting with ACCURACY are the
// figures scripts/accuracy.sh prints.

// startBlindEmulator starts an in-process emulator that hides its truth from responses.
func startBlindEmulator(t *testing.T, mod func(*emulator.Config)) *emulator.Emulator {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.HideTruth = true
	mod(&cfg)
	return emulatortest.Start(t, cfg)
}

// runAgainst runs scenario body against url (--target) and returns the run
// directory; thaw must exit 0.
func runAgainst(t *testing.T, url, body string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "run", writeScenario(t, body), "--target", url, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	return dir
}

// scoreAgainstTruth joins the run's samples to the truth by request id and counts
// verdicts that match, unknown verdicts and cold verdicts.
func scoreAgainstTruth(t *testing.T, dir string, truth []emulator.TruthRecord) (n, right, unknown, cold int) {
	t.Helper()
	byID := map[string]emulator.TruthRecord{}
	for _, r := range truth {
		byID[r.RequestID] = r
	}
	err := results.ReadSamples(dir, func(s *results.Sample) error {
		r, ok := byID[s.RequestID]
		if !ok {
			return fmt.Errorf("sample %s not in the truth log", s.RequestID)
		}
		n++
		switch {
		case s.Class == results.Unknown:
			unknown++
		case (s.Class == results.Cold) == r.Cold:
			right++
		}
		if s.Class == results.Cold {
			cold++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, right, unknown, cold
}

// TestFinalVerdictsLatencyOnly: idle sweeps across a 1 s keep-alive with a 300 ms
// init, judged by latency alone; the verdicts samples.ndjson holds straight from
// `thaw run` are the whole-run pass's, not the provisional online ones.
func TestFinalVerdictsLatencyOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	tests := []struct {
		name        string
		samples     int
		minAccuracy float64
	}{
		{"40 calls, 20 per interval", 20, 0.97},
		{"16 calls, 8 per interval", 8, 0.95},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			em := startBlindEmulator(t, func(c *emulator.Config) { c.KeepAlive, c.Init = time.Second, "300ms" })
			dir := runAgainst(t, em.URL(), fmt.Sprintf(`
version: 1
name: sweep
seed: 3
target: {url: "${URL}"}
probes: [latency]
phases:
  - {name: sweep, idle: {intervals: [100ms, 1300ms], samples: %d, order: shuffled}}
`, tc.samples))
			n, right, unknown, _ := scoreAgainstTruth(t, dir, em.Truth())
			acc := float64(right) / float64(n)
			t.Logf("ACCURACY thaw-run latency-only sweep n=%d right=%d unknown=%d accuracy=%.3f", n, right, unknown, acc)
			if n != 2*tc.samples {
				t.Errorf("%d samples, want %d", n, 2*tc.samples)
			}
			if acc < tc.minAccuracy {
				t.Errorf("accuracy %.3f < %.2f", acc, tc.minAccuracy)
			}
			if unknown > 0 {
				t.Errorf("%d verdicts left unknown", unknown)
			}
			sum := readSummary(t, dir)
			if sum.Totals.Cold+sum.Totals.Warm+sum.Totals.Unknown != int64(n) || sum.Totals.Unknown != int64(unknown) {
				t.Errorf("summary counts %d cold %d warm %d unknown do not match the samples", sum.Totals.Cold, sum.Totals.Warm, sum.Totals.Unknown)
			}
		})
	}
}

// TestNoInventedColdStarts: latency alone must not call anything cold when nothing
// was: steady traffic to a prewarmed function, and a function with a slow warm mode
// (a fifth of calls 20× slower, whatever the idle gap).
func TestNoInventedColdStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	tests := []struct {
		name string
		emu  func(*emulator.Config)
		body string
	}{
		{"200 calls at 20 rps, prewarmed", func(c *emulator.Config) { c.Prewarm, c.KeepAlive = 4, 0 }, `
version: 1
name: steady
target: {url: "${URL}"}
probes: [latency]
phases:
  - {name: steady, rate: {rps: 20, duration: 10s}}
`},
		{"slow warm mode, no cold starts", func(c *emulator.Config) {
			c.Prewarm, c.KeepAlive, c.SlowRate, c.Slow, c.Seed = 1, 0, 0.2, 20*time.Millisecond, 5
		}, `
version: 1
name: slow-mode
seed: 4
target: {url: "${URL}"}
probes: [latency]
phases:
  - {name: sweep, idle: {intervals: [10ms, 300ms], samples: 20, order: shuffled}}
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			em := startBlindEmulator(t, tc.emu)
			// The prewarmed instances' first calls are cold by the truth's reckoning
			// (prewarmed); they are not what this test is about.
			dir := runAgainst(t, em.URL(), tc.body)
			n, _, _, cold := scoreAgainstTruth(t, dir, em.Truth())
			var slow int
			for _, r := range em.Truth() {
				if r.Fault == "slow" {
					slow++
				}
			}
			t.Logf("ACCURACY thaw-run no-cold %q n=%d slow=%d said_cold=%d", tc.name, n, slow, cold)
			if cold > 0 {
				t.Errorf("%d of %d samples called cold; nothing was", cold, n)
			}
		})
	}
}

// TestKeepAliveSearchAnswer: an idle-search phase run by the real Runner yields
// summary.keep_alive, within 10 % of the emulator's 3 s keep-alive, its interval
// containing it, with the rounds the search tried. The search needs a verdict on each
// call as it goes, so the function reports its state (the emulator's markers).
func TestKeepAliveSearchAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	t.Parallel()
	const truthMS = 3000.0
	em := startBlindEmulator(t, func(c *emulator.Config) { c.KeepAlive, c.Init, c.HideTruth = 3*time.Second, "100ms", false })
	dir := runAgainst(t, em.URL(), `
version: 1
name: search
target: {url: "${URL}"}
phases:
  - {name: find, idle: {search: {min: 500ms, max: 8s, precision: 200ms}}}
`)
	sum := readSummary(t, dir)
	ka := sum.KeepAlive
	if ka == nil {
		t.Fatal("no keep_alive in summary.json")
	}
	errPct := 100 * (ka.EstimateMS - truthMS) / truthMS
	t.Logf("ACCURACY thaw-run keep-alive search truth=%.0fms estimate=%.0fms [%.0f, %.0f] error=%+.1f%% method=%s rounds=%d",
		truthMS, ka.EstimateMS, ka.LowMS, ka.HighMS, errPct, ka.Method, len(ka.SearchProbes))
	if math.Abs(errPct) > 10 {
		t.Errorf("estimate %.0f ms not within 10%% of %.0f ms", ka.EstimateMS, truthMS)
	}
	if ka.LowMS > truthMS || ka.HighMS < truthMS {
		t.Errorf("interval [%.0f, %.0f] does not contain %.0f", ka.LowMS, ka.HighMS, truthMS)
	}
	if len(ka.SearchProbes) < 3 || ka.Method == "" || ka.MethodDetail == "" {
		t.Errorf("keep_alive lacks the search rounds or the method: %+v", ka)
	}
	for _, f := range []string{"summary.md", "report.html"} {
		if b := readFile(t, filepath.Join(dir, f)); !strings.Contains(b, "Keep-alive") {
			t.Errorf("%s does not show the keep-alive estimate", f)
		}
	}
}

// TestProbeNamedHeadersKept: a header named only in a probe's options is kept as
// evidence without keep_headers, so the probe decides (first call of an instance cold,
// then warm) instead of silently abstaining.
func TestProbeNamedHeadersKept(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-My-Instance", "i-1")
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	dir := runScenarioOK(t, fmt.Sprintf(`
version: 1
name: named-header
target: {url: %q}
probes: [{instance: {header: X-My-Instance}}]
phases:
  - {name: seq, concurrency: {workers: 1, iterations: 4}}
`, srv.URL))
	var classes []results.Class
	err := results.ReadSamples(dir, func(s *results.Sample) error {
		classes = append(classes, s.Class)
		if s.DecidedBy != "instance" || s.Instance != "i-1" {
			return fmt.Errorf("sample %d decided by %q, instance %q: %v", s.Seq, s.DecidedBy, s.Instance, s.Evidence.Reasons)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(classes) != "[cold warm warm warm]" {
		t.Errorf("classes %v, want the first cold and the rest warm", classes)
	}
}
