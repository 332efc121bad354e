package main

import (
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report"
)

// TestRunShowsSendLag: after a real run with an open-model and a closed-model phase,
// the terminal summary, summary.md and report.html each carry one send lag line with
// the open phase's p50 / p99 from summary.json, and nothing for the closed phase.
func TestRunShowsSendLag(t *testing.T) {
	srv := httptest.NewServer(delayHandler(time.Millisecond))
	defer srv.Close()
	const body = `
version: 1
name: lag-report
phases:
  - {name: open, rate: {rps: 100, duration: 500ms}}
  - {name: closed, concurrency: {workers: 2, iterations: 10}}
`
	dir := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := runCLI(t, "run", writeScenario(t, body), "--target", srv.URL, "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	s := readSummary(t, dir)
	lag := s.Phases[0].SendLag
	if lag == nil || lag.Count < 40 || s.Phases[1].SendLag != nil {
		t.Fatalf("summary send_lag: open %+v, closed %+v", lag, s.Phases[1].SendLag)
	}
	want := "open " + lagMS(lag.P50) + " / " + lagMS(lag.P99) + " ms"
	outputs := map[string]string{
		"terminal":    stdout,
		"summary.md":  readFile(t, filepath.Join(dir, report.MarkdownFile)),
		"report.html": readFile(t, filepath.Join(dir, report.HTMLFile)),
	}
	for name, out := range outputs {
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(strings.ToLower(l), "send lag p50 / p99") {
				lines = append(lines, l)
			}
		}
		if len(lines) != 1 {
			t.Errorf("%s: %d send lag lines, want 1:\n%s", name, len(lines), strings.Join(lines, "\n"))
			continue
		}
		if !strings.Contains(lines[0], want) || strings.Contains(lines[0], "closed") {
			t.Errorf("%s: send lag line %q, want %q and no closed phase", name, lines[0], want)
		}
	}
}

// lagMS is how the report prints a send lag: three decimals below 10 ms.
func lagMS(ms float64) string {
	switch {
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 3, 64)
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	default:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	}
}
