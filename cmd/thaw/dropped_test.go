package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A rate phase against a slow server with a small max_in_flight drops most of its
// arrivals; dropped_rate and late_rate make that fail the run and the gate, through
// the real `thaw run` and `thaw gate`, while the summary keeps the counts behind them.
func TestDroppedAndLateRateThresholds(t *testing.T) {
	slow := httptest.NewServer(delayHandler(200 * time.Millisecond))
	defer slow.Close()
	// 40 arrivals over 1 s, at most 2 in flight, each taking 200 ms: about 10 can be
	// sent, so about 75% are dropped.
	scenario := writeScenario(t, `
version: 1
name: dropped
target: {url: "`+slow.URL+`", timeout: 5s}
phases:
  - {name: steady, rate: {rps: 40, duration: 1s, max_in_flight: 2}}
`)
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "run", scenario, "--out", dir, "--quiet", "--no-report",
		"--threshold", "dropped_rate < 10%", "--threshold", "dropped_rate < 100%")
	if code != exitFail {
		t.Fatalf("thaw run with dropped_rate < 10%%: exit %d, want %d; stderr: %s", code, exitFail, stderr)
	}
	s := readSummary(t, dir)
	ps := s.Totals
	if ps.Planned < 38 || ps.Dropped < ps.Planned/2 || ps.Count+ps.Dropped != ps.Planned {
		t.Fatalf("totals planned %d, dropped %d, sent %d: want most of ~40 planned arrivals dropped", ps.Planned, ps.Dropped, ps.Count)
	}
	want := map[string]bool{"dropped_rate < 10%": false, "dropped_rate < 100%": true}
	for _, r := range s.Thresholds {
		if pass, ok := want[r.Expr]; !ok || r.Pass != pass || r.Unit != "%" {
			t.Errorf("threshold %q: pass %v (%s), want %v", r.Expr, r.Pass, r.Detail, pass)
		}
		if r.Expr == "dropped_rate < 10%" {
			if got := 100 * float64(ps.Dropped) / float64(ps.Planned); r.Value != got {
				t.Errorf("dropped_rate = %v, want dropped/planned = %v", r.Value, got)
			}
		}
	}
	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"dropped fails", []string{"gate", dir, "--threshold", "phase[steady].dropped_rate <= 50%"}, exitFail, "dropped_rate"},
		{"late is a share of planned", []string{"gate", dir, "--threshold", "late_rate <= 100%"}, exitFail, "late_rate <= 100%"},                 // dropped_rate < 10% still fails
		{"gate budget on dropped_rate", []string{"gate", dir, "--baseline", dir, "--max-regression", "dropped_rate=50pp"}, exitFail, "% (n=40)"}, // planned arrivals are the n
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, c.args...)
			if code != c.code || !strings.Contains(out, c.out) {
				t.Errorf("exit %d, want %d; stdout (want %q):\n%s\nstderr: %s", code, c.code, c.out, out, stderr)
			}
		})
	}
}
