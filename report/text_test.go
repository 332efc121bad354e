package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/results"
)

func TestTableGolden(t *testing.T) {
	_, s := fixtureRun(t)
	var b bytes.Buffer
	if err := report.Table(&b, s); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	// Independent checks, so the golden file cannot silently bless nonsense.
	for _, want := range []string{"p99 ms", "cold p50 ms", "idle-sweep", "burst", "steady", "ramp", "total", "late", "dropped", "PASS", "keep-alive", "aws-lambda"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	if strings.Contains(out, "P 99") || strings.Contains(out, "P99 MS") {
		t.Error("header auto-format mangled the column names")
	}
	if i, j := strings.Index(out, "idle-sweep"), strings.Index(out, "ramp"); i > j {
		t.Error("phases not in run order")
	}
	golden(t, "table.txt", b.Bytes())
}

func TestMarkdownGolden(t *testing.T) {
	_, s := fixtureRun(t)
	var b bytes.Buffer
	if err := report.Markdown(&b, s); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"## thaw: checkout-cold-starts", "### Thresholds", "✅", "### Phases", "### Cold vs warm", "### Keep-alive", "### Estimated cost (aws-lambda)", "| total |", "aws.amazon.com"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// Every table row has as many cells as its header.
	checkMarkdownTables(t, out)
	golden(t, "summary.md", b.Bytes())
}

func checkMarkdownTables(t *testing.T, md string) {
	t.Helper()
	cols := -1
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = -1
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cols == -1 {
			cols = n
		} else if n != cols {
			t.Errorf("table row has %d pipes, header %d: %s", n, cols, line)
		}
	}
}

func TestTextMinimalSummary(t *testing.T) {
	// A summary without cost, keep-alive, thresholds or late/dropped renders without those parts.
	s := &results.Summary{Scenario: "bare", Phases: []results.PhaseSummary{{Name: "only", Count: 2, Warm: 2,
		Latency: results.Percentiles{Count: 2, P50: 12.5, P95: 20, P99: 20, Max: 20}}},
		Totals: results.PhaseSummary{Name: "total", Count: 2, Warm: 2}}
	tests := []struct {
		name   string
		render func(*bytes.Buffer) error
		absent []string
	}{
		{"table", func(b *bytes.Buffer) error { return report.Table(b, s) }, []string{"late", "dropped", "cost", "keep-alive", "PASS"}},
		{"markdown", func(b *bytes.Buffer) error { return report.Markdown(b, s) }, []string{"late", "Thresholds", "Keep-alive", "cost"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b); err != nil {
				t.Fatal(err)
			}
			for _, a := range tt.absent {
				if strings.Contains(b.String(), a) {
					t.Errorf("output has %q but the summary has none:\n%s", a, b.String())
				}
			}
			if !strings.Contains(b.String(), "12.5") {
				t.Errorf("p50 12.5 missing:\n%s", b.String())
			}
		})
	}
}

func TestTableSaysWhyUnknown(t *testing.T) {
	// Samples left unknown: the table says what each probe found, once for the run.
	probes := []results.ProbeSummary{{Name: "marker", NoEvidence: 3}, {Name: "latency", Note: "abstain: not bimodal"}}
	for _, tc := range []struct {
		name    string
		unknown int64
		want    string
	}{
		{"unknown", 3, "unknown 3: marker decided 0, found nothing in 3; latency decided 0 (abstain: not bimodal)"},
		{"all decided", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &results.Summary{Scenario: "u", Probes: probes, Phases: []results.PhaseSummary{{Name: "p", Count: 3, Unknown: tc.unknown, Warm: 3 - tc.unknown}},
				Totals: results.PhaseSummary{Name: "total", Count: 3, Unknown: tc.unknown, Warm: 3 - tc.unknown}}
			var b bytes.Buffer
			if err := report.Table(&b, s); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(b.String(), "unknown 3:"); tc.want == "" && got || tc.want != "" && !strings.Contains(b.String(), tc.want) {
				t.Errorf("want %q in:\n%s", tc.want, b.String())
			}
		})
	}
}
