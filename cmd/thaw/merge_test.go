package main

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/thaw-dev/thaw/results"
)

// TestMergeIsExact: two shards merged give the same counts and percentiles as the
// samples of both aggregated at once (every figure is rebuilt from samples).
func TestMergeIsExact(t *testing.T) {
	srv := httptest.NewServer(delayHandler(0))
	defer srv.Close()
	var dirs []string
	var want []results.Sample
	for range 2 { // two shards of one run
		dir := runScenarioOK(t, `
version: 1
name: shard
target: {url: "`+srv.URL+`"}
phases:
  - {name: w, concurrency: {workers: 2, iterations: 40}}
`)
		s, err := results.LoadSamples(dir)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, s...)
		dirs = append(dirs, dir)
	}
	out := filepath.Join(t.TempDir(), "merged")
	if code, _, stderr := runCLI(t, append(append([]string{"merge"}, dirs...), "--out", out)...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	got := readSummary(t, out)
	agg := results.NewAggregator()
	for i := range want {
		agg.Add(&want[i])
	}
	_, totals, err := agg.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if got.Totals.Count != 80 || got.Totals.Latency != totals.Latency || got.Phases[0].Count != 80 {
		t.Fatalf("merged totals %+v\nwant %+v", got.Totals.Latency, totals.Latency)
	}
	merged, err := results.LoadSamples(out)
	if err != nil || len(merged) != 80 {
		t.Fatalf("merged samples: %v, %d", err, len(merged))
	}
	for i := 1; i < len(merged); i++ {
		if merged[i].Start.Before(merged[i-1].Start) {
			t.Fatal("merged samples are not in start order")
		}
	}
}
