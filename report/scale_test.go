package report_test

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/synth"
	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/internal/fixture"
	"github.com/thaw-dev/thaw/results"
)

// Fill colours of the timeline's glyphs as vgsvg writes them (colours of figure.go;
// warm and unknown are translucent, so vgsvg writes them un-premultiplied).
const (
	coldFill    = "fill:#E4572E"
	warmFill    = "fill:#2D85AA"
	unknownFill = "fill:#989898"
)

var pathStyleRE = regexp.MustCompile(`<path d="[^"]*" style="([^"]*)"`)

// glyphCounts counts the SVG's paths by the fill they start with.
func glyphCounts(svg string) map[string]int {
	n := map[string]int{}
	for _, m := range pathStyleRE.FindAllStringSubmatch(svg, -1) {
		for _, f := range []string{coldFill, warmFill, unknownFill} {
			if strings.HasPrefix(m[1], f+";") || m[1] == f {
				n[f]++
			}
		}
	}
	return n
}

// spreadRun is 200,000 invocations at 200/s: every 200th is cold, one a second, each
// a whole pixel or more from the next; the rest warm around 40 ms.
func spreadRun() (results.Summary, results.Samples) {
	const n, rps = 200_000, 200.0
	meta := synth.Meta(synth.Options{N: n, RPS: rps})
	samples := func(yield func(*results.Sample) error) error {
		for i := range n {
			at := synth.Base.Add(time.Duration(float64(i) / rps * float64(time.Second)))
			s := &results.Sample{Seq: int64(i + 1), Phase: synth.PhaseName, Scheduled: at, Start: at, Status: 200,
				Class: results.Warm, LatencyMS: 40 * math.Exp(0.3*math.Sin(float64(i)))}
			if i%200 == 0 {
				s.Class, s.LatencyMS = results.Cold, 650+float64(i%7)*20
			}
			if err := yield(s); err != nil {
				return err
			}
		}
		return nil
	}
	return meta, samples
}

// TestTimelineDrawingBoundedByPicture: the timeline of a huge run draws a bounded
// number of glyphs (at most 5,000 warm and 5,000 unknown, the legend says "sampled"),
// while every cold start that has a pixel of its own is drawn.
func TestTimelineDrawingBoundedByPicture(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds 1,000,000 samples through the collector; runs in the full pass (make test)")
	}
	million := func() (results.Summary, results.Samples) {
		o := synth.Options{N: 1_000_000}
		return synth.Meta(o), synth.Samples(o)
	}
	tests := []struct {
		name      string
		run       func() (results.Summary, results.Samples)
		maxWarm   int
		maxUnkown int
		minCold   int // cold glyphs drawn (the legend adds one)
		legend    []string
		maxHeapMB float64 // live heap of the filled collector
	}{
		{"1,000,000 samples", million, 5000 + 1, 5000 + 1, 10_000, []string{"warm (sampled)", "unknown (sampled)", "failed (sampled)"}, 8},
		{"cold starts spread out", spreadRun, 5000 + 1, 0, 1000 + 1, []string{"warm (sampled)", "cold"}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta, samples := tt.run()
			before := liveHeap()
			col := report.NewCollector(&meta)
			s, err := synth.Summarize(meta, samples, col.Add)
			if err != nil {
				t.Fatal(err)
			}
			// Flat memory: the collector keeps bounded reservoirs and bins, not samples
			// (1,000,000 points alone would take 24 MB).
			if mb := float64(liveHeap()-before) / 1e6; mb > tt.maxHeapMB {
				t.Errorf("filled collector holds %.1f MB, want at most %.0f MB", mb, tt.maxHeapMB)
			}
			runtime.KeepAlive(col)
			dir := t.TempDir()
			if err := report.Write(dir, report.Options{Summary: s, Collected: col}); err != nil {
				t.Fatal(err)
			}
			svg := readString(t, filepath.Join(dir, report.PlotsDir, "timeline.svg"))
			got := glyphCounts(svg)
			t.Logf("glyphs: cold %d, warm %d, unknown %d; timeline.svg %d bytes", got[coldFill], got[warmFill], got[unknownFill], len(svg))
			if got[warmFill] > tt.maxWarm || got[warmFill] < 100 {
				t.Errorf("%d warm glyphs, want 100 to %d", got[warmFill], tt.maxWarm)
			}
			if got[unknownFill] > tt.maxUnkown {
				t.Errorf("%d unknown glyphs, want at most %d", got[unknownFill], tt.maxUnkown)
			}
			if got[coldFill] < tt.minCold {
				t.Errorf("%d cold glyphs, want at least %d", got[coldFill], tt.minCold)
			}
			text := svgText([]byte(svg))
			for _, l := range tt.legend {
				if !strings.Contains(text, l) {
					t.Errorf("legend lacks %q:\n%s", l, text)
				}
			}
			if strings.Contains(text, "cold (sampled)") {
				t.Errorf("cold points were sampled:\n%s", text)
			}
		})
	}
}

// TestHTMLEmbedsThePlotsSVG: report.html shows each figure with the very drawing
// written to plots/NAME.svg (byte for byte after the font definitions it moves to
// the page's CSS), rendered once.
func TestHTMLEmbedsThePlotsSVG(t *testing.T) {
	dir, _ := freshRun(t, fixture.Options{Seed: 3})
	if err := report.Write(dir, report.Options{}); err != nil {
		t.Fatal(err)
	}
	html := readString(t, filepath.Join(dir, report.HTMLFile))
	svgs, err := filepath.Glob(filepath.Join(dir, report.PlotsDir, "*.svg"))
	if err != nil || len(svgs) < 5 {
		t.Fatalf("plots: %v %v", svgs, err)
	}
	for _, path := range svgs {
		svg := readString(t, path)
		i := strings.Index(svg, "</defs>")
		if i < 0 {
			t.Fatalf("%s: no font definitions", path)
		}
		drawing := strings.TrimSpace(svg[i+len("</defs>"):])
		if len(drawing) < 1000 || !strings.HasSuffix(drawing, "</svg>") {
			t.Fatalf("%s: drawing of %d bytes", path, len(drawing))
		}
		if !strings.Contains(html, drawing) {
			t.Errorf("report.html does not embed the drawing of %s", filepath.Base(path))
		}
	}
	if n := strings.Count(html, "@font-face"); n != 1 {
		t.Errorf("report.html declares %d @font-face rules, want 1", n)
	}
}

// liveHeap is the heap in use after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
