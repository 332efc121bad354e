package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/results"
)

// TestSendLagShownForOpenModelOnly: the terminal table, summary.md and report.html
// show send lag p50 / p99 for each open-model phase and never for a closed one.
func TestSendLagShownForOpenModelOnly(t *testing.T) {
	lat := results.Percentiles{Count: 100, P50: 40, P95: 60, P99: 70, Max: 80}
	open := results.PhaseSummary{Name: "steady", Workload: "rate", Count: 100, Warm: 100, Latency: lat,
		SendLag: &results.Percentiles{Count: 100, P50: 0.042, P99: 1.234}}
	open2 := results.PhaseSummary{Name: "spike", Workload: "ramp", Count: 100, Warm: 100, Latency: lat,
		SendLag: &results.Percentiles{Count: 100, P50: 0.5, P99: 12.75}}
	closed := results.PhaseSummary{Name: "workers", Workload: "concurrency", Count: 100, Warm: 100, Latency: lat}
	both := &results.Summary{Scenario: "mixed", Phases: []results.PhaseSummary{open, closed},
		Totals: results.PhaseSummary{Name: "total", Count: 200, Warm: 200, Latency: lat, SendLag: open.SendLag}}
	twoOpen := &results.Summary{Scenario: "two", Phases: []results.PhaseSummary{open, open2},
		Totals: results.PhaseSummary{Name: "total", Count: 200, Warm: 200, Latency: lat,
			SendLag: &results.Percentiles{Count: 200, P50: 0.1, P99: 9.5}}}
	closedOnly := &results.Summary{Scenario: "closed", Phases: []results.PhaseSummary{closed},
		Totals: results.PhaseSummary{Name: "total", Count: 100, Warm: 100, Latency: lat}}
	renders := map[string]func(*bytes.Buffer, *results.Summary) error{
		"table":    func(b *bytes.Buffer, s *results.Summary) error { return report.Table(b, s) },
		"markdown": func(b *bytes.Buffer, s *results.Summary) error { return report.Markdown(b, s) },
		"html": func(b *bytes.Buffer, s *results.Summary) error {
			return report.HTML(b, report.HTMLInput{Summary: s})
		},
	}
	tests := []struct {
		name   string
		s      *results.Summary
		want   []string // on the send-lag line
		absent []string // not on it
	}{
		{"open and closed", both, []string{"steady 0.042 / 1.234 ms"}, []string{"workers", "all open-model phases"}},
		{"two open", twoOpen, []string{"steady 0.042 / 1.234 ms", "spike 0.500 / 12.8 ms", "all open-model phases 0.100 / 9.500 ms"}, nil},
		{"closed only", closedOnly, nil, nil},
	}
	for _, tt := range tests {
		for name, render := range renders {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				var b bytes.Buffer
				if err := render(&b, tt.s); err != nil {
					t.Fatal(err)
				}
				out := b.String()
				line := lineWith(out, "end lag p50 / p99")
				if (line != "") != (len(tt.want) > 0) {
					t.Fatalf("send lag line %q, want one: %v\n%s", line, len(tt.want) > 0, out)
				}
				for _, w := range tt.want {
					if !strings.Contains(line, w) {
						t.Errorf("send lag line lacks %q: %s", w, line)
					}
				}
				for _, a := range tt.absent {
					if strings.Contains(line, a) {
						t.Errorf("send lag line has %q: %s", a, line)
					}
				}
			})
		}
	}
}

// lineWith returns the first line of s containing sub, or "".
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}
