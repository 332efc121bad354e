package results_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/results"
)

// TestDecodeSamplesSharesRepeatedEvidence reads lines through DecodeSamples and checks
// each sample against encoding/json's decoding of its line alone, and which samples
// share their evidence's headers map: lines whose evidence text repeats the line
// before's share it, and nothing else does (reasons are never shared, since the chain
// writes them). Lines a split at the evidence key would misread are decoded whole.
func TestDecodeSamplesSharesRepeatedEvidence(t *testing.T) {
	const ev = `{"headers":{"Server-Timing":"app;dur=0.1"},"body":"ok"}`
	lines := []struct {
		line   string
		shares bool // its headers map is the line before's
	}{
		{`{"seq":1,"phase":"w","status":200,"class":"unknown","evidence":` + ev + `}`, false},
		{`{"seq":2,"phase":"w","status":200,"class":"unknown","evidence":` + ev + `}`, true},
		{`{"seq":3,"phase":"w","status":500,"error":"http_5xx","class":"unknown","evidence":` + ev + `}`, true},
		{`{"seq":4,"phase":"w","status":200,"class":"warm","evidence":{"headers":{"Server-Timing":"app;dur=0.2"},"body":"ok"}}`, false},
		{`{"seq":5,"phase":"w","status":200,"class":"unknown","evidence":` + ev + `}`, false},
		{`{"seq":6,"phase":"w","status":200,"class":"unknown","evidence":` + ev + `}`, true},
		// reasons: decoded, never shared
		{`{"seq":7,"status":200,"class":"cold","evidence":{"headers":{"X-Thaw-Cold":"true"},"reasons":{"marker":"X-Thaw-Cold = true"}}}`, false},
		{`{"seq":8,"status":200,"class":"cold","evidence":{"headers":{"X-Thaw-Cold":"true"},"reasons":{"marker":"X-Thaw-Cold = true"}}}`, false},
		// a key named evidence inside the evidence, and the text of the member in a string
		{`{"seq":9,"status":200,"evidence":{"headers":{"X":"1"},"reasons":{"x":"a,\"evidence\":{}"},"log":"q"}}`, false},
		{`{"seq":10,"status":200,"evidence":{"headers":{"Y":"1"},"x":{"a":1,"evidence":{"headers":{"Z":"2"}}}}}`, false},
		{`{"seq":11,"status":200,"evidence":{"headers":{"Y":"1"},"x":{"a":1,"evidence":{"headers":{"Z":"2"}}}}}`, true},
		{`{"seq":11,"x":{"a":1,"evidence":{"headers":{"Y":"1"}}},"evidence":{"headers":{"Y":"1"},"x":{"a":1,"evidence":{"headers":{"Z":"2"}}}}}`, false}, // decoded whole
		// evidence not last, evidence null, and a line with none
		{`{"seq":12,"evidence":{"headers":{"Y":"1"},"x":{"a":1,"evidence":{"headers":{"Z":"2"}}}},"status":204}`, false},
		{`{"seq":13,"status":200,"evidence":null}`, false},
		{`{"seq":14,"status":200,"evidence":` + ev + `}`, false},
		{`{"seq":15,"status":200}`, false},
		{`{"seq":16,"status":200,"evidence":` + ev + `}`, false},
	}
	var text strings.Builder
	for _, l := range lines {
		text.WriteString(l.line + "\n")
	}
	var got []*results.Sample
	if err := results.DecodeSamples(strings.NewReader(text.String()), "samples.ndjson", func(s *results.Sample) error {
		got = append(got, s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(lines) {
		t.Fatalf("%d samples, want %d", len(got), len(lines))
	}
	for i, l := range lines {
		var want results.Sample
		if err := json.Unmarshal([]byte(l.line), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got[i], want) {
			t.Errorf("line %d: decoded\n%+v\nwant\n%+v", i+1, *got[i], want)
			continue
		}
		shared := i > 0 && got[i].Evidence != nil && got[i-1].Evidence != nil &&
			results.SameMap(got[i].Evidence.Headers, got[i-1].Evidence.Headers)
		if shared != l.shares {
			t.Errorf("line %d: headers shared with the line before: %v, want %v", i+1, shared, l.shares)
		}
		if shared && got[i].Evidence == got[i-1].Evidence {
			t.Errorf("line %d: the Evidence itself is shared (its reasons and log are per sample)", i+1)
		}
	}
	got[7].Evidence.Reasons["latency"] = "written by a judge"
	if _, ok := got[6].Evidence.Reasons["latency"]; ok {
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
