package main

import (
	"encoding/csv"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// TestRunTraceReplayPerMinute: thaw run replays ten minutes of the sample azure-2019
// trace at --time-scale 60 against a loopback server. Every trace minute becomes one
// second of the run, and in each the samples file holds exactly the trace's count of
// invocations (the ground truth is read from the CSV here, not by thaw).
func TestRunTraceReplayPerMinute(t *testing.T) {
	if testing.Short() {
		t.Skip("10 s of load")
	}
	traces, err := filepath.Abs(filepath.Join("..", "..", "scenarios", "examples", "traces"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(delayHandler(time.Millisecond))
	defer srv.Close()
	const from, to = 600, 610
	sc := writeScenario(t, `
version: 1
name: replay
target: {url: "`+srv.URL+`"}
pricing: {model: aws-lambda, arch: arm64, memory_mb: 512}
phases:
  - name: replay
    trace: {format: azure-2019, invocations: `+traces+`/azure-2019-invocations.csv, functions: [f1http, f2queue], day_minutes: [`+strconv.Itoa(from)+`, `+strconv.Itoa(to)+`], spread: uniform, seed: 3}
`)
	dir := filepath.Join(t.TempDir(), "run")
	began := time.Now()
	if code, _, stderr := runCLI(t, "run", sc, "--out", dir, "--quiet", "--no-report", "--time-scale", "60"); code != 0 {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	wall := time.Since(began)

	want := make([]int64, to-from)
	f, err := os.Open(filepath.Join(traces, "azure-2019-invocations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if r[2] != "f1http" && r[2] != "f2queue" {
			continue
		}
		for m := from; m < to; m++ {
			n, _ := strconv.ParseInt(r[4+m], 10, 64)
			want[m-from] += n
		}
	}

	sum := readSummary(t, dir)
	start := sum.Phases[0].Started
	got := make([]int64, to-from)
	var last time.Duration
	err = results.ReadSamples(dir, func(s *results.Sample) error {
		off := s.Scheduled.Sub(start)
		sec := int(off / time.Second)
		if sec < 0 || sec >= len(got) {
			t.Errorf("sample %d planned at %v, outside the 10 s replay", s.Seq, off)
			return nil
		}
		got[sec]++
		last = max(last, off)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for m := range want {
		total += want[m]
		if got[m] != want[m] {
			t.Errorf("trace minute %d (second %d): %d invocations sent, the trace has %d", from+m, m, got[m], want[m])
		}
	}
	p := sum.Phases[0]
	t.Logf("%d invocations over %v planned, wall %v, late %d, dropped %d", p.Count, last, wall, p.Late, p.Dropped)
	if p.Count != total || p.Dropped != 0 || p.Errors != 0 || p.Workload != "trace" {
		t.Errorf("phase: count %d (want %d), dropped %d, errors %d, workload %q", p.Count, total, p.Dropped, p.Errors, p.Workload)
	}
	// What-if cost: the replayed pattern (total invocations in 10 trace minutes) projected
	// to a 30-day month.
	if c := sum.Cost; c == nil || c.MonthlyInvocations != total*30*24*6 || c.MonthlyUSD <= 0 {
		t.Errorf("cost %+v, want a monthly projection of %d invocations", c, total*30*24*6)
	}
	if last < 9*time.Second {
		t.Errorf("last arrival planned at %v, want the replay to span ~10 s", last)
	}
}
