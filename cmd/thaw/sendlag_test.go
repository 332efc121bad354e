package main

import (
	"math"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// TestRunReportsSendLag: a real `thaw run` of an open-model phase writes send_lag in
// summary.json, counted over every send and equal (to histogram precision) to
// Start − Scheduled of the samples written; a closed-model phase has none.
func TestRunReportsSendLag(t *testing.T) {
	srv := httptest.NewServer(delayHandler(time.Millisecond))
	defer srv.Close()
	const lagScenario = `
version: 1
name: lag
phases:
  - {name: open, rate: {rps: 100, duration: 1s}}
  - {name: closed, concurrency: {workers: 2, iterations: 20}}
`
	dir := runAgainst(t, srv.URL, lagScenario)
	if !strings.Contains(readFile(t, filepath.Join(dir, results.SummaryFile)), `"send_lag"`) {
		t.Fatal("summary.json has no send_lag")
	}
	s := readSummary(t, dir)
	open, closed := s.Phases[0], s.Phases[1]
	if closed.SendLag != nil {
		t.Errorf("closed phase has send_lag %+v", closed.SendLag)
	}
	lag := open.SendLag
	if lag == nil || lag.Count != open.Count || open.Count < 90 {
		t.Fatalf("open phase: %d samples, send_lag %+v", open.Count, lag)
	}
	var truth []float64 // ground truth from the samples file, not from the aggregator
	err := results.ReadSamples(dir, func(x *results.Sample) error {
		if x.Phase == "open" {
			truth = append(truth, max(float64(x.Start.Sub(x.Scheduled))/float64(time.Millisecond), 0.001))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Float64s(truth)
	t.Logf("send lag p50 %.3f ms p99 %.3f ms max %.3f ms over %d sends", lag.P50, lag.P99, lag.Max, lag.Count)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p50", lag.P50, truth[(len(truth)-1)/2]}, {"max", lag.Max, truth[len(truth)-1]}, {"min", lag.Min, truth[0]}} {
		if math.Abs(c.got-c.want) > 0.002*c.want+0.002 {
			t.Errorf("send_lag %s %.4f ms, samples say %.4f ms", c.name, c.got, c.want)
		}
	}
	if lag.P50 <= 0 || lag.P99 < lag.P50 {
		t.Errorf("send_lag p50 %.3f p99 %.3f", lag.P50, lag.P99)
	}
	// What a user reads: the run's summary.md and report.html, and the terminal summary.
	code, stdout, stderr := runCLI(t, "report", dir)
	if code != 0 {
		t.Fatalf("thaw report: exit %d: %s", code, stderr)
	}
	checkSendLagShown(t, dir, stdout, "open", "closed")
}
