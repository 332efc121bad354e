package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// k6Truth is what a generated k6 file holds, counted while writing it.
type k6Truth struct {
	requests, cold, warm, errors int64
	byKind                       map[string]int64
	coldAt                       map[int64]bool // by end time (Unix ns): cold or not
	judged                       map[int64]bool // by end time: has a k6 verdict
}

// writeK6JSON writes a k6 --out json file of n requests from two VUs whose points
// interleave: a third judged by thaw.js (verdict point joined by request id), a third
// tagged faas_class by hand, a third with no verdict; a quarter cold (300 ms slower,
// after a 3 s idle gap); some 503s, timeouts and refused connections. It returns the
// ground truth.
func writeK6JSON(t *testing.T, path string, n int, seed uint64) k6Truth {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	truth := k6Truth{byKind: map[string]int64{}, coldAt: map[int64]bool{}, judged: map[int64]bool{}}
	var buf bytes.Buffer
	metrics := []string{"http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
		"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"}
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	var pending []string // the other VU's points, flushed in between
	var at time.Duration
	for i := 0; i < n; i++ {
		cold := rng.IntN(4) == 0
		at += 37 * time.Millisecond
		if cold {
			at += 3 * time.Second // cold starts follow long idle gaps, as on a platform
		}
		endAt := t0.Add(at)
		end := endAt.Format(time.RFC3339Nano)
		status, code, kind := 200, "", ""
		switch r := rng.IntN(20); {
		case r == 0:
			status, code, kind = 503, "1503", results.ErrStatus5xx
		case r == 1:
			status, code, kind = 0, "1050", results.ErrTimeout
		case r == 2:
			status, code, kind = 0, "1212", results.ErrRefused
		}
		waiting := 8 + rng.Float64()*4
		if cold {
			waiting += 300
		}
		tags := fmt.Sprintf(`{"scenario":"steady","status":"%d","method":"GET","url":"http://127.0.0.1:9/f","group":""`, status)
		if code != "" {
			tags += fmt.Sprintf(`,"error_code":%q,"error":"x"`, code)
		}
		class := map[bool]string{true: "cold", false: "warm"}[cold]
		meta := ""
		mode := i % 3
		if status == 0 {
			mode = 2 // no response: no verdict either way
		}
		switch mode {
		case 0:
			meta = fmt.Sprintf(`,"metadata":{"request_id":"req-%d"}`, i)
		case 1:
			tags += `,"faas_class":"` + class + `"`
		}
		tags += "}"
		var lines []string
		for _, m := range metrics {
			v := map[string]float64{"http_reqs": 1, "http_req_duration": waiting + 0.2, "http_req_waiting": waiting,
				"http_req_sending": 0.1, "http_req_receiving": 0.1, "http_req_blocked": 0.01}[m]
			if m == "http_req_failed" && kind != "" {
				v = 1
			}
			lines = append(lines, fmt.Sprintf(`{"metric":%q,"type":"Point","data":{"time":%q,"value":%g,"tags":%s%s}}`, m, end, v, tags, meta))
		}
		if mode == 0 {
			lines = append(lines, fmt.Sprintf(`{"metric":"faas_req_duration","type":"Point","data":{"time":%q,"value":%g,"tags":{"faas_class":%q,"scenario":"steady"},"metadata":{"request_id":"req-%d","faas_instance":"i-%d"}}}`, end, waiting, class, i, i%5))
		}
		lines = append(lines, fmt.Sprintf(`{"metric":"iterations","type":"Point","data":{"time":%q,"value":1,"tags":{"scenario":"steady"}}}`, end))
		// Even requests wait for the next one: the two interleave (two VUs).
		if i%2 == 0 {
			pending = lines
		} else {
			interleave(&buf, lines, pending)
			pending = nil
		}
		truth.requests++
		truth.coldAt[endAt.UnixNano()] = cold
		truth.judged[endAt.UnixNano()] = mode != 2
		if kind != "" {
			truth.errors++
			truth.byKind[kind]++
		}
		if mode != 2 {
			if cold {
				truth.cold++
			} else {
				truth.warm++
			}
		}
	}
	interleave(&buf, pending, nil)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return truth
}

// interleave writes a's and b's lines alternately.
func interleave(buf *bytes.Buffer, a, b []string) {
	for j := 0; j < max(len(a), len(b)); j++ {
		if j < len(a) {
			buf.WriteString(a[j] + "\n")
		}
		if j < len(b) {
			buf.WriteString(b[j] + "\n")
		}
	}
}

// TestIngestK6Counts: the summary of an ingested k6 file has the requests, cold and
// warm verdicts and errors the file holds, plain and gzipped, and thaw report renders
// the directory.
func TestIngestK6Counts(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "k6.json")
	truth := writeK6JSON(t, src, 300, 7)
	gzPath := filepath.Join(tmp, "k6.json.gz")
	gzipFile(t, src, gzPath)
	for _, in := range []string{src, gzPath} {
		dir := filepath.Join(tmp, "run-"+filepath.Base(in))
		code, stdout, stderr := runCLI(t, "ingest", "k6", in, "--out", dir, "--probes", "marker", "--no-report")
		if code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", in, code, stderr)
		}
		if !strings.Contains(stdout, "steady") || !strings.Contains(stderr, "ingested 300 requests") {
			t.Errorf("output:\n%s\n%s", stdout, stderr)
		}
		tot := readSummary(t, dir).Totals
		// "marker" cannot judge k6 samples (no headers kept), so only k6 verdicts count.
		if tot.Count != truth.requests || tot.Cold != truth.cold || tot.Warm != truth.warm || tot.Errors != truth.errors {
			t.Errorf("%s: count %d cold %d warm %d errors %d; truth %+v", in, tot.Count, tot.Cold, tot.Warm, tot.Errors, truth)
		}
		for k, v := range truth.byKind {
			if tot.ErrorsByKind[k] != v {
				t.Errorf("%s: errors_by_kind[%s] = %d, want %d", in, k, tot.ErrorsByKind[k], v)
			}
		}
		if in != src || testing.Short() {
			continue // thaw report once is enough; rendering is the full pass's job
		}
		if code, _, stderr := runCLI(t, "report", dir); code != 0 {
			t.Fatalf("report: exit %d: %s", code, stderr)
		}
		for _, f := range []string{"report.html", "summary.md", results.SummaryFile} {
			if !fileExists(filepath.Join(dir, f)) {
				t.Errorf("report did not write %s", f)
			}
		}
	}
}

func gzipFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestIngestK6Fixtures: the JSON and CSV fixtures (k6's documented formats) give the
// same summary counts; no credential or query of a URL reaches the run directory.
func TestIngestK6Fixtures(t *testing.T) {
	var got []string
	for _, f := range []string{"run.json", "run.csv"} {
		dir := filepath.Join(t.TempDir(), "run")
		code, _, stderr := runCLI(t, "ingest", "k6", filepath.Join("..", "..", "ingest", "k6", "testdata", f),
			"--out", dir, "--strict", "--pricing-model", "aws-lambda", "--memory-mb", "512", "--threshold", "error_rate < 50%", "--no-report")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, stderr)
		}
		s := readSummary(t, dir)
		tot := s.Totals
		got = append(got, fmt.Sprintf("n=%d cold=%d warm=%d unknown=%d errors=%v", tot.Count, tot.Cold, tot.Warm, tot.Unknown, tot.ErrorsByKind))
		if s.Cost == nil || len(s.Thresholds) != 1 || !s.Thresholds[0].Pass {
			t.Errorf("%s: cost %+v thresholds %+v", f, s.Cost, s.Thresholds)
		}
		if s.Target != "http://127.0.0.1:8080/fn" {
			t.Errorf("%s: target %q", f, s.Target)
		}
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("secret")) || bytes.Contains(b, []byte("token=")) {
					t.Errorf("%s: a secret reached %s", f, p)
				}
			}
			return nil
		})
	}
	want := "n=6 cold=2 warm=1 unknown=3 errors=map[status_5xx:1 timeout:1]"
	if got[0] != want || got[1] != want {
		t.Errorf("json: %s\ncsv:  %s\nwant: %s", got[0], got[1], want)
	}
}

// TestIngestK6Malformed: a malformed line is reported with file and line and skipped;
// --strict makes it fatal (exit 2).
func TestIngestK6Malformed(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "k6.json")
	writeK6JSON(t, src, 10, 1)
	b, _ := os.ReadFile(src)
	lines := strings.Split(string(b), "\n")
	lines[4] = `{"metric":"http_req_waiting","type":"Point","data":{"time":"noon","value":1}}`
	if err := os.WriteFile(src, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "ingest", "k6", src, "--out", filepath.Join(tmp, "a"), "--no-report")
	if code != 0 || !strings.Contains(stderr, src+":5: field \"data.time\"") || !strings.Contains(stderr, "lines skipped") {
		t.Fatalf("lenient: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "ingest", "k6", src, "--out", filepath.Join(tmp, "b"), "--strict", "--no-report")
	if code != exitUsage || !strings.Contains(stderr, src+":5:") {
		t.Fatalf("strict: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "ingest", "k6", src, "--out", filepath.Join(tmp, "a"))
	if code != exitUsage || !strings.Contains(stderr, "already holds a run") {
		t.Fatalf("existing run: exit %d: %s", code, stderr)
	}
}

// TestIngestK6KeepsVerdicts: with thaw's default probes, requests thaw.js or a tag
// judged keep their verdict (decided_by k6); the others are judged by thaw's probes
// over the whole run (the latency probe: k6 keeps no headers), and are mostly right.
func TestIngestK6KeepsVerdicts(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "k6.json")
	truth := writeK6JSON(t, src, 600, 3)
	dir := filepath.Join(tmp, "run")
	code, stdout, stderr := runCLI(t, "ingest", "k6", src, "--out", dir, "--no-report")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The table printed is the one written: after the probes judged.
	tot := readSummary(t, dir).Totals
	if want := fmt.Sprintf("│ %d │", tot.Cold); !strings.Contains(totalRow(stdout), want) {
		t.Errorf("printed totals %q lack the summary's %d cold", totalRow(stdout), tot.Cold)
	}
	samples, err := results.LoadSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	var byProbes, right int
	for _, s := range samples {
		at := s.End().UnixNano()
		switch {
		case truth.judged[at]:
			if s.DecidedBy != "k6" || (s.Class == results.Cold) != truth.coldAt[at] {
				t.Errorf("%s: %s by %q, thaw.js said cold=%v", s.RequestID, s.Class, s.DecidedBy, truth.coldAt[at])
			}
		case s.DecidedBy != "":
			byProbes++
			if (s.Class == results.Cold) == truth.coldAt[at] {
				right++
			}
		}
	}
	t.Logf("%d requests without a k6 verdict judged by probes, %d right", byProbes, right)
	if byProbes < 100 || float64(right) < 0.9*float64(byProbes) {
		t.Errorf("probes judged %d requests without a verdict, %d right", byProbes, right)
	}
}

// totalRow is the "total" line of a printed run table, spaces squeezed.
func totalRow(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, " total ") {
			return strings.Join(strings.Fields(l), " ")
		}
	}
	return ""
}
