package results_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// zonedSample is randomSample with its times moved to a random second and zone (the
// encoder caches a second's text per zone), and now and then a number too small for
// the plain decimal form.
func zonedSample(r *rand.Rand) results.Sample {
	zones := []*time.Location{time.UTC, time.FixedZone("", 0), time.FixedZone("X", -(3*3600 + 30*60)),
		time.FixedZone("Y", 5*3600+45*60), time.Local}
	s := randomSample(r)
	base := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(4)) * time.Second)
	loc := zones[r.IntN(len(zones))]
	if !s.Scheduled.IsZero() {
		s.Scheduled = base.Add(time.Duration(s.Scheduled.Nanosecond())).In(loc)
	}
	s.Start = base.Add(time.Duration(s.Start.Nanosecond())).In(zones[r.IntN(len(zones))])
	if r.IntN(4) == 0 {
		s.Start = s.Scheduled // the closed model: sent when scheduled
	}
	if r.IntN(8) == 0 {
		s.TLSMS = 3e-7
	}
	return s
}

// TestAppendSampleMatchesReference: every line AppendSample writes is, byte for
// byte, the reference encoding of the sample.
func TestAppendSampleMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 5000 {
		s := zonedSample(r)
		line, err := results.AppendSample([]byte("prefix"), &s)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(line), "prefix"+refLine(&s); got != want {
			t.Fatalf("sample %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestWriterMatchesReference: a stream through a Writer (buffer filled and written out
// many times, a line longer than the buffer, evidence repeated and changed, times in
// several zones and seconds, a sample that cannot be encoded) is, line for line, the
// reference encoding of each sample written, which is also what AppendSample writes
// for the sample alone.
func TestWriterMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var stream []results.Sample
	run := closedRun(8000) // about 2.8 MiB: the buffer is written out twice before Close
	for i := range run {
		stream = append(stream, run[i])
		if i%97 == 0 {
			stream = append(stream, zonedSample(r))
		}
		if i == 4000 {
			long := zonedSample(r)
			long.Evidence = &results.Evidence{Log: strings.Repeat("REPORT Duration: 1.5 ms\n", 8000)}
			stream = append(stream, long)
		}
	}
	dir := t.TempDir()
	w, err := results.CreateWriter(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range stream {
		if i == 700 {
			bad := stream[i]
			bad.ConnectMS = math.Inf(1)
			if err := w.Write(&bad); err == nil {
				t.Fatal("an infinite duration was written without an error")
			}
		}
		line, err := results.AppendSample(nil, &stream[i])
		if err != nil {
			t.Fatal(err)
		}
		if ref := refLine(&stream[i]); string(line) != ref {
			t.Fatalf("sample %d: AppendSample\n got %s\nwant %s", i, line, ref)
		}
		want = append(want, string(line))
		if err := w.Write(&stream[i]); err != nil {
			t.Fatal(err)
		}
	}
	if n := w.Count(); n != int64(len(stream)) {
		t.Errorf("Count = %d, want %d", n, len(stream))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := fileLines(t, dir)
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("line %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
}

// FuzzWriterLine: two samples sharing their evidence's header map (as an invoker
// shares it), written by a Writer, are the lines AppendSample writes for each alone
// and the reference encoding of each.
func FuzzWriterLine(f *testing.F) {
	f.Add(int64(7), "561fcca0-000007", "w", int64(1796197451), int64(810836158), int64(110), 0, 0.614, 1.0, "unknown", "ok", "app;dur=0.000")
	f.Add(int64(-1), "\xff\u2028\"\\", "é\x01", int64(-62135596800), int64(0), int64(-1), -34200, -1.0, 0.8333333333, "", "", "")
	f.Add(int64(1), "", "", int64(0), int64(0), int64(1e9), 3600, 3e-7, 1e21, "cold", "\x7f", "a\nb")
	f.Fuzz(func(t *testing.T, seq int64, id, phase string, unixSec, nsec, gapNS int64, zoneSec int, ms, conf float64, class, body, hv string) {
		zone := time.FixedZone("Z", zoneSec%(18*3600))
		at := time.Unix(unixSec, nsec).In(zone)
		headers := map[string]string{"Server-Timing": hv, "X-Thaw-Instance": id}
		a := results.Sample{Seq: seq, RequestID: id, Phase: phase, Scheduled: at, Start: at.Add(time.Duration(gapNS)),
			LatencyMS: ms, IntendedLatencyMS: ms * 2, Status: 200, Class: results.Class(class), Confidence: conf,
			Evidence: &results.Evidence{Headers: headers, Body: body}}
		b := a
		b.Seq++
		b.Scheduled, b.Start = a.Start, a.Start.Add(time.Duration(gapNS))
		b.Evidence = &results.Evidence{Headers: headers, Body: body}
		var want []string
		for _, s := range []*results.Sample{&a, &b} {
			line, err := results.AppendSample(nil, s)
			if err != nil {
				if !math.IsNaN(ms) && !math.IsInf(ms, 0) && !math.IsNaN(conf) && !math.IsInf(conf, 0) && !math.IsInf(ms*2, 0) {
					t.Fatalf("finite sample refused: %v", err)
				}
				return
			}
			if ref := refLine(s); string(line) != ref {
				t.Fatalf("AppendSample\n got %s\nwant %s", line, ref)
			}
			want = append(want, string(line))
		}
		if got := writeLines(t, []*results.Sample{&a, &b}); !slices.Equal(got, want) {
			t.Fatalf("Writer wrote\n%q\nwant\n%q", got, want)
		}
	})
}

// TestWriterDiskFull: when the file cannot take more (it is Linux's /dev/full, which
// fails every write with ENOSPC as a full disk does), the Write that fills the buffer
// says so plainly, and every later Write and Close return that error.
func TestWriterDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Fatalf("this test needs Linux's /dev/full: %v", err)
	}
	dir := t.TempDir()
	if err := os.Symlink("/dev/full", filepath.Join(dir, results.SamplesFile)); err != nil {
		t.Fatal(err)
	}
	w, err := results.CreateWriter(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	run := closedRun(8000) // about 2.8 MiB: more than twice the buffer
	var failed error
	var at int
	for i := range run {
		if failed = w.Write(&run[i]); failed != nil {
			at = i
			break
		}
	}
	if failed == nil || !errors.Is(failed, syscall.ENOSPC) || !strings.Contains(failed.Error(), "disk full") {
		t.Fatalf("Write error %v, want a disk-full error", failed)
	}
	if w.Count() != int64(at) {
		t.Errorf("Count %d after the write that failed at sample %d", w.Count(), at)
	}
	if err := w.Write(&run[at+1]); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Write after the failure: %v", err)
	}
	if err := w.Close(); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Close after the failure: %v", err)
	}
}

// fileLines is dir's samples file as lines, without their newlines; the file must end
// with one.
func fileLines(t *testing.T, dir string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, results.SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	text, ok := strings.CutSuffix(string(raw), "\n")
	if !ok {
		t.Fatalf("the samples file does not end with a newline: %q", raw)
	}
	return strings.Split(text, "\n")
}

// writeLines writes ss through a new Writer and returns the samples file's lines.
func writeLines(t *testing.T, ss []*results.Sample) []string {
	t.Helper()
	dir := t.TempDir()
	w, err := results.CreateWriter(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if err := w.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return fileLines(t, dir)
}

// TestAppendSampleStringEdges: a character that needs escaping (or that is outside
// ASCII) is found wherever it stands in a string, on either side of every 8-byte
// boundary (the plain prefix is scanned a word at a time), and written as the
// reference writes it.
func TestAppendSampleStringEdges(t *testing.T) {
	specials := []string{`"`, `\`, "\x00", "\x1f", " ", "\x7f", "!", "#", "[", "]", "é", "\xff", "\u2028", "\u2029", "日"}
	for n := 1; n <= 25; n++ {
		for at := range n {
			for _, sp := range specials {
				id := strings.Repeat("a", at) + sp + strings.Repeat("Z", n-at-1)
				s := results.Sample{RequestID: id}
				line, err := results.AppendSample(nil, &s)
				if err != nil {
					t.Fatal(err)
				}
				if want := refLine(&s); string(line) != want {
					t.Fatalf("%q: %s, want %s", id, line, want)
				}
			}
		}
	}
}

// TestWriterRewriteIsStable: a samples file read back and written again (as merge,
// reclassify and the whole-run pass do) is the same file, byte for byte, whatever
// the zones, numbers and escapes in it (strings valid UTF-8: an invalid byte is
// written as \ufffd and reads back as that character).
func TestWriterRewriteIsStable(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var first []*results.Sample
	for range 2000 {
		s := zonedSample(r)
		for _, f := range []*string{&s.RequestID, &s.Phase, &s.Error, &s.ErrorDetail, &s.Kind, &s.DecidedBy, &s.Instance} {
			*f = strings.ToValidUTF8(*f, "?")
		}
		s.Class = results.Class(strings.ToValidUTF8(string(s.Class), "?"))
		if ev := s.Evidence; ev != nil {
			ev.Body, ev.Log = strings.ToValidUTF8(ev.Body, "?"), strings.ToValidUTF8(ev.Log, "?")
			for k, v := range ev.Headers {
				ev.Headers[k] = strings.ToValidUTF8(v, "?")
			}
			for k, v := range ev.Reasons {
				ev.Reasons[k] = strings.ToValidUTF8(v, "?")
			}
		}
		first = append(first, &s)
	}
	lines := writeLines(t, first)
	var again []*results.Sample
	err := results.DecodeSamples(strings.NewReader(strings.Join(lines, "\n")+"\n"), "first", func(s *results.Sample) error {
		again = append(again, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(first) {
		t.Fatalf("read back %d samples of %d", len(again), len(first))
	}
	for i, line := range writeLines(t, again) {
		if line != lines[i] {
			t.Fatalf("line %d changed when written again:\n was %s\n now %s", i+1, lines[i], line)
		}
	}
}
