package main

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/results"
)

// checkSendLagShown: the terminal summary (stdout), summary.md and report.html of the
// run in dir each carry one send lag line with the open phase's p50 / p99 as
// summary.json has them (to the printed precision), and nothing of the closed phase.
func checkSendLagShown(t *testing.T, dir, stdout, open, closed string) {
	t.Helper()
	s := readSummary(t, dir)
	var lag *results.Percentiles
	for _, p := range s.Phases {
		if p.Name == open {
			lag = p.SendLag
		}
	}
	if lag == nil {
		t.Fatalf("summary.json: no send_lag for phase %s", open)
	}
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
			t.Errorf("%s: %d send lag lines, want 1:\n%s", name, len(lines), out)
			continue
		}
		if strings.Contains(lines[0], closed) {
			t.Errorf("%s: send lag line names the closed phase: %s", name, lines[0])
		}
		_, rest, ok := strings.Cut(lines[0], " "+open+" ")
		p50, p99, ok2 := strings.Cut(strings.TrimSpace(strings.SplitN(rest, " ms", 2)[0]), " / ")
		if !ok || !ok2 || !near(p50, lag.P50) || !near(p99, lag.P99) {
			t.Errorf("%s: send lag line %q, want %s p50 %.4f / p99 %.4f ms", name, lines[0], open, lag.P50, lag.P99)
		}
	}
}

// near reports whether the printed number text is want to its printed precision.
func near(text string, want float64) bool {
	got, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return false
	}
	decimals := len(text) - strings.IndexByte(text, '.') - 1
	if !strings.Contains(text, ".") {
		decimals = 0
	}
	return math.Abs(got-want) <= 0.5*math.Pow(10, -float64(decimals))+1e-9
}
