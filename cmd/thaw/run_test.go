package main

import (
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// TestRunOpenModelAccuracy: 200 rps for 5 s against a server that answers after 20 ms
// records 1000 samples (±1), achieves 200/s within 2%, and p50 is 20–23 ms.
func TestRunOpenModelAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("5 s of load")
	}
	srv := httptest.NewServer(delayHandler(20 * time.Millisecond))
	defer srv.Close()
	dir := runScenarioOK(t, `
version: 1
name: accuracy
target: {url: "`+srv.URL+`"}
phases:
  - {name: steady, rate: {rps: 200, duration: 5s}}
`)
	s := readSummary(t, dir)
	p := s.Phases[0]
	t.Logf("count %d rate %.2f/s p50 %.3f ms intended p50 %.3f late %d dropped %d", p.Count, p.RateAchieved, p.Latency.P50, p.IntendedLatency.P50, p.Late, p.Dropped)
	if p.Count < 999 || p.Count > 1001 {
		t.Errorf("count %d, want 1000 ± 1", p.Count)
	}
	if math.Abs(p.RateAchieved-200)/200 > 0.02 {
		t.Errorf("achieved rate %.2f/s, want 200 within 2%%", p.RateAchieved)
	}
	if p.Latency.P50 < 20 || p.Latency.P50 > 23 {
		t.Errorf("p50 %.3f ms, want 20–23", p.Latency.P50)
	}
	if p.Errors != 0 || p.Dropped != 0 {
		t.Errorf("errors %d dropped %d", p.Errors, p.Dropped)
	}
	lines := 0
	if err := results.ReadSamples(dir, func(*results.Sample) error { lines++; return nil }); err != nil || int64(lines) != p.Count {
		t.Errorf("samples file: %v, %d lines for %d samples", err, lines, p.Count)
	}
}

// TestRunCoordinatedOmissionVisible: the server stalls for 1 s once during a 100 rps
// open-model phase; latency from the intended send time shows it in p99.
func TestRunCoordinatedOmissionVisible(t *testing.T) {
	if testing.Short() {
		t.Skip("3 s of load")
	}
	var mu sync.Mutex // the server handles one request at a time, like one busy instance
	var n int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		n++
		if n == 100 {
			time.Sleep(time.Second)
		}
		time.Sleep(time.Millisecond)
	}))
	defer srv.Close()
	dir := runScenarioOK(t, `
version: 1
name: stall
target: {url: "`+srv.URL+`"}
phases:
  - {name: steady, rate: {rps: 100, duration: 3s}}
`)
	p := readSummary(t, dir).Phases[0]
	t.Logf("actual p50 %.1f p99 %.1f; intended p50 %.1f p99 %.1f", p.Latency.P50, p.Latency.P99, p.IntendedLatency.P50, p.IntendedLatency.P99)
	if p.IntendedLatency == nil || p.IntendedLatency.P99 < 500 {
		t.Fatalf("intended-time p99 %.1f ms does not show a 1 s stall", p.IntendedLatency.P99)
	}
	if p.IntendedLatency.P99 < p.Latency.P99 {
		t.Fatalf("intended p99 %.1f < actual p99 %.1f", p.IntendedLatency.P99, p.Latency.P99)
	}
}

// TestRunConnectionModes: fresh connections pay connect time on every sample; reused
// connections are reused after the first.
func TestRunConnectionModes(t *testing.T) {
	srv := httptest.NewServer(delayHandler(0))
	defer srv.Close()
	for _, mode := range []string{"fresh", "reuse"} {
		t.Run(mode, func(t *testing.T) {
			dir := runScenarioOK(t, `
version: 1
name: conn
target: {url: "`+srv.URL+`", connection: `+mode+`}
phases:
  - {name: seq, concurrency: {workers: 1, iterations: 20}}
`)
			samples, err := results.LoadSamples(dir)
			if err != nil || len(samples) != 20 {
				t.Fatalf("%v, %d samples", err, len(samples))
			}
			for i, s := range samples {
				if mode == "fresh" && (s.ConnReused || s.ConnectMS <= 0) {
					t.Fatalf("sample %d: reused %v connect %.3f", i, s.ConnReused, s.ConnectMS)
				}
				if mode == "reuse" && s.Seq > samples[0].Seq && !s.ConnReused {
					t.Fatalf("sample %d (seq %d) not on a reused connection", i, s.Seq)
				}
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	ok := httptest.NewServer(delayHandler(0))
	defer ok.Close()
	closed := httptest.NewServer(delayHandler(0))
	closedURL := closed.URL
	closed.Close()
	scenario := func(url, extra string) string {
		return writeScenario(t, `
version: 1
name: codes
target: {url: "`+url+`"}
phases:
  - {name: few, concurrency: {workers: 1, iterations: 6}}
`+extra)
	}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"ok", []string{"run", scenario(ok.URL, ""), "--out", t.TempDir(), "--quiet", "--no-report"}, exitOK},
		{"threshold fails", []string{"run", scenario(ok.URL, "thresholds: [\"p(50) < 0.000001ms\"]\n"), "--out", t.TempDir(), "--quiet", "--no-report"}, exitFail},
		{"threshold passes", []string{"run", scenario(ok.URL, "thresholds: [\"error_rate < 1%\"]\n"), "--out", t.TempDir(), "--quiet", "--no-report"}, exitOK},
		{"unreachable", []string{"run", scenario(closedURL, ""), "--out", t.TempDir(), "--quiet", "--no-report"}, exitAborted},
		{"missing file", []string{"run", filepath.Join(t.TempDir(), "none.yaml")}, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"bad flag", []string{"run", "--no-such-flag", "x"}, exitUsage},
		{"version", []string{"version"}, exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, stderr := runCLI(t, tc.args...); code != tc.want {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.want, stderr)
			}
		})
	}
}

// TestRunInterruptKeepsSamples sends SIGINT, then in a second run SIGTERM, to a running
// `thaw run` process halfway and checks the run directory is complete for what was done.
func TestRunInterruptKeepsSamples(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) { testInterrupt(t, sig) })
	}
}

func testInterrupt(t *testing.T, sig syscall.Signal) {
	srv := httptest.NewServer(delayHandler(5 * time.Millisecond))
	defer srv.Close()
	file := writeScenario(t, `
version: 1
name: interrupted
target: {url: "`+srv.URL+`"}
phases:
  - {name: long, rate: {rps: 50, duration: 60s}}
`)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "run", file, "--out", dir, "--quiet", "--no-report")
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(dir, results.SamplesFile))
		if strings.Count(string(b), "\n") >= 20 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no samples flushed within 20 s; stderr: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("thaw run did not stop within 30 s of %v", sig)
	}
	if code := cmd.ProcessState.ExitCode(); code != exitAborted {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitAborted, stderr.String())
	}
	s := readSummary(t, dir)
	samples, err := results.LoadSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Interrupted || s.Totals.Count != int64(len(samples)) || len(samples) < 20 || len(samples) >= 3000 {
		t.Fatalf("interrupted %v, summary count %d, samples %d", s.Interrupted, s.Totals.Count, len(samples))
	}
}

// TestRunAbortOnFail: an abort_on_fail threshold that fails stops the run long
// before its planned end, exits 1, and the summary says why.
func TestRunAbortOnFail(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	file := writeScenario(t, `
version: 1
name: abort
target: {url: "`+srv.URL+`"}
phases:
  - {name: long, rate: {rps: 50, duration: 60s}}
thresholds: ["error_rate < 1% abort_on_fail grace=0s"]
`)
	dir := t.TempDir()
	start := time.Now()
	code, _, stderr := runCLI(t, "run", file, "--out", dir, "--quiet", "--no-report")
	if code != exitFail {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitFail, stderr)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("run took %s: it did not stop early", took)
	}
	s := readSummary(t, dir)
	if !strings.Contains(s.AbortReason, "error_rate") || s.Totals.Count == 0 || s.Totals.Count > 1000 {
		t.Fatalf("abort reason %q, count %d", s.AbortReason, s.Totals.Count)
	}
	if len(s.Thresholds) != 1 || s.Thresholds[0].Pass {
		t.Fatalf("thresholds %+v", s.Thresholds)
	}
}
