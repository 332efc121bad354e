package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// writeRun makes a small real run directory: n invocations, every coldEvery-th cold
// with coldMS latency, the rest warm around warmMS.
func writeRun(t *testing.T, dir string, n, coldEvery int, warmMS, coldMS float64) {
	t.Helper()
	w, err := results.CreateWriter(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	agg := results.NewAggregator()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		s := &results.Sample{Seq: int64(i), RequestID: fmt.Sprint(i), Phase: "steady", Start: start.Add(time.Duration(i) * 50 * time.Millisecond),
			Status: 200, Class: results.Warm, LatencyMS: warmMS + float64(i%17), TTFBMS: warmMS + float64(i%17) - 0.2}
		if i%coldEvery == 0 {
			s.Class, s.LatencyMS, s.TTFBMS = results.Cold, coldMS+float64(i%31), coldMS+float64(i%31)-0.2
		}
		agg.Add(s)
		if err := w.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	phases, totals, err := agg.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if err := results.WriteSummary(dir, &results.Summary{Scenario: "c", Started: start, Ended: totals.Ended, Phases: phases, Totals: totals}); err != nil {
		t.Fatal(err)
	}
}

func TestCompareCommand(t *testing.T) {
	root := t.TempDir()
	base, next := filepath.Join(root, "base"), filepath.Join(root, "new")
	writeRun(t, base, 600, 20, 30, 500)
	writeRun(t, next, 600, 8, 30, 900)
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		plotsDir string
	}{
		{"default out", []string{"compare", base, next}, exitOK, []string{"cold.p(50)", "cold_rate", "(n=", "higher", "compare.md"}, filepath.Join(next, "compare")},
		{"explicit out", []string{"compare", base, next, "--out", filepath.Join(root, "cmp")}, exitOK, []string{"p(99)"}, filepath.Join(root, "cmp")},
		{"missing run", []string{"compare", base, filepath.Join(root, "nope")}, exitUsage, nil, ""},
		{"one argument", []string{"compare", base}, exitUsage, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tt.args, &out, &errb); code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errb.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out.String())
				}
			}
			if tt.plotsDir == "" {
				return
			}
			for _, f := range []string{"compare-histogram.svg", "compare-histogram.png", "compare-cdf.svg", "compare-cdf.png", "compare.md"} {
				if _, err := os.Stat(filepath.Join(tt.plotsDir, f)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// Two runs of a few dozen invocations from one distribution: tail percentiles are
// not estimable (and say what is), nothing is called higher or lower, every row has n.
func TestCompareSmallRunsNoFalseSignificance(t *testing.T) {
	base := gateTestRun(t, 44, 300, 11)
	same := gateTestRun(t, 44, 300, 12)
	code, out, stderr := runCLI(t, "compare", base, same, "--out", t.TempDir())
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "warm.p(99)", "cold.p(95)", "p(99)":
			if !strings.Contains(line, "not estimable: use") {
				t.Errorf("tail row not marked not estimable: %s", line)
			}
		case "p(50)", "warm.p(50)", "cold.p(50)", "cold_rate", "error_rate":
			if !strings.Contains(line, "(n=") || strings.Contains(line, "higher") || strings.Contains(line, "lower") {
				t.Errorf("row without n or with a false finding: %s", line)
			}
		}
	}
	if strings.Contains(out, "p<") || strings.Contains(out, "**") {
		t.Errorf("p-values printed:\n%s", out)
	}
}
