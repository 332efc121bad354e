package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
	"github.com/thaw-dev/thaw/results"
)

// TestRecordedVerdictsAreFinal: `thaw run` judges each sample as it is written and
// rewrites samples.ndjson at its end only when the latency probe, which judges from
// the whole run, decides something. Whichever way a run went, what it wrote must be
// exactly what judging every sample again from its stored evidence gives
// (`thaw report --reclassify`): the same samples file and the same summary.json, byte
// for byte (when nothing is left to judge, thaw run takes every figure from what it
// gathered as it wrote the samples, without reading them back).
func TestRecordedVerdictsAreFinal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs in the full pass: the latency case needs undistorted timing")
	}
	// A function that names its instance (four of them, in turn) and answers in about
	// the same time: the instance probe decides, the latency probe finds nothing.
	var calls atomic.Int64
	instances := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Instance", "i-"+strconv.FormatInt(calls.Add(1)%4, 10))
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(instances.Close)
	// A function that starts a new, named instance after 300 ms idle, which takes
	// 150 ms: the instance probe and the latency probe both decide.
	var (
		mu   sync.Mutex
		last time.Time
		gen  int
	)
	scaling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		cold := time.Since(last) > 300*time.Millisecond
		if cold {
			gen++
		}
		id := "i-" + strconv.Itoa(gen)
		mu.Unlock()
		if cold {
			time.Sleep(150 * time.Millisecond)
		}
		w.Header().Set("X-Instance", id)
		_, _ = w.Write([]byte("ok"))
		mu.Lock()
		last = time.Now()
		mu.Unlock()
	}))
	t.Cleanup(scaling.Close)
	marked := emulatortest.Start(t, func() emulator.Config {
		c := emulator.DefaultConfig()
		c.KeepAlive, c.Init = 150*time.Millisecond, "40ms"
		return c
	}())
	blind := startBlindEmulator(t, func(c *emulator.Config) { c.KeepAlive, c.Init = 300*time.Millisecond, "200ms" })

	tests := []struct {
		name, url, body string
		rewritten       bool // the latency probe finds two groups: the pass judged again
	}{
		{"instance ids, nothing to tell apart by latency", instances.URL, `
version: 1
name: instances
target: {url: "${URL}"}
probes: [marker, {instance: {header: X-Instance}}, latency]
phases:
  - {name: steady, concurrency: {workers: 3, iterations: 300}}
`, false},
		{"provisional verdicts too (abort_on_fail watches)", instances.URL, `
version: 1
name: watched
target: {url: "${URL}"}
probes: [{instance: {header: X-Instance}}, latency]
thresholds: ["error_rate < 50% abort_on_fail"]
phases:
  - {name: steady, concurrency: {workers: 3, iterations: 300}}
`, false},
		{"markers, scale from zero", marked.URL(), `
version: 1
name: markers
target: {url: "${URL}"}
phases:
  - {name: bursts, idle: {intervals: [10ms, 400ms], samples: 4, order: shuffled}}
  - {name: load, rate: {rps: 100, duration: 1s}}
`, true},
		{"latency alone decides", blind.URL(), `
version: 1
name: sweep
seed: 3
target: {url: "${URL}"}
probes: [latency]
phases:
  - {name: sweep, idle: {intervals: [20ms, 600ms], samples: 6, order: shuffled}}
`, true},
		{"instance ids and latency both decide", scaling.URL, `
version: 1
name: scaling
seed: 5
target: {url: "${URL}"}
probes: [{instance: {header: X-Instance}}, latency]
phases:
  - {name: sweep, idle: {intervals: [20ms, 600ms], samples: 6, order: shuffled}}
`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			code, _, stderr := runCLI(t, "run", writeScenario(t, tc.body), "--target", tc.url, "--out", dir, "--quiet", "--no-report")
			if code != 0 {
				t.Fatalf("thaw run: exit %d: %s", code, stderr)
			}
			recorded := readFile(t, filepath.Join(dir, results.SamplesFile))
			sum := readSummary(t, dir)
			latency := sum.Probes[len(sum.Probes)-1]
			if found := !strings.HasPrefix(latency.Note, "abstain"); found != tc.rewritten {
				t.Fatalf("latency probe: %q; this case wants it to find two groups: %v", latency.Note, tc.rewritten)
			}
			if sum.Totals.Cold == 0 || sum.Totals.Warm == 0 {
				t.Errorf("cold %d warm %d: the case should have both", sum.Totals.Cold, sum.Totals.Warm)
			}

			again := filepath.Join(t.TempDir(), "again")
			if err := os.CopyFS(again, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			if code, _, stderr := runCLI(t, "report", again, "--reclassify"); code != 0 {
				t.Fatalf("thaw report --reclassify: exit %d: %s", code, stderr)
			}
			if rejudged := readFile(t, filepath.Join(again, results.SamplesFile)); rejudged != recorded {
				t.Errorf("samples.ndjson written by thaw run differs from the samples judged again:\n%s", firstDiff(recorded, rejudged))
			}
			if a, b := readFile(t, filepath.Join(again, results.SummaryFile)), readFile(t, filepath.Join(dir, results.SummaryFile)); a != b {
				t.Errorf("summary.json written by thaw run differs from the one judged again:\n%s", firstDiff(b, a))
			}
		})
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n  run:   " + x + "\n  again: " + y
		}
	}
	return "(same lines)"
}

// TestRunReportEqualsReportFromFile: when nothing is left to judge, thaw run draws its
// report from what it gathered as it wrote the samples; `thaw report`, reading the
// samples back, must draw the very same files.
func TestRunReportEqualsReportFromFile(t *testing.T) {
	srv := httptest.NewServer(delayHandler(time.Millisecond))
	t.Cleanup(srv.Close)
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "run", writeScenario(t, `
version: 1
name: report
target: {url: "${URL}"}
phases:
  - {name: closed, concurrency: {workers: 3, duration: 600ms}}
  - {name: open, rate: {rps: 200, duration: 600ms}}
`), "--target", srv.URL, "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	again := filepath.Join(t.TempDir(), "again")
	if err := os.CopyFS(again, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "report", again); code != 0 {
		t.Fatalf("thaw report: exit %d: %s", code, stderr)
	}
	files, err := filepath.Glob(filepath.Join(dir, "plots", "*.svg"))
	if err != nil || len(files) < 3 {
		t.Fatalf("plots: %v %v", files, err)
	}
	for _, f := range append(files, filepath.Join(dir, "summary.json"), filepath.Join(dir, "summary.md"), filepath.Join(dir, "report.html")) {
		rel, _ := filepath.Rel(dir, f)
		if a, b := readFile(t, f), readFile(t, filepath.Join(again, rel)); a != b {
			t.Errorf("%s drawn by thaw run differs from thaw report's:\n%s", rel, firstDiff(a, b))
		}
	}
}
