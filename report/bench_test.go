package report_test

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/internal/synth"
	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/internal/fixture"
)

func TestTimelineSamplesLargeRuns(t *testing.T) {
	// 24,000+ warm samples: more than the timeline keeps, so it shows a sample and says so.
	dir, s := freshRun(t, fixture.Options{Seed: 5, Scale: 12})
	figs, err := report.Figures(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range figs {
		if f.Name != "timeline" {
			continue
		}
		svg, err := f.SVG()
		if err != nil {
			t.Fatal(err)
		}
		text := svgText(svg)
		if !strings.Contains(text, "warm (sampled)") || strings.Contains(text, "cold (sampled)") {
			t.Errorf("legend should mark warm as sampled and keep every cold point:\n%s", text)
		}
		return
	}
	t.Fatal("no timeline figure")
}

// BenchmarkRenderMillion renders everything report.Write makes (plots as SVG and PNG,
// summary.md, report.html) for a run of 1,000,000 samples from an already-filled
// Collector: the report's own cost, apart from the pass that reads samples.ndjson.
//
//	go test ./report -run '^$' -bench RenderMillion -benchtime 3x -benchmem
func BenchmarkRenderMillion(b *testing.B) {
	o := synth.Options{N: 1_000_000}
	meta := synth.Meta(o)
	before := liveHeap()
	col := report.NewCollector(&meta)
	s, err := synth.Summarize(meta, synth.Samples(o), col.Add)
	if err != nil {
		b.Fatal(err)
	}
	collector := liveHeap() - before
	dir := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if err := report.Write(dir, report.Options{Summary: s, Collected: col}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(collector)/1e6, "collector-MB")
	b.ReportMetric(float64(m.HeapSys)/1e6, "heap-sys-MB")
	runtime.KeepAlive(col)
}

// BenchmarkRenderSmall is the report's fixed cost: a run of 500 samples (100 rps for
// 5 s), rendered from a filled Collector.
func BenchmarkRenderSmall(b *testing.B) {
	o := synth.Options{N: 500, RPS: 100}
	meta := synth.Meta(o)
	col := report.NewCollector(&meta)
	s, err := synth.Summarize(meta, synth.Samples(o), col.Add)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if err := report.Write(dir, report.Options{Summary: s, Collected: col}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteLargeRun renders the full report of a run with about 850,000 samples
// (fixture scale 400) and reports the peak heap in use.
//
//	go test ./report -run '^$' -bench WriteLargeRun -benchtime 1x
func BenchmarkWriteLargeRun(b *testing.B) {
	dir := b.TempDir()
	if _, err := fixture.Write(dir, fixture.Options{Seed: 9, Scale: 400}); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(dir + "/samples.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		if err := report.Write(dir, report.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapSys)/1e6, "heap-sys-MB")
	b.ReportMetric(float64(fi.Size())/1e6, "samples-MB")
}
