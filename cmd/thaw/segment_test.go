package main

import (
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// staggeredServer answers request k (counted by the server) after (k mod 10 + 1) × 3
// ms: the same multiset of delays for the same number of requests, however they are
// split between senders.
func staggeredServer() *httptest.Server {
	var n atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		k := n.Add(1)
		time.Sleep(time.Duration(k%10+1) * 3 * time.Millisecond)
		_, _ = w.Write([]byte("ok"))
	}))
}

const segmentScenario = `
version: 1
name: segmented
seed: 5
target: {url: "URL"}
phases:
  - {name: steady, rate: {rps: 90, duration: 2s, poisson: true}}
  - {name: burst, burst: {size: 16, repeat: 2, after_idle: 100ms}}
  - {name: workers, concurrency: {workers: 4, iterations: 61}}
  - {name: sweep, idle: {intervals: [50ms, 100ms], samples: 2}}
`

// TestSegmentsMergeEqualsWhole: the scenario run whole, and run as 3 segments by 3
// processes started together with --start-at and merged, sends exactly the same
// number of invocations in total and in every phase. The merged percentiles are those
// of the segments' samples taken together (exact within HDR precision), and they agree
// with the whole run's within the server's timing noise.
func TestSegmentsMergeEqualsWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("two runs of about 3 s")
	}
	srv := staggeredServer()
	defer srv.Close()
	file := writeScenario(t, strings.Replace(segmentScenario, "URL", srv.URL, 1))
	whole := filepath.Join(t.TempDir(), "whole")
	if code, _, stderr := runCLI(t, "run", file, "--out", whole, "--quiet", "--no-report"); code != 0 {
		t.Fatalf("whole run: exit %d: %s", code, stderr)
	}

	startAt := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	base := t.TempDir()
	var dirs []string
	var wg sync.WaitGroup
	errs := make([]string, 3)
	for i := range 3 {
		dir := filepath.Join(base, "seg", string(rune('1'+i)))
		dirs = append(dirs, dir)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "run", file, "--out", dir, "--quiet", "--no-report",
				"--segment", string(rune('1'+i))+"/3", "--start-at", startAt)
			cmd.Env = append(os.Environ(), cliEnv+"=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = err.Error() + ": " + string(out)
			}
		}()
	}
	wg.Wait()
	for i, e := range errs {
		if e != "" {
			t.Fatalf("segment %d/3: %s", i+1, e)
		}
	}
	var union []results.Sample
	ids := map[string]bool{}
	for _, d := range dirs {
		s := readSummary(t, d)
		if s.Segment == nil || s.RunID == "" || s.RunID != readSummary(t, dirs[0]).RunID {
			t.Fatalf("%s: segment %v run id %q", d, s.Segment, s.RunID)
		}
		ss, err := results.LoadSamples(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ss {
			if ids[x.RequestID] {
				t.Fatalf("request id %s sent by two segments", x.RequestID)
			}
			ids[x.RequestID] = true
		}
		union = append(union, ss...)
	}

	merged := filepath.Join(base, "merged")
	if code, _, stderr := runCLI(t, append(append([]string{"merge"}, dirs...), "--out", merged)...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	w, m := readSummary(t, whole), readSummary(t, merged)
	if m.Totals.Count != w.Totals.Count || m.Totals.Count < 150+32+61+4 {
		t.Errorf("merged count %d, whole %d", m.Totals.Count, w.Totals.Count)
	}
	fixed := map[string]int64{"burst": 32, "workers": 61, "sweep": 4} // the Poisson phase's count is the seed's
	for i := range w.Phases {
		if n, ok := fixed[w.Phases[i].Name]; ok && w.Phases[i].Count != n {
			t.Errorf("phase %s: whole run sent %d, want %d", w.Phases[i].Name, w.Phases[i].Count, n)
		}
		if m.Phases[i].Name != w.Phases[i].Name || m.Phases[i].Count != w.Phases[i].Count || m.Phases[i].Planned != w.Phases[i].Planned {
			t.Errorf("phase %s: merged count %d planned %d, whole %d planned %d", w.Phases[i].Name,
				m.Phases[i].Count, m.Phases[i].Planned, w.Phases[i].Count, w.Phases[i].Planned)
		}
	}
	if w.Phases[0].SendLag == nil || m.Phases[0].SendLag == nil {
		t.Errorf("open-model phase send_lag: whole %v, merged %v; want both", w.Phases[0].SendLag, m.Phases[0].SendLag)
	}
	agg := results.NewAggregator()
	for i := range union {
		agg.Add(&union[i])
	}
	_, totals, err := agg.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if m.Totals.Latency != totals.Latency {
		t.Errorf("merged latency %+v, the segments' samples together give %+v", m.Totals.Latency, totals.Latency)
	}
	t.Logf("whole p50 %.2f p90 %.2f p99 %.2f; merged p50 %.2f p90 %.2f p99 %.2f ms", w.Totals.Latency.P50,
		w.Totals.Latency.P90, w.Totals.Latency.P99, m.Totals.Latency.P50, m.Totals.Latency.P90, m.Totals.Latency.P99)
	for _, q := range [][2]float64{{w.Totals.Latency.P50, m.Totals.Latency.P50}, {w.Totals.Latency.P90, m.Totals.Latency.P90}} {
		if math.Abs(q[0]-q[1]) > 6 { // the server's delays are 3 ms apart; a loaded machine adds a few ms
			t.Errorf("whole %.2f ms vs merged %.2f ms: more than the timing noise apart", q[0], q[1])
		}
	}

	// Mismatched inputs are refused with exit 2, naming the problem.
	other := runScenarioOK(t, `
version: 1
name: other
target: {url: "`+srv.URL+`"}
phases:
  - {name: w, concurrency: {workers: 1, iterations: 2}}
`)
	for _, tc := range []struct {
		dirs []string
		want string
	}{
		{[]string{dirs[0], dirs[2]}, "segment(s) 2/3 missing"},
		{[]string{dirs[0], dirs[1], dirs[1], dirs[2]}, "both hold segment 2/3 (overlapping)"},
		{[]string{whole, other}, `is scenario "other" but`},
		{[]string{dirs[0], dirs[1], dirs[2], whole}, "is not a segment"},
	} {
		code, _, stderr := runCLI(t, append(append([]string{"merge"}, tc.dirs...), "--out", filepath.Join(t.TempDir(), "m"))...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("merge %v: exit %d, stderr %q; want exit 2 naming %q", tc.dirs, code, stderr, tc.want)
		}
	}
}

// TestRunSegmentFlags: bad --segment and --start-at values are usage errors.
func TestRunSegmentFlags(t *testing.T) {
	file := writeScenario(t, strings.Replace(segmentScenario, "URL", "http://127.0.0.1:1/", 1))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--segment", "4/3"}, "want i/n with 1 <= i <= n"},
		{[]string{"--segment", "1/3"}, "--segment needs --start-at (so the segments start together) or --run-id"},
		{[]string{"--start-at", "tomorrow"}, "want an RFC 3339 time"},
		{[]string{"--start-at", "2020-01-01T00:00:00Z"}, "this segment started late or its clock is ahead"},
	} {
		code, _, stderr := runCLI(t, append([]string{"run", file, "--out", filepath.Join(t.TempDir(), "r"), "--quiet"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %q", tc.args, code, stderr, tc.want)
		}
	}
}
