package results_test

import (
	"fmt"
	"strings"
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

// closedRun is n samples as a closed-model run against a loopback server writes them:
// times 10 µs apart (so most share their second with the previous sample), scheduled
// a little before start, one header map shared by every sample's evidence.
func closedRun(n int) []results.Sample {
	headers := map[string]string{"Server-Timing": "app;dur=0.000"}
	at := time.Date(2026, 12, 2, 7, 44, 11, 810836158, time.UTC)
	out := make([]results.Sample, n)
	for i := range out {
		sched := at.Add(time.Duration(i) * 10 * time.Microsecond)
		out[i] = results.Sample{Seq: int64(i + 1), RequestID: fmt.Sprintf("561fcca0-%06d", i+1), Phase: "w",
			Scheduled: sched, Start: sched.Add(110 * time.Nanosecond), LatencyMS: 0.614, IntendedLatencyMS: 0.614,
			TTFBMS: 0.613, ConnReused: true, IdleBeforeMS: 0.003, InFlight: 50, Status: 200, Class: results.Unknown,
			Evidence: &results.Evidence{Headers: headers, Body: "ok"}}
	}
	return out
}

// BenchmarkWriterWriteRun is Writer.Write per sample on a closed-model run's stream
// (the hot path's cost of recording a sample to disk).
func BenchmarkWriterWriteRun(b *testing.B) {
	w, err := results.CreateWriter(b.TempDir(), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	run := closedRun(4096)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := w.Write(&run[i%len(run)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAppendSampleRun is AppendSample per sample on a closed-model run's stream:
// the encoding alone, without the Writer's reuse of evidence text and without I/O.
func BenchmarkAppendSampleRun(b *testing.B) {
	run := closedRun(4096)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		var err error
		if buf, err = results.AppendSample(buf[:0], &run[i%len(run)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendSampleLog is AppendSample on a Lambda sample that keeps a 4 KiB log
// tail in its evidence (the string scan dominates).
func BenchmarkAppendSampleLog(b *testing.B) {
	s := closedRun(1)[0]
	s.Evidence = &results.Evidence{Headers: map[string]string{"X-Amzn-Requestid": "8f3a2c1e-6b7d-4e5f-9a0b-1c2d3e4f5a6b"},
		Log: strings.Repeat("REPORT RequestId: 8f3a2c1e-6b7d-4e5f-9a0b-1c2d3e4f5a6b Duration: 1.52 ms Billed Duration: 2 ms ", 45)}
	buf := make([]byte, 0, 8192)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = results.AppendSample(buf[:0], &s); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}
