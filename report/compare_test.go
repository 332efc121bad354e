package report_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/internal/fixture"
)

func rowsByMetric(c *report.Comparison) map[string]report.CompareRow {
	m := map[string]report.CompareRow{}
	for _, r := range c.Rows {
		m[r.Metric] = r
	}
	return m
}

func TestCompareDetectsRegression(t *testing.T) {
	_, base := fixtureRun(t)
	_, slow := freshRun(t, fixture.Options{Seed: 2, ColdMS: 1100, SteadyCold: 0.08})
	c, err := report.Compare(base, slow, "base", "new")
	if err != nil {
		t.Fatal(err)
	}
	rows := rowsByMetric(c)
	tests := []struct {
		metric   string
		wantMark string
		wantUp   bool
	}{
		{"cold p50", "**", true},
		{"cold rate", "**", true},
		{"cost per million", "n/a", true},
	}
	for _, tt := range tests {
		r, ok := rows[tt.metric]
		if !ok || !r.Have {
			t.Fatalf("row %q missing", tt.metric)
		}
		if r.Mark() != tt.wantMark {
			t.Errorf("%s: mark %q (p=%g), want %q", tt.metric, r.Mark(), r.PValue, tt.wantMark)
		}
		if tt.wantUp && !(r.New > r.Base && r.DeltaPct > 0) {
			t.Errorf("%s: base %g new %g Δ %g%%, want an increase", tt.metric, r.Base, r.New, r.DeltaPct)
		}
	}
	// Warm latency did not change: the warm median must not be flagged at 1%.
	if r := rows["warm p50"]; r.Mark() == "**" {
		t.Errorf("warm p50 flagged as a strong change: base %g new %g p=%g", r.Base, r.New, r.PValue)
	}
}

func TestCompareIdenticalRuns(t *testing.T) {
	_, s := fixtureRun(t)
	c, err := report.Compare(s, s, "a", "a")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Rows {
		if !r.Have {
			t.Errorf("%s: missing", r.Metric)
			continue
		}
		if r.DeltaPct != 0 {
			t.Errorf("%s: Δ %g%% on identical runs", r.Metric, r.DeltaPct)
		}
		if !math.IsNaN(r.PValue) && r.PValue < 0.999 {
			t.Errorf("%s: p=%g on identical runs, want 1", r.Metric, r.PValue)
		}
	}
}

func TestCompareOutputs(t *testing.T) {
	_, base := fixtureRun(t)
	_, next := freshRun(t, fixture.Options{Seed: 2, ColdMS: 1100, SteadyCold: 0.08})
	c, err := report.Compare(base, next, "runs/base", "runs/new")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"base: runs/base", "metric", "Δ", "cold p50", "cold rate", "**", "cost per million", "significance:"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	out := t.TempDir()
	if err := report.WriteComparison(out, c, base, next); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"compare-histogram", "compare-cdf"} {
		svg, err := os.ReadFile(filepath.Join(out, name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		text := svgText(svg)
		for _, want := range []string{"base (n=", "new (n=", "latency (ms, log scale)"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if _, err := os.Stat(filepath.Join(out, name+".png")); err != nil {
			t.Error(err)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, report.CompareMarkdownFile))
	if err != nil {
		t.Fatal(err)
	}
	checkMarkdownTables(t, string(md))
}
