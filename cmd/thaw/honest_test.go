package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// TestSetupChargedToNewConnectionsOnly: four workers leave four idle TLS connections
// in the pool, then a burst of 24 after idling: the burst's first requests reuse
// them while dials started for them finish later. Every sample on a reused connection
// has no DNS, connect or TLS time and its server time is its time to first byte; the
// new connections carry their set-up.
func TestSetupChargedToNewConnectionsOnly(t *testing.T) {
	srv := httptest.NewTLSServer(delayHandler(2 * time.Millisecond))
	defer srv.Close()
	dir := runScenarioOK(t, fmt.Sprintf(`
version: 1
name: pool
target: {url: %q, insecure_skip_verify: true}
probes: [latency]
phases:
  - {name: warm-pool, concurrency: {workers: 4, iterations: 40}}
  - {name: burst, burst: {after_idle: 50ms, size: 24}}
`, srv.URL))
	var reused, fresh int
	err := results.ReadSamples(dir, func(s *results.Sample) error {
		if s.Error != "" {
			return fmt.Errorf("sample %d failed: %s %s", s.Seq, s.Error, s.ErrorDetail)
		}
		if !s.ConnReused {
			fresh++
			if s.TLSMS <= 0 || s.ConnectMS <= 0 {
				t.Errorf("sample %d on a new connection has connect %.3f ms, TLS %.3f ms", s.Seq, s.ConnectMS, s.TLSMS)
			}
			return nil
		}
		reused++
		if s.DNSMS != 0 || s.ConnectMS != 0 || s.TLSMS != 0 || s.ServerMS() != s.TTFBMS {
			t.Errorf("sample %d reused its connection but is charged dns %.3f connect %.3f tls %.3f (server %.3f, ttfb %.3f)",
				s.Seq, s.DNSMS, s.ConnectMS, s.TLSMS, s.ServerMS(), s.TTFBMS)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// On a loaded machine the burst can be served entirely by the pooled connections
	// as they free up (dials finish after): one new connection is enough to check.
	if reused < 4 || fresh < 1 {
		t.Fatalf("reused %d, new %d connections: the test needs both", reused, fresh)
	}
}

// TestTimeoutsCountInLatency: half the calls outlast the 200 ms timeout. They count in
// the percentiles at their elapsed time (p99 is the timeout, not the fastest
// successes), while refused connections stay out of latency, counted by kind.
func TestTimeoutsCountInLatency(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runCLI(t, "run", writeScenario(t, fmt.Sprintf(`
version: 1
name: timeouts
target: {url: %q, timeout: 200ms}
phases:
  - {name: seq, concurrency: {workers: 1, iterations: 20}}
`, srv.URL)), "--out", dir, "--quiet", "--no-report")
	if code != exitOK {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	tot := readSummary(t, dir).Totals
	if tot.ErrorsByKind[results.ErrTimeout] != 10 || tot.Latency.Count != 20 {
		t.Fatalf("timeouts %d, latency count %d: want 10 timeouts, all 20 in latency", tot.ErrorsByKind[results.ErrTimeout], tot.Latency.Count)
	}
	// p99 is the timeout (a loaded machine fires it a little late), not the fast
	// successes; p50 is a fast success.
	if tot.Latency.P99 < 199 || tot.Latency.P99 > 500 || tot.Latency.P50 >= 199 {
		t.Errorf("p50 %.1f ms, p99 %.1f ms: want p99 at the 200 ms timeout and p50 a fast success", tot.Latency.P50, tot.Latency.P99)
	}

	// refused: nothing listens there
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	dir = filepath.Join(t.TempDir(), "run2")
	code, _, _ = runCLI(t, "run", writeScenario(t, fmt.Sprintf(`
version: 1
name: refused
target: {url: %q}
phases:
  - {name: seq, concurrency: {workers: 1, iterations: 3}}
`, url)), "--out", dir, "--quiet", "--no-report")
	if code != exitAborted && code != exitOK {
		t.Fatalf("thaw run against a closed port: exit %d", code)
	}
	tot = readSummary(t, dir).Totals
	if tot.ErrorsByKind[results.ErrRefused] == 0 || tot.Latency.Count != 0 {
		t.Errorf("refused %d, latency count %d: refused calls must be counted by kind and stay out of latency",
			tot.ErrorsByKind[results.ErrRefused], tot.Latency.Count)
	}
}

// TestReportRebuildsMissingSummary: a run directory whose summary.json is gone (or
// corrupt) gets it back from samples.ndjson and scenario.yaml.
func TestReportRebuildsMissingSummary(t *testing.T) {
	srv := httptest.NewServer(delayHandler(0))
	defer srv.Close()
	dir := runScenarioOK(t, fmt.Sprintf(`
version: 1
name: rebuild
target: {url: %q}
thresholds: ["error_rate < 1%%"]
phases:
  - {name: seq, concurrency: {workers: 2, iterations: 30}}
`, srv.URL))
	want := readSummary(t, dir).Totals
	for _, damage := range []string{"missing", "corrupt"} {
		path := filepath.Join(dir, results.SummaryFile)
		if damage == "missing" {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "report", dir)
		if code != exitOK || !strings.Contains(stderr, "rebuilding the summary") {
			t.Fatalf("%s summary: thaw report exit %d: %s", damage, code, stderr)
		}
		sum := readSummary(t, dir)
		if sum.Scenario != "rebuild" || sum.Totals.Count != want.Count || sum.Totals.Latency.P50 != want.Latency.P50 ||
			len(sum.Phases) != 1 || sum.Phases[0].Workload != "concurrency" || len(sum.Thresholds) != 1 {
			t.Errorf("%s summary rebuilt as %+v, want the run's", damage, sum)
		}
	}
}

// TestReportSaysWhenTheLastLineIsCut: a run killed mid-write leaves half a line; the
// pass ignores it and says so.
func TestReportSaysWhenTheLastLineIsCut(t *testing.T) {
	srv := httptest.NewServer(delayHandler(0))
	defer srv.Close()
	dir := runScenarioOK(t, fmt.Sprintf(`
version: 1
name: cut
target: {url: %q}
phases:
  - {name: seq, concurrency: {workers: 1, iterations: 5}}
`, srv.URL))
	f, err := os.OpenFile(filepath.Join(dir, results.SamplesFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"seq":6,"phase":"seq","lat`); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	code, _, stderr := runCLI(t, "report", dir)
	if code != exitOK || !strings.Contains(stderr, "cut short") {
		t.Fatalf("thaw report: exit %d, stderr %q: want the cut line reported", code, stderr)
	}
	if n := readSummary(t, dir).Totals.Count; n != 5 {
		t.Errorf("count %d, want the 5 whole samples", n)
	}
}
