package report_test

import (
	"os"
	"runtime"
	"strings"
	"testing"

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
