package results_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/results"
)

// decodeAll decodes text with DecodeSamples and checks every sample against
// encoding/json's decoding of its line alone.
func decodeAll(t *testing.T, text string) []*results.Sample {
	t.Helper()
	var got []*results.Sample
	if err := results.DecodeSamples(strings.NewReader(text), "samples.ndjson", func(s *results.Sample) error {
		got = append(got, s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("%d samples, want %d", len(got), len(lines))
	}
	for i, l := range lines {
		var want results.Sample
		if err := json.Unmarshal([]byte(l), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got[i], want) {
			t.Errorf("line %d: decoded\n%+v\nwant\n%+v", i+1, *got[i], want)
		}
	}
	return got
}

// TestDecodeSamplesAsWholeLines: lines a cut at the evidence member could misread
// (nested keys named evidence, the member's text inside a string, members after the
// evidence, braces in strings, duplicate or null evidence) decode as encoding/json
// decodes each line alone, after a line that primes the decoder with the same text.
func TestDecodeSamplesAsWholeLines(t *testing.T) {
	const ev = `{"headers":{"Y":"1"}}`
	prime := `{"seq":0,"status":200,"evidence":` + ev + `}` + "\n"
	for _, line := range []string{
		`{"seq":1,"status":200,"evidence":` + ev + `}`,
		`{"seq":2,"x":{"a":1,"evidence":` + ev + `}}`,
		`{"seq":3,"x":{"a":1,"evidence":` + ev + `},"evidence":{"headers":{"Y":"2"}}}`,
		`{"seq":4,"evidence":{"headers":{"Y":"2"}},"x":{"a":1,"evidence":` + ev + `}}`,
		`{"seq":5,"error_detail":"a,\"evidence\":{}","evidence":` + ev + `}`,
		`{"seq":6,"error_detail":"got {","evidence":` + ev + `}`,
		`{"seq":7,"status":200,"evidence":` + ev + `,"cpu_ms":1.5}`,
		`{"seq":8,"evidence":null,"status":200,"evidence":` + ev + `}`,
		`{"seq":9,"evidence":{"headers":{"Y":"2"}},"status":200,"evidence":` + ev + `}`,
		`{"seq":10,"status":200,"evidence":{"headers":{"Y":"1"},"reasons":{"marker":"x"}}}`,
		`{"seq":11,"status":200,"evidence":{"headers":{"Y":"1"},"x":{"evidence":` + ev + `}}}`,
		`{"seq":12,"status":200}`,
	} {
		decodeAll(t, prime+prime+line+"\n")
	}
}

// TestDecodeSamplesSharesRepeatedEvidence: lines whose evidence repeats the line
// before's share its headers map, each with an Evidence of its own; evidence with
// reasons is never shared (the chain writes them); after a change, sharing resumes.
func TestDecodeSamplesSharesRepeatedEvidence(t *testing.T) {
	block := func(seq int, ev string) string {
		var b strings.Builder
		for i := range 40 {
			fmt.Fprintf(&b, `{"seq":%d,"phase":"w","latency_ms":%d.5,"status":200,"class":"unknown","evidence":%s}`+"\n", seq+i, i, ev)
		}
		return b.String()
	}
	a := `{"headers":{"Server-Timing":"app;dur=0.1"},"body":"ok"}`
	b := `{"headers":{"Server-Timing":"app;dur=0.2"},"body":"ok"}`
	r := `{"headers":{"X-Thaw-Cold":"true"},"reasons":{"marker":"X-Thaw-Cold = true"}}`
	got := decodeAll(t, block(1, a)+block(41, b)+block(81, r)+block(121, a))
	shared := func(from, to int) (n int) {
		for i := from; i < to; i++ {
			if results.SameMap(got[i].Evidence.Headers, got[i-1].Evidence.Headers) {
				n++
				if got[i].Evidence == got[i-1].Evidence {
					t.Fatalf("line %d: the Evidence itself is shared (its reasons and log are per sample)", i+1)
				}
			}
		}
		return n
	}
	for _, tc := range []struct {
		name          string
		from, to, min int
		max           int
	}{
		{"first block, after its first line", 1, 40, 39, 39},
		{"a new header value", 40, 41, 0, 0},
		{"the new value's block, its second half", 60, 80, 20, 20},
		{"reasons", 80, 120, 0, 0},
		{"back to the first value, second half", 140, 160, 20, 20},
	} {
		if n := shared(tc.from, tc.to); n < tc.min || n > tc.max {
			t.Errorf("%s: %d lines share the line before's headers, want %d to %d", tc.name, n, tc.min, tc.max)
		}
	}
	got[90].Evidence.Reasons["latency"] = "written by a judge"
	if _, ok := got[89].Evidence.Reasons["latency"]; ok {
		t.Error("a reason written to one sample appears on another")
	}
}

// TestDecodeSamplesErrorsAsBefore: a malformed line is an error naming the file and
// line whatever the evidence, and a cut last line is ignored.
func TestDecodeSamplesErrorsAsBefore(t *testing.T) {
	ev := `,"evidence":{"headers":{"A":"1"}}}`
	for _, tc := range []struct {
		text, wantErr string
	}{
		{`{"seq":1` + ev + "\n" + `{"seq":"two"` + ev + "\n", "samples.ndjson:2:"},
		{`{"seq":1` + ev + "\n" + `{"seq":2,"status":200` + ev + "\n" + `{"seq":3,"status":"x"` + ev + "\n", "samples.ndjson:3:"},
		{`{"seq":1` + ev + "\n" + `{"seq":2,` + ev + "\n", "samples.ndjson:2:"},
		{`{"seq":1` + ev + "\n" + `{"seq":2,"evidence":{"headers":{"A":"1"`, ""},
	} {
		n := 0
		err := results.DecodeSamples(strings.NewReader(tc.text), "samples.ndjson", func(*results.Sample) error { n++; return nil })
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v, want the cut last line ignored", tc.text, err)
		case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one starting %q", tc.text, err, tc.wantErr)
		}
	}
}

// BenchmarkDecodeSamplesRepeatedEvidence reads a closed-model run's lines, whose
// evidence repeats (a loopback server's Server-Timing header and body): the headers
// map is decoded once and shared.
func BenchmarkDecodeSamplesRepeatedEvidence(b *testing.B) {
	const line = `{"seq":1003,"request_id":"48898a15-001003","phase":"w","scheduled":"2026-12-02T07:40:25.74522703Z",` +
		`"start":"2026-12-02T07:40:25.74522718Z","latency_ms":1.699,"intended_latency_ms":1.699,"ttfb_ms":1.698,` +
		`"conn_reused":true,"idle_before_ms":0.004,"in_flight":50,"status":200,"class":"unknown",` +
		`"evidence":{"headers":{"Server-Timing":"app;dur=0.000"},"body":"ok"}}` + "\n"
	data := strings.Repeat(line, 1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_ = results.DecodeSamples(strings.NewReader(data), "bench", func(*results.Sample) error { return nil })
	}
}
