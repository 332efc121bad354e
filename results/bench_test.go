package results_test

import (
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

func BenchmarkHistogramRecord(b *testing.B) {
	h := results.NewHistogram()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.RecordMS(float64(i%5000) / 10)
	}
}

func BenchmarkAggregatorAdd(b *testing.B) {
	a := results.NewAggregator()
	s := sample(1, "p", results.Warm, 12.5, "", 200)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.LatencyMS = float64(i%5000) / 10
		a.Add(s)
	}
}

func BenchmarkWriterWrite(b *testing.B) {
	w, err := results.CreateWriter(b.TempDir(), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	s := sample(1, "steady", results.Warm, 12.5, "", 200)
	s.RequestID = "a1b2c3d4-000001"
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(s); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
