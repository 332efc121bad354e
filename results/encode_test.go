package results_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// randomSample fills every field, leaving some at their zero value.
func randomSample(r *rand.Rand) results.Sample {
	f := func() float64 {
		switch r.IntN(4) {
		case 0:
			return 0
		case 1:
			return math.Round(r.Float64()*1e6) / 1000
		case 2:
			return r.Float64() * 1e-8 // exponent form
		}
		return r.NormFloat64() * 1e4
	}
	str := func() string {
		alphabet := []string{"", "a", "\"", "\\", "\n", "\t", "\x01", "é", "\u2028", "\xff", "<>&", "日本"}
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, r.IntN(1e9), time.UTC)
	s := results.Sample{Seq: r.Int64N(1e9), RequestID: str(), Phase: str(), Scheduled: at, Start: at.Add(time.Duration(r.IntN(1e6))),
		LatencyMS: f(), IntendedLatencyMS: f(), TTFBMS: f(), DNSMS: f(), ConnectMS: f(), TLSMS: f(), ConnReused: r.IntN(2) == 0,
		IdleBeforeMS: f(), InFlight: r.IntN(3), Status: []int{0, 200, 503}[r.IntN(3)], Error: str(), ErrorDetail: str(), Retries: r.IntN(3),
		Class: results.Class(str()), Kind: str(), DecidedBy: str(), Confidence: f(), Instance: str(), InitMS: f(),
		BilledMS: f(), MaxMemoryMB: f(), PlatformDurMS: f(), CPUMS: f()}
	if r.IntN(3) > 0 {
		s.Evidence = &results.Evidence{Body: str(), Log: str()}
		if r.IntN(2) == 0 {
			s.Evidence.Headers = map[string]string{"X-B": str(), "X-A": str()}
			s.Evidence.Reasons = map[string]string{"marker": str(), "latency": str()}
		}
	}
	if r.IntN(5) == 0 {
		s.Scheduled = time.Time{}
	}
	return s
}

// TestAppendSampleRoundTrip: what AppendSample writes decodes to the same sample as
// encoding/json's own encoding does.
func TestAppendSampleRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		s := randomSample(r)
		line, err := results.AppendSample(nil, &s)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(line) {
			t.Fatalf("sample %d: invalid JSON %q", i, line)
		}
		std, err := json.Marshal(&s)
		if err != nil {
			t.Fatal(err)
		}
		var got, want results.Sample
		if err := json.Unmarshal(line, &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(std, &want); err != nil {
			t.Fatal(err)
		}
		if want.Evidence != nil && want.Evidence.Body == "" && want.Evidence.Log == "" && len(want.Evidence.Headers) == 0 && len(want.Evidence.Reasons) == 0 {
			want.Evidence = nil // an empty evidence is left out
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("sample %d differs after a round trip:\n got %+v\nwant %+v\nline %s", i, got, want, line)
		}
	}
}

func TestAppendSampleOmitsZeroAndRefusesNaN(t *testing.T) {
	line, err := results.AppendSample(nil, &results.Sample{Seq: 3, Class: results.Warm, LatencyMS: 1.5})
	if err != nil || string(line) != `{"seq":3,"latency_ms":1.5,"class":"warm"}` {
		t.Fatalf("got %s, %v", line, err)
	}
	if _, err := results.AppendSample(nil, &results.Sample{LatencyMS: math.NaN()}); err == nil {
		t.Fatal("NaN encoded without an error")
	}
}

func BenchmarkAppendSample(b *testing.B) {
	s := benchSample()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = results.AppendSample(buf[:0], &s)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkJSONMarshalSample(b *testing.B) {
	s := benchSample()
	b.ReportAllocs()
	var n int
	for b.Loop() {
		out, _ := json.Marshal(&s)
		n = len(out)
	}
	b.SetBytes(int64(n))
}

func benchSample() results.Sample {
	at := time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC)
	return results.Sample{Seq: 123456, RequestID: "a1b2c3d4-000123", Phase: "steady", Scheduled: at, Start: at,
		LatencyMS: 1.234, IntendedLatencyMS: 1.3, TTFBMS: 1.1, ConnReused: true, IdleBeforeMS: 12.5, InFlight: 3,
		Status: 200, Class: results.Warm, Kind: results.KindWarm, DecidedBy: "marker", Confidence: 1, Instance: "i-7",
		Evidence: &results.Evidence{Headers: map[string]string{"X-Thaw-Instance": "i-7", "X-Thaw-Cold": "false"},
			Body: `{"ok":true}`, Reasons: map[string]string{"marker": "cold flag false in header X-Thaw-Cold"}}}
}

func BenchmarkDecodeSample(b *testing.B) {
	s := benchSample()
	line, _ := results.AppendSample(nil, &s)
	var data []byte
	for range 1000 {
		data = append(append(data, line...), '\n')
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_ = results.DecodeSamples(strings.NewReader(string(data)), "bench", func(*results.Sample) error { return nil })
	}
}

// TestAppendSampleTimes: times are written as time.RFC3339Nano writes them, whatever
// the zone, the fraction or the order they come in (the encoder caches the text of
// the last second).
func TestAppendSampleTimes(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	base := time.Date(2026, 3, 29, 0, 59, 59, 0, time.UTC) // an hour before Paris moves to summer time
	var times []time.Time
	for _, loc := range []*time.Location{time.UTC, time.Local, paris, time.FixedZone("", -(9*3600 + 30*60))} {
		for _, d := range []time.Duration{0, 1, 10, 999_999_999, 120_000_000, time.Second, time.Hour, time.Hour + 1, -time.Second + 5} {
			times = append(times, base.Add(d).In(loc))
		}
	}
	times = append(times, time.Date(12000, 1, 1, 0, 0, 0, 5, time.UTC), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC))
	for round := range 2 { // in order, then with every cached second stale
		for i, at := range times {
			line, err := results.AppendSample(nil, &results.Sample{Start: at})
			if err != nil {
				t.Fatal(err)
			}
			want := `{"start":"` + at.Format(time.RFC3339Nano) + `"}`
			if string(line) != want {
				t.Fatalf("round %d, time %d: %s, want %s", round, i, line, want)
			}
		}
		slices.Reverse(times)
	}
}

// TestAppendSampleNumbers: numbers are written as encoding/json writes them (the
// shortest form that reads back the same), including the microsecond values written
// by the fast path and those near its edges.
func TestAppendSampleNumbers(t *testing.T) {
	vals := []float64{0.001, -0.001, 0.0015, 1, -1, 1.5, 12.25, 0.994, 2.514, 999999999.999, 1e9, 0.0009999,
		0.1 + 0.2, 1.0000001, 123456.789, 3600000, 86400000.001, 1.000001, 4.9999999}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		us := rng.Int64N(1e12) - 1e9
		vals = append(vals, float64(us)/1000, float64(us)/1e6, rng.Float64()*1000)
	}
	for p := -10; p <= 29; p++ { // powers of two: a smaller ulp below them
		vals = append(vals, math.Ldexp(1, p))
	}
	for _, v := range slices.Clone(vals) { // a microsecond value's neighbours are not one
		vals = append(vals, math.Nextafter(v, math.Inf(1)), math.Nextafter(v, math.Inf(-1)))
	}
	for _, v := range vals {
		line, err := results.AppendSample(nil, &results.Sample{LatencyMS: v})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(v)
		if got := string(line); got != `{"latency_ms":`+string(want)+`}` {
			t.Fatalf("%v: %s, want latency_ms %s", v, got, want)
		}
	}
}

// TestWriterReusesSharedEvidence: a Writer reuses the text of evidence whose header
// map it has just written (invokers share the map while responses repeat it), and
// every line is still exactly what AppendSample writes for the sample alone, as the
// evidence changes around it: another map, another body, a log, reasons.
func TestWriterReusesSharedEvidence(t *testing.T) {
	shared := map[string]string{"Server-Timing": "app;dur=0.000", "X-Thaw-Instance": "i-1"}
	equal := map[string]string{"Server-Timing": "app;dur=0.000", "X-Thaw-Instance": "i-1"}
	other := map[string]string{"X-Thaw-Instance": "i-2"}
	evs := []*results.Evidence{
		{Headers: shared, Body: "ok"},
		{Headers: shared, Body: "ok"},
		{Headers: shared, Body: "no"},
		{Headers: shared, Body: "no", Log: "REPORT"},
		{Headers: shared, Body: "no", Log: "REPORT", Reasons: map[string]string{"marker": "cold"}},
		{Headers: shared, Body: "no", Log: "REPORT"},
		{Headers: equal, Body: "no", Log: "REPORT"},
		{Headers: other, Body: "no", Log: "REPORT"},
		{Body: "no"},
		{Headers: shared, Body: "ok"},
	}
	var ss []*results.Sample
	var want []string
	for i, ev := range evs {
		s := &results.Sample{Seq: int64(i + 1), Phase: "p", Status: 200, Class: results.Unknown, Evidence: ev}
		if i < 2 {
			s = &results.Sample{Evidence: ev} // the evidence is the line's first member
		}
		line, err := results.AppendSample(nil, s)
		if err != nil {
			t.Fatal(err)
		}
		ss, want = append(ss, s), append(want, string(line))
	}
	if got := writeLines(t, ss); !slices.Equal(got, want) {
		t.Errorf("lines differ from AppendSample's:\n got %q\nwant %q", got, want)
	}
}

func TestSameMap(t *testing.T) {
	m := map[string]string{"a": "1"}
	for _, tc := range []struct {
		name string
		a, b map[string]string
		want bool
	}{
		{"one map", m, m, true},
		{"equal maps", m, map[string]string{"a": "1"}, false},
		{"both nil", nil, nil, true},
		{"nil and empty", nil, map[string]string{}, false},
	} {
		if got := results.SameMap(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: SameMap = %v, want %v", tc.name, got, tc.want)
		}
	}
}
