package report_test

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/internal/fixture"
	"github.com/thaw-dev/thaw/results"
)

// svgText returns the text drawn in an SVG, joined by newlines.
func svgText(svg []byte) string {
	re := regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)
	var out []string
	for _, m := range re.FindAllSubmatch(svg, -1) {
		out = append(out, string(m[1]))
	}
	return strings.Join(out, "\n")
}

func TestFiguresContent(t *testing.T) {
	dir, s := fixtureRun(t)
	figs, err := report.Figures(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*report.Figure{}
	for _, f := range figs {
		byName[f.Name] = f
	}
	tests := []struct {
		name  string
		texts []string // title, axis titles, legend labels
	}{
		{"latency-histogram", []string{"Latency: cold vs warm", "latency (ms, log scale)", "share of invocations (%)", "warm (n=", "cold (n="}},
		{"latency-cdf", []string{"Latency CDF", "invocations at or below (%)", "all (n=", "warm (n=", "cold (n="}},
		{"timeline", []string{"Timeline", "time since start (min)", "latency (ms, log scale)", "cold", "warm", "failed", "idle-sweep", "steady"}},
		{"timeline-load", []string{"Timeline of the load phases", "time since start (s)", "latency (ms, log scale)", "cold", "warm", "burst", "steady", "ramp"}},
		{"throughput", []string{"Throughput and concurrency", "completed (req/s)", "in flight (requests)", "throughput", "target rate"}},
		{"keep-alive", []string{"Cold-start probability vs idle time", "idle time before the request (min)", "P(cold) (%)", "95% Wilson interval", "keep-alive estimate 8m"}},
		{"latency-breakdown", []string{"Where the time goes", "mean time (ms)", "DNS", "TLS", "server time", "cold (n=", "warm (n="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := byName[tt.name]
			if !ok {
				t.Fatalf("figure %s missing", tt.name)
			}
			svg, err := f.SVG()
			if err != nil {
				t.Fatal(err)
			}
			text := svgText(svg)
			for _, want := range tt.texts {
				if !strings.Contains(text, want) {
					t.Errorf("SVG text lacks %q; has:\n%s", want, text)
				}
			}
			if n := nonEmptyPaths(svg); n < 10 {
				t.Errorf("only %d non-empty paths: nothing plotted?", n)
			}
			if !bytes.Contains(svg, []byte("@font-face")) {
				t.Error("fonts not embedded")
			}
			pngBytes, err := f.PNG()
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(pngBytes))
			if err != nil {
				t.Fatal(err)
			}
			if colors := distinctColors(img); colors < 8 {
				t.Errorf("PNG has %d distinct colours: blank?", colors)
			}
		})
	}
}

func nonEmptyPaths(svg []byte) int {
	re := regexp.MustCompile(`<path d="([^"]+)"`)
	n := 0
	for _, m := range re.FindAllSubmatch(svg, -1) {
		if len(bytes.TrimSpace(m[1])) > 3 {
			n++
		}
	}
	return n
}

func TestFiguresOnlyWhatApplies(t *testing.T) {
	// A run with idle and burst phases only and no keep-alive: no throughput or keep-alive plot.
	dir := t.TempDir()
	var ss []results.Sample
	for i := 0; i < 30; i++ {
		s := results.Sample{Seq: int64(i), Phase: "burst", Start: fixture.Base, Status: 200, LatencyMS: 20 + float64(i), TTFBMS: 19 + float64(i), Class: results.Warm}
		if i < 5 {
			s.Class, s.LatencyMS, s.TTFBMS = results.Cold, 500+float64(i), 499+float64(i)
		}
		ss = append(ss, s)
	}
	meta := results.Summary{Scenario: "b", Started: fixture.Base, Ended: fixture.Base.Add(2e9),
		Phases: []results.PhaseSummary{results.PhaseOf("burst", results.PhaseInfo{Workload: "burst", Started: fixture.Base, Ended: fixture.Base.Add(2e9)})}}
	s, err := results.WriteRun(dir, meta, results.SliceSamples(ss))
	if err != nil {
		t.Fatal(err)
	}
	figs, err := report.Figures(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range figs {
		names = append(names, f.Name)
	}
	if got, want := strings.Join(names, ","), "latency-histogram,latency-cdf,timeline,latency-breakdown"; got != want {
		t.Errorf("figures = %s, want %s", got, want)
	}
	// Without samples only the summary-based plots remain.
	if err := os.Remove(filepath.Join(dir, results.SamplesFile)); err != nil {
		t.Fatal(err)
	}
	figs, err = report.Figures(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 2 {
		t.Errorf("without samples: %d figures, want 2 (histogram, CDF)", len(figs))
	}
}

func TestFiguresTinyRuns(t *testing.T) {
	// Runs whose latencies give a log axis nothing to span: gonum widens a one-value
	// range by ±1, below zero, and a log scale panics on it.
	cases := []struct {
		name    string
		samples []results.Sample
	}{
		{"one sample", []results.Sample{{Seq: 1, Phase: "w", Start: fixture.Base, Status: 200, LatencyMS: 0.73, TTFBMS: 0.7, Class: results.Unknown}}},
		{"two equal", []results.Sample{
			{Seq: 1, Phase: "w", Start: fixture.Base, Status: 200, LatencyMS: 5, TTFBMS: 5, Class: results.Warm},
			{Seq: 2, Phase: "w", Start: fixture.Base.Add(1e6), Status: 200, LatencyMS: 5, TTFBMS: 5, Class: results.Warm}}},
		{"failure at 0 ms", []results.Sample{
			{Seq: 1, Phase: "w", Start: fixture.Base, Status: 200, LatencyMS: 3, TTFBMS: 3, Class: results.Warm},
			{Seq: 2, Phase: "w", Start: fixture.Base.Add(1e6), Error: results.ErrRefused, Class: results.Unknown}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			meta := results.Summary{Scenario: "tiny", Started: fixture.Base, Ended: fixture.Base.Add(1e9),
				Phases: []results.PhaseSummary{results.PhaseOf("w", results.PhaseInfo{Workload: "concurrency", Started: fixture.Base, Ended: fixture.Base.Add(1e9)})}}
			s, err := results.WriteRun(dir, meta, results.SliceSamples(tc.samples))
			if err != nil {
				t.Fatal(err)
			}
			figs, err := report.Figures(dir, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range figs {
				if _, err := f.SVG(); err != nil {
					t.Errorf("%s: %v", f.Name, err)
				}
			}
			if len(figs) == 0 {
				t.Error("no figures")
			}
		})
	}
}
