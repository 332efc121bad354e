package report_test

import (
	"bytes"
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
	for _, metric := range []string{"cold.p(50)", "cold_rate"} {
		r, ok := rows[metric]
		if !ok || !r.Have || r.Finding != report.FindingHigher || r.Low <= 0 || r.New <= r.Base || r.BaseN == 0 {
			t.Errorf("%s: %+v, want higher with the whole interval above zero", metric, r)
		}
	}
	if r := rows["cost_per_million"]; !r.Have || r.Finding != report.FindingNone {
		t.Errorf("cost: %+v, want figures without a finding", r)
	}
	// Warm latency did not change: the warm median must not be called different.
	if r := rows["warm.p(50)"]; r.Finding == report.FindingHigher || r.Finding == report.FindingLower {
		t.Errorf("warm.p(50) called %s: %+v", r.Finding, r)
	}
}

// Identical runs show no change anywhere; a tail percentile of a handful of samples
// is not estimable rather than "highly significant", and the row names what is.
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
		if r.Change != 0 || r.Finding == report.FindingHigher || r.Finding == report.FindingLower {
			t.Errorf("%s: change %g, finding %s on identical runs", r.Metric, r.Change, r.Finding)
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
	for _, want := range []string{"base: runs/base", "metric", "95% CI", "cold.p(50)", "cold_rate", "(n=", "higher", "cost_per_million", "no p-values", "confidence interval"} {
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
