package k6_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	k6 "github.com/thaw-dev/thaw/ingest/k6"
	"github.com/thaw-dev/thaw/results"
)

// readAll ingests src and returns the requests in order.
func readAll(t *testing.T, src []byte, o k6.Options) ([]k6.Request, k6.Stats) {
	t.Helper()
	var out []k6.Request
	st, err := k6.Read(bytes.NewReader(src), "in", o, func(r *k6.Request) error {
		out = append(out, *r)
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return out, st
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFixtures reads the same six requests written by k6's JSON and CSV outputs, plain
// and gzipped, and checks every sample against what the fixture encodes.
func TestFixtures(t *testing.T) {
	jsonSrc, csvSrc := mustRead(t, "testdata/run.json"), mustRead(t, "testdata/run.csv")
	for _, tc := range []struct {
		name, format string
		src          []byte
	}{
		{"json", k6.FormatJSON, jsonSrc},
		{"json.gz", k6.FormatJSON, gz(t, jsonSrc)},
		{"csv", k6.FormatCSV, csvSrc},
		{"csv.gz", k6.FormatCSV, gz(t, csvSrc)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs, st := readAll(t, tc.src, k6.Options{Strict: true})
			if st.Format != tc.format || st.Requests != 6 || st.Judged != 3 || st.Skipped != 0 {
				t.Fatalf("stats %+v, want format %s, 6 requests, 3 judged, 0 skipped", st, tc.format)
			}
			checkFixture(t, reqs)
		})
	}
}

func checkFixture(t *testing.T, reqs []k6.Request) {
	t.Helper()
	type want struct {
		rid, phase, workload string
		status               int
		err                  string
		class                results.Class
		decidedBy, instance  string
		initMS, latencyMS    float64
	}
	wants := []want{
		{"r1", "idle_sweep", "idle", 200, "", results.Cold, "k6", "i-1", 250, 3.5 + 0.05 + 260 + 0.1},
		{"r2", "idle_sweep", "idle", 200, "", results.Warm, "k6", "i-1", 0, 0.01 + 0.04 + 9 + 0.1},
		{"k6-3", "burst", "", 200, "", results.Cold, "k6", "", 0, 2 + 0.05 + 240 + 0.2},
		{"k6-4", "burst", "", 503, results.ErrStatus5xx, results.Unknown, "", "", 0, 0.02 + 0.03 + 5 + 0.1},
		{"k6-5", "burst", "", 0, results.ErrTimeout, results.Unknown, "", "", 0, 0.5 + 0.02 + 30000},
		{"k6-6", "burst", "", 200, "", results.Unknown, "", "", 0, 0.01 + 0.05 + 12 + 0.1},
	}
	if len(reqs) != len(wants) {
		t.Fatalf("%d requests, want %d", len(reqs), len(wants))
	}
	for i, w := range wants {
		s, r := reqs[i].Sample, reqs[i]
		got := want{s.RequestID, s.Phase, r.Workload, s.Status, s.Error, s.Class, s.DecidedBy, s.Instance, s.InitMS, s.LatencyMS}
		if math.Abs(got.latencyMS-w.latencyMS) < 1e-6 {
			got.latencyMS = w.latencyMS
		}
		if got != w {
			t.Errorf("request %d:\n got %+v\nwant %+v", i+1, got, w)
		}
		if s.Seq != int64(i+1) {
			t.Errorf("request %d: seq %d", i+1, s.Seq)
		}
	}
	// Timings of r1: blocked 3.5 contains connecting 1.2; server time is sending+waiting.
	s := reqs[0].Sample
	if !near(s.TTFBMS, 3.5+0.05+260) || !near(s.ConnectMS, 1.2) || !near(s.DNSMS, 2.3) || s.ConnReused {
		t.Errorf("r1 timings: ttfb %v connect %v dns %v reused %v", s.TTFBMS, s.ConnectMS, s.DNSMS, s.ConnReused)
	}
	if !near(s.ServerMS(), 260.05) {
		t.Errorf("r1 server time %v, want sending+waiting 260.05", s.ServerMS())
	}
	if !reqs[1].Sample.ConnReused || reqs[0].Sample.IdleBeforeMS != -1 || math.Abs(reqs[1].Sample.IdleBeforeMS-(61000-9.15)) > 1e-3 {
		t.Errorf("r2: reused %v, idle before r1 %v r2 %v", reqs[1].Sample.ConnReused, reqs[0].Sample.IdleBeforeMS, reqs[1].Sample.IdleBeforeMS)
	}
	// k6 stamps the end: start = end − latency.
	if end := reqs[0].Sample.End(); end.UnixNano()%1e9 != 123 {
		t.Errorf("r1 ends at %v, want the point's time (…000000123)", end)
	}
	// Credentials and queries never reach a sample.
	b, _ := json.Marshal(reqs)
	if bytes.Contains(b, []byte("secret")) || bytes.Contains(b, []byte("token")) {
		t.Errorf("secret in output: %s", b)
	}
	if reqs[4].URL != "https://127.0.0.1:8443/fn" || reqs[4].Sample.ErrorDetail != "request timeout" {
		t.Errorf("timeout request: url %q detail %q", reqs[4].URL, reqs[4].Sample.ErrorDetail)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// TestMalformed: bad lines are reported with their number and skipped, or stop the
// read with Strict.
func TestMalformed(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, "testdata/run.json"))), "\n")
	for _, tc := range []struct {
		name    string
		lineNo  int // 1-based line to replace
		bad     string
		wantErr string
	}{
		{"not json", 3, `{"metric":"vus",`, "not a k6 JSON line: unexpected end of JSON input"},
		{"bad time", 7, `{"metric":"http_reqs","type":"Point","data":{"time":"yesterday","value":1,"tags":null}}`, `field "data.time"`},
		{"no value", 7, `{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-30T11:00:00Z","tags":null}}`, `field "data.value": missing`},
		{"bad type", 7, `{"metric":"http_reqs","type":"Sample","data":{}}`, `field "type"`},
		{"tags not strings", 7, `{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-30T11:00:00Z","value":1,"tags":{"status":200}}}`, `field "data.tags"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mod := append([]string(nil), lines...)
			mod[tc.lineNo-1] = tc.bad
			src := []byte(strings.Join(mod, "\n"))
			var warned []*k6.LineError
			_, st := readAll(t, src, k6.Options{Warn: func(e *k6.LineError) { warned = append(warned, e) }})
			if len(warned) == 0 || warned[0].Line != int64(tc.lineNo) || !strings.Contains(warned[0].Error(), tc.wantErr) {
				t.Fatalf("warnings %v, want line %d with %q", warned, tc.lineNo, tc.wantErr)
			}
			if st.Skipped == 0 {
				t.Errorf("skipped = 0")
			}
			_, err := k6.Read(bytes.NewReader(src), "in", k6.Options{Strict: true}, func(*k6.Request) error { return nil })
			var le *k6.LineError
			if !errors.As(err, &le) || le.Line != int64(tc.lineNo) || !strings.HasPrefix(err.Error(), "in:") {
				t.Fatalf("strict: err %v, want a LineError at in:%d", err, tc.lineNo)
			}
		})
	}
}
