package main

import (
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/scenarios"
)

// The same thresholds written in k6's dialect and in thaw's syntax validate, and the
// k6 ones that `thaw run` evaluates give the verdicts thaw's own give on the same run.
func TestK6ThresholdsSameVerdicts(t *testing.T) {
	srv := httptest.NewServer(delayHandler(20 * time.Millisecond))
	defer srv.Close()
	head := `
version: 1
name: dialects
target: {url: "` + srv.URL + `"}
phases:
  - {name: steady, concurrency: {workers: 2, iterations: 20}}
`
	k6 := writeScenario(t, head+`thresholds:
  http_req_duration: ['p(95)<5000', 'med<1', 'max>=10']
  http_req_duration{scenario:steady}: [{threshold: 'avg<5000', abortOnFail: true, delayAbortEval: 1s}]
  iteration_duration: ['min<1']
  http_req_failed: ['rate<0.01', 'rate>0.5']
  http_reqs: ['count>=20', 'count<20']
`)
	thaw := writeScenario(t, head+`thresholds:
  - p(95) < 5s
  - med < 1ms
  - max >= 10ms
  - phase[steady].avg < 5000ms abort_on_fail grace=1s
  - min < 1ms
  - error_rate < 1%
  - error_rate > 50%
  - count >= 20
  - count < 20
`)
	for _, f := range []string{k6, thaw} {
		if code, _, stderr := runCLI(t, "validate", f); code != exitOK {
			t.Fatalf("thaw validate %s: exit %d: %s", f, code, stderr)
		}
	}
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "run", k6, "--out", dir, "--quiet", "--no-report")
	if code != exitFail {
		t.Fatalf("thaw run with failing k6 thresholds: exit %d, want %d: %s", code, exitFail, stderr)
	}
	sum := readSummary(t, dir)
	sc, err := scenarios.Parse(thaw)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := threshold.ParseAll(sc.Thresholds)
	if err != nil {
		t.Fatal(err)
	}
	want := threshold.Evaluate(sum, ts)
	wantPass := []bool{true, false, true, true, false, true, false, true, false}
	if len(sum.Thresholds) != len(want) {
		t.Fatalf("k6 form gave %d verdicts, thaw form %d", len(sum.Thresholds), len(want))
	}
	for i, got := range sum.Thresholds {
		if got.Pass != want[i].Pass || got.Value != want[i].Value || got.Pass != wantPass[i] {
			t.Errorf("threshold %d: k6 %q → %v (%s); thaw %q → %v (%s); want %v",
				i, got.Expr, got.Pass, got.Detail, want[i].Expr, want[i].Pass, want[i].Detail, wantPass[i])
		}
	}
}
