package results_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

func TestHistogramPercentilesAndClamping(t *testing.T) {
	h := results.NewHistogram()
	for i := 1; i <= 1000; i++ {
		h.RecordMS(float64(i)) // 1..1000 ms
	}
	p := h.Percentiles()
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p50", p.P50, 500}, {"p90", p.P90, 900}, {"p99", p.P99, 990}, {"max", p.Max, 1000}, {"min", p.Min, 1}, {"mean", p.Mean, 500.5}} {
		if math.Abs(c.got-c.want)/c.want > 0.001 {
			t.Errorf("%s = %v, want %v within 0.1%%", c.name, c.got, c.want)
		}
	}
	h.RecordMS(-5)           // clamps to 1 µs
	h.RecordMS(5 * 3600_000) // 5 h clamps to 1 h and counts as overflow
	if h.Count() != 1002 || h.Overflow() != 1 {
		t.Fatalf("count %d overflow %d", h.Count(), h.Overflow())
	}
	if h.MaxMS() < 3599_000 || h.MaxMS() > 3601_000 {
		t.Fatalf("max %v, want about 1 h", h.MaxMS())
	}
	if results.NewHistogram().QuantileMS(0.5) != 0 {
		t.Fatal("empty histogram percentile not 0")
	}
}

func TestHistogramEncodeDecodeMerge(t *testing.T) {
	a, b := results.NewHistogram(), results.NewHistogram()
	for i := 0; i < 500; i++ {
		a.RecordMS(10)
		b.RecordMS(1000)
	}
	enc, err := a.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := results.DecodeHistogram(enc)
	if err != nil {
		t.Fatal(err)
	}
	if d.Count() != 500 || d.Percentiles() != a.Percentiles() {
		t.Fatalf("round trip changed the histogram: %+v vs %+v", d.Percentiles(), a.Percentiles())
	}
	if err := d.Merge(b); err != nil {
		t.Fatal(err)
	}
	if d.Count() != 1000 || d.QuantileMS(0.25) > 10.01 || d.QuantileMS(0.75) < 999 {
		t.Fatalf("merged: count %d p25 %v p75 %v", d.Count(), d.QuantileMS(0.25), d.QuantileMS(0.75))
	}
	if _, err := results.DecodeHistogram("not base64!"); err == nil {
		t.Fatal("garbage decoded without error")
	}
}

func sample(seq int64, phase string, class results.Class, latency float64, errKind string, status int) *results.Sample {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Second)
	return &results.Sample{Seq: seq, Phase: phase, Start: start, Scheduled: start, LatencyMS: latency, TTFBMS: latency,
		Class: class, Error: errKind, Status: status}
}

func TestAggregatorSummary(t *testing.T) {
	a := results.NewAggregator()
	a.SetPhaseInfo("idle", results.PhaseInfo{Workload: "idle"})
	a.Add(sample(1, "idle", results.Cold, 300, "", 200))
	a.Add(sample(2, "idle", results.Warm, 10, "", 200))
	a.Add(sample(3, "idle", results.Warm, 12, "", 200))
	a.Add(sample(4, "rate", results.Unknown, 20, results.ErrThrottled, 429))
	a.Add(sample(5, "rate", "", 0, results.ErrRefused, 0)) // no response: counted, not timed
	phases, totals, err := a.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if len(phases) != 2 || phases[0].Name != "idle" || phases[1].Name != "rate" {
		t.Fatalf("phases %+v", phases)
	}
	idle, rate := phases[0], phases[1]
	if idle.Count != 3 || idle.Cold != 1 || idle.Warm != 2 || idle.Errors != 0 || idle.Workload != "idle" {
		t.Fatalf("idle phase %+v", idle)
	}
	// Sends at 1 s, 2 s and 3 s: two gaps of one second.
	if math.Abs(idle.RateAchieved-1) > 1e-9 {
		t.Fatalf("idle rate %v, want exactly 1/s", idle.RateAchieved)
	}
	if idle.ColdLatency.Count != 1 || idle.WarmLatency.Count != 2 || idle.ColdLatency.P50 < 299 {
		t.Fatalf("idle cold/warm latency %+v %+v", idle.ColdLatency, idle.WarmLatency)
	}
	if rate.Count != 2 || rate.Errors != 2 || rate.ErrorsByKind[results.ErrThrottled] != 1 || rate.ErrorsByKind[results.ErrRefused] != 1 || rate.Unknown != 2 {
		t.Fatalf("rate phase %+v", rate)
	}
	if rate.Latency.Count != 1 {
		t.Fatalf("a refused request was timed: %+v", rate.Latency)
	}
	if totals.Count != 5 || totals.Cold != 1 || totals.Warm != 2 || totals.Errors != 2 || totals.Latency.Count != 4 {
		t.Fatalf("totals %+v", totals)
	}
	if totals.Latency.Max < 299 {
		t.Fatalf("totals max %v", totals.Latency.Max)
	}
	h, err := results.DecodeHistogram(totals.Histograms[results.HistAll])
	if err != nil || h.Count() != 4 {
		t.Fatalf("totals histogram: %v count %d", err, h.Count())
	}
}

func TestWriterStreamsAndReaderToleratesTruncation(t *testing.T) {
	dir := t.TempDir()
	w, err := results.CreateWriter(dir, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 3; i++ {
		if err := w.Write(sample(i, "p", results.Warm, 1, "", 200)); err != nil {
			t.Fatal(err)
		}
	}
	// Flushed by the timer before Close: a reader sees the samples while the run goes
	// on, and samples written after a quiet spell are flushed too.
	waitLines := func(n int) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Second)
		for {
			b, _ := os.ReadFile(filepath.Join(dir, results.SamplesFile))
			if bytes.Count(b, []byte("\n")) == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("samples not flushed within 2 s: %q", b)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitLines(3)
	time.Sleep(50 * time.Millisecond)
	if err := w.Write(sample(4, "p", results.Warm, 1, "", 200)); err != nil {
		t.Fatal(err)
	}
	waitLines(4)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, results.SamplesFile)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`{"seq":5,"phase":"p","lat`) // a run killed mid-line
	_ = f.Close()
	got, err := results.LoadSamples(dir)
	if err != nil || len(got) != 4 || got[3].Seq != 4 {
		t.Fatalf("LoadSamples: %v, %d samples", err, len(got))
	}
}

func TestDecodeSamplesNamesBadLine(t *testing.T) {
	in := "{\"seq\":1}\n{broken\n{\"seq\":3}\n"
	err := results.DecodeSamples(strings.NewReader(in), "s.ndjson", func(*results.Sample) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "s.ndjson:2:") {
		t.Fatalf("err = %v, want one naming s.ndjson:2", err)
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a := results.NewAggregator()
	a.Add(sample(1, "p", results.Cold, 100, "", 200))
	phases, totals, err := a.Summary()
	if err != nil {
		t.Fatal(err)
	}
	in := &results.Summary{Scenario: "s", Phases: phases, Totals: totals, KeepAlive: &results.KeepAlive{EstimateMS: 5}}
	if err := results.WriteSummary(dir, in); err != nil {
		t.Fatal(err)
	}
	out, err := results.ReadSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	a1, _ := json.Marshal(in)
	a2, _ := json.Marshal(out)
	if !bytes.Equal(a1, a2) || out.Version != results.SummaryVersion {
		t.Fatalf("summary changed in a round trip:\n%s\n%s", a1, a2)
	}
}

func FuzzDecodeSamples(f *testing.F) {
	f.Add([]byte("{\"seq\":1,\"latency_ms\":2.5}\n"))
	f.Add([]byte("{\"seq\":1}\n{\"seq\""))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		lines := bytes.Count(data, []byte("\n")) + 1
		tail, err := results.DecodeSamplesTail(bytes.NewReader(data), "fuzz", func(*results.Sample) error { n++; return nil })
		if n > lines || tail.Samples != int64(n) {
			t.Fatalf("%d samples (tail says %d) from %d lines", n, tail.Samples, lines)
		}
		if tail.Truncated && (err != nil || tail.Line != lines) {
			t.Fatalf("truncated tail %+v on a file of %d lines (err %v)", tail, lines, err)
		}
	})
}

func FuzzDecodeHistogram(f *testing.F) {
	h := results.NewHistogram()
	h.RecordMS(12.5)
	enc, _ := h.Encode()
	f.Add(enc)
	f.Add("")
	f.Add("HISTFAAAAB")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := results.DecodeHistogram(s)
		if err == nil && d.Count() < 0 {
			t.Fatal("negative count")
		}
	})
}

func TestDecodeSamplesTail(t *testing.T) {
	whole := "{\"seq\":1}\n{\"seq\":2}\n"
	tests := []struct {
		name    string
		data    string
		want    results.Tail
		wantErr string
	}{
		{"clean", whole, results.Tail{Samples: 2}, ""},
		{"no final newline", whole + "{\"seq\":3}", results.Tail{Samples: 3}, ""},
		{"cut short", whole + "{\"seq\":3,\"phase\":\"st", results.Tail{Truncated: true, Line: 3, Bytes: 20, Samples: 2}, ""},
		{"corrupt in the middle", "{\"seq\":1}\n{bad\n{\"seq\":3}\n", results.Tail{Samples: 1}, "x.ndjson:2:"},
		{"line too long", "{\"seq\":1}\n\"" + strings.Repeat("a", results.MaxSampleLineBytes) + "\"\n", results.Tail{Samples: 1}, "x.ndjson:2: line longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tail, err := results.DecodeSamplesTail(strings.NewReader(tc.data), "x.ndjson", func(*results.Sample) error { return nil })
			if tail != tc.want || (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("tail %+v err %v; want %+v %q", tail, err, tc.want, tc.wantErr)
			}
			if tc.want.Truncated && !strings.Contains(tail.String(), "cut short") {
				t.Errorf("tail text %q", tail.String())
			}
		})
	}
}

// TestWriterFlushesWithinASecond: a sample is readable from the file within the flush
// interval of being written, without Close; the reserve is held while the Writer is
// open and given back by Close.
func TestWriterFlushesWithinASecond(t *testing.T) {
	dir := t.TempDir()
	w, err := results.CreateWriter(dir, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, results.ReserveFile)); err != nil || fi.Size() != results.ReserveBytes {
		t.Errorf("reserve while open: %v", err)
	} else if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Blocks*512 < results.ReserveBytes {
		t.Errorf("reserve holds %d bytes of blocks, want %d: a sparse file reserves nothing", st.Blocks*512, results.ReserveBytes)
	}
	if err := w.Write(&results.Sample{Seq: 1, Phase: "p"}); err != nil {
		t.Fatal(err)
	}
	written := time.Now()
	for {
		n, _ := results.LoadSamples(dir)
		if len(n) == 1 {
			break
		}
		if time.Since(written) > 5*time.Second { // generous: the machine may be loaded
			t.Fatal("sample not on disk 5 s after it was written (flush every 200 ms)")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, results.ReserveFile)); !os.IsNotExist(err) {
		t.Errorf("reserve left after Close: %v", err)
	}
}

// TestAggregatorClone: a clone summarises to the same summary, byte for byte, and
// stays as it was while the original goes on.
func TestAggregatorClone(t *testing.T) {
	a := results.NewAggregator()
	a.SetPhaseInfo("idle", results.PhaseInfo{Workload: "idle"})
	for i := int64(1); i <= 200; i++ {
		a.Add(sample(i, "idle", results.Warm, float64(i%37)+0.5, "", 200))
	}
	a.Add(sample(201, "rate", results.Cold, 2e7, results.ErrTimeout, 0)) // overflow of the 1 h range
	c := a.Clone()
	want, _ := json.Marshal(summaryOf(t, a))
	got, _ := json.Marshal(summaryOf(t, c))
	if !bytes.Equal(got, want) {
		t.Fatalf("clone summarises differently:\n%s\n%s", got, want)
	}
	a.Add(sample(202, "idle", results.Cold, 900, "", 200))
	if again, _ := json.Marshal(summaryOf(t, c)); !bytes.Equal(again, want) {
		t.Fatal("the clone changed when the original was fed")
	}
	fed, _ := json.Marshal(summaryOf(t, a))
	c.Add(sample(203, "idle", results.Warm, 3, "", 200))
	if again, _ := json.Marshal(summaryOf(t, a)); !bytes.Equal(again, fed) {
		t.Fatal("the original changed when the clone was fed")
	}
}

func summaryOf(t *testing.T, a *results.Aggregator) []results.PhaseSummary {
	t.Helper()
	phases, totals, err := a.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return append(phases, totals)
}

// TestAggregatorPhases: Phases is the bookkeeping of Summary's phases (what WriteRun's
// meta carries), whether the engine reported a phase (open model: send lag kept) or
// only its samples did (span from the samples), in the order they were first seen.
func TestAggregatorPhases(t *testing.T) {
	at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	a := results.NewAggregator()
	a.SetPhaseInfo("open", results.PhaseInfo{Workload: "rate", Started: at, Ended: at.Add(time.Second),
		Planned: 10, Late: 1, Dropped: 2, RateTarget: 10, OpenModel: true})
	for i := range 3 {
		a.Add(&results.Sample{Seq: int64(i), Phase: "open", Start: at.Add(time.Duration(i) * 100 * time.Millisecond), Status: 200, LatencyMS: 1})
		a.Add(&results.Sample{Seq: int64(10 + i), Phase: "bare", Start: at.Add(time.Duration(i) * time.Second), Status: 200, LatencyMS: 5})
	}
	phases, _, err := a.Summary()
	if err != nil {
		t.Fatal(err)
	}
	got := a.Phases()
	if len(got) != len(phases) {
		t.Fatalf("%d phases, Summary has %d", len(got), len(phases))
	}
	for i := range phases {
		if got[i].Name != phases[i].Name || got[i].Info() != phases[i].Info() {
			t.Errorf("phase %d: %+v, Summary's %+v", i, got[i].Info(), phases[i].Info())
		}
		if got[i].Count != 0 || len(got[i].Histograms) != 0 {
			t.Errorf("phase %s carries figures: count %d, %d histograms", got[i].Name, got[i].Count, len(got[i].Histograms))
		}
	}
	if got[1].Name != "bare" || !got[1].Ended.Equal(at.Add(2*time.Second).Add(5*time.Millisecond)) {
		t.Errorf("bare phase %s ends %s, want the last sample's end", got[1].Name, got[1].Ended)
	}
}
