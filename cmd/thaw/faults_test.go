package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
	"github.com/thaw-dev/thaw/results"
)

// faultCase is one row of the fault matrix: a target that misbehaves one way, the
// scenario's target options, and the counts thaw must report.
type faultCase struct {
	name     string
	target   func(t *testing.T) faultTarget
	opts     string // extra target fields, YAML flow style, each with a leading ", "
	workers  int
	n        int
	wantExit int
	want     map[string]int64 // samples by kind ("ok" for successes); exact
	check    func(t *testing.T, ft faultTarget, sum *results.Summary, samples []results.Sample)
}

func plain(h http.HandlerFunc) func(t *testing.T) faultTarget {
	return func(t *testing.T) faultTarget { return startTarget(t, h, false, false) }
}

func urlOnly(f func(t *testing.T) string) func(t *testing.T) faultTarget {
	return func(t *testing.T) faultTarget { return faultTarget{URL: f(t)} }
}

// faultMatrix lists every fault of issue 13 that a loopback target can produce.
func faultMatrix() []faultCase {
	return []faultCase{
		{name: "refused mid-run", target: func(t *testing.T) faultTarget { return closesAfter(t, 5) },
			workers: 1, n: 12, want: map[string]int64{"ok": 5, results.ErrRefused: 7}},
		{name: "refused from the start", target: urlOnly(closedPort), workers: 1, n: 12, wantExit: exitAborted,
			check: wantAbort("target unreachable", results.ErrRefused)},
		{name: "reset mid-response", target: plain(nth(odd, resetMidResponse)), workers: 1, n: 12,
			want: map[string]int64{"ok": 6, results.ErrReset: 6}},
		{name: "tls self-signed refused", target: func(t *testing.T) faultTarget { return startTarget(t, bigBody(2), true, false) },
			workers: 1, n: 12, wantExit: exitAborted, check: wantAbort("certificate", results.ErrTLS)},
		{name: "tls self-signed with insecure_skip_verify", target: func(t *testing.T) faultTarget { return startTarget(t, bigBody(2), true, false) },
			opts: ", insecure_skip_verify: true", workers: 2, n: 12, want: map[string]int64{"ok": 12}},
		{name: "slow headers", target: plain(nth(odd, sleepFor(5*time.Second))), workers: 4, n: 8,
			want: map[string]int64{"ok": 4, results.ErrTimeout: 4}},
		{name: "slow body", target: plain(nth(odd, trickle(100*time.Millisecond, 50))), workers: 4, n: 8,
			want: map[string]int64{"ok": 4, results.ErrTimeout: 4}, check: func(t *testing.T, _ faultTarget, _ *results.Summary, ss []results.Sample) {
				for _, s := range ss {
					if s.Error == results.ErrTimeout && (s.Status != 200 || s.TTFBMS <= 0) {
						t.Errorf("slow body sample: status %d ttfb %.1f, want 200 and a first byte", s.Status, s.TTFBMS)
					}
				}
			}},
		{name: "body past the evidence limit", target: plain(bigBody(1 << 20)), workers: 2, n: 6,
			want: map[string]int64{"ok": 6}, check: func(t *testing.T, _ faultTarget, _ *results.Summary, ss []results.Sample) {
				for _, s := range ss {
					if s.Evidence == nil || len(s.Evidence.Body) != 512 {
						t.Fatalf("kept body %d bytes, want the 512-byte prefix", len(s.Evidence.Body))
					}
				}
			}},
		{name: "timeout while connecting", target: urlOnly(func(t *testing.T) string { return "http://" + backlogFull(t) }),
			workers: 2, n: 4, want: map[string]int64{results.ErrTimeout: 4}},
		{name: "timeout in the tls handshake", target: urlOnly(func(t *testing.T) string { return "https://" + silentTLS(t) }),
			workers: 2, n: 4, want: map[string]int64{results.ErrTimeout: 4}},
		{name: "429 with and without Retry-After", target: plain(nth(odd, func(w http.ResponseWriter, r *http.Request) {
			status(http.StatusTooManyRequests, map[bool]string{true: "1"}[strings.HasSuffix(r.Header.Get("X-Request-Id"), "1")])(w, r)
		})), workers: 1, n: 12, want: map[string]int64{"ok": 6, results.ErrThrottled: 6}},
		{name: "429 retried (Retry-After: 0)", target: plain(firstAttemptThrottled), opts: ", retry: {max: 2, on: [throttled], backoff: 1ms}",
			workers: 2, n: 10, want: map[string]int64{"ok": 10}, check: func(t *testing.T, ft faultTarget, sum *results.Summary, _ []results.Sample) {
				if sum.Totals.Retries != 10 || ft.Requests.Load() != 20 {
					t.Errorf("retries %d, target saw %d requests; want 10 retries, 20 requests", sum.Totals.Retries, ft.Requests.Load())
				}
			}},
		{name: "5xx storm", target: plain(status(http.StatusServiceUnavailable, "")), workers: 4, n: 40,
			want: map[string]int64{results.ErrStatus5xx: 40}},
		{name: "keep-alive closed at random", target: plain(dropKeepAlive()), opts: ", method: POST, body: '{}'", workers: 2, n: 30,
			check: func(t *testing.T, ft faultTarget, _ *results.Summary, _ []results.Sample) {
				if ft.Conns.Load() < 5 {
					t.Errorf("%d connections: the server did not drop keep-alive", ft.Conns.Load())
				}
			}},
		{name: "http2 goaway", target: func(t *testing.T) faultTarget { return startTarget(t, goAway(), true, true) },
			opts: ", insecure_skip_verify: true", workers: 3, n: 30, want: map[string]int64{"ok": 30},
			check: func(t *testing.T, ft faultTarget, _ *results.Summary, _ []results.Sample) {
				if ft.Conns.Load() < 3 {
					t.Errorf("%d connections: GOAWAY did not move the client to new ones", ft.Conns.Load())
				}
			}},
	}
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr
}

// wantAbort checks a run stopped as unreachable: the reason names it, and every
// sample failed with kind, at least the 5 that stop a run (the requests already in
// flight when it stopped are recorded too).
func wantAbort(reason, kind string) func(t *testing.T, _ faultTarget, sum *results.Summary, ss []results.Sample) {
	return func(t *testing.T, _ faultTarget, sum *results.Summary, ss []results.Sample) {
		t.Helper()
		if !strings.Contains(sum.AbortReason, reason) {
			t.Errorf("abort reason %q, want %q", sum.AbortReason, reason)
		}
		if got := kindsOf(ss); len(got) != 1 || got[kind] < unreachableAfter {
			t.Errorf("samples by kind %v, want only %s, at least %d", got, kind, unreachableAfter)
		}
	}
}

// TestFaultMatrix runs the real CLI against each fault: thaw exits as it should (not
// a crash), writes a readable run directory, and sent = ok + sum(errors_by_kind), with
// one sample per invocation and the kinds the fault must produce.
func TestFaultMatrix(t *testing.T) {
	for _, tc := range faultMatrix() {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			ft := tc.target(t)
			dir := filepath.Join(t.TempDir(), "run")
			file := writeScenario(t, `
version: 1
name: fault
target: {url: "`+ft.URL+`", timeout: 1s`+tc.opts+`}
phases:
  - {name: f, concurrency: {workers: `+itoa(tc.workers)+`, iterations: `+itoa(tc.n)+`}}
`)
			code, _, stderr := runCLI(t, "run", file, "--out", dir, "--quiet", "--no-report")
			if code != tc.wantExit {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.wantExit, stderr)
			}
			sum, samples := checkAddsUp(t, dir, tc.n, tc.wantExit == exitOK)
			if tc.want != nil {
				got := kindsOf(samples)
				if !sameCounts(got, tc.want) {
					t.Errorf("samples by kind %v, want %v", got, tc.want)
				}
			}
			if tc.check != nil {
				tc.check(t, ft, sum, samples)
			}
		})
	}
}

// checkAddsUp reads a run directory and checks its bookkeeping: one sample per line,
// summary count = samples = ok + sum(errors_by_kind), errors = sum(errors_by_kind),
// the summary's kinds equal the samples', and, for a run that finished, count = n.
func checkAddsUp(t *testing.T, dir string, n int, finished bool) (*results.Summary, []results.Sample) {
	t.Helper()
	sum := readSummary(t, dir)
	samples, err := results.LoadSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	tot := sum.Totals
	var byKind int64
	for _, v := range tot.ErrorsByKind {
		byKind += v
	}
	kinds := kindsOf(samples)
	ok := kinds["ok"]
	delete(kinds, "ok")
	if tot.Count != int64(len(samples)) || tot.Count != ok+byKind || tot.Errors != byKind || !sameCounts(kinds, tot.ErrorsByKind) {
		t.Errorf("count %d, samples %d, ok %d, errors %d, errors_by_kind %v (samples say %v): does not add up",
			tot.Count, len(samples), ok, tot.Errors, tot.ErrorsByKind, kinds)
	}
	if finished && tot.Count != int64(n) {
		t.Errorf("count %d, want %d: an invocation was lost or counted twice", tot.Count, n)
	}
	if tot.Planned != 0 && tot.Planned != tot.Count {
		t.Errorf("sent %d, recorded %d", tot.Planned, tot.Count)
	}
	return sum, samples
}

func kindsOf(samples []results.Sample) map[string]int64 {
	out := map[string]int64{}
	for _, s := range samples {
		k := s.Error
		if k == "" {
			k = "ok"
		}
		out[k]++
	}
	return out
}

func sameCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestFaultDNS: a host name that cannot resolve is counted as dns, and 5 in a row
// abort the run as unreachable (exit 3) with a readable run directory. The CLI runs in
// a child process with the pure-Go resolver, which rejects the malformed name without
// sending any query (no traffic off loopback), and without proxy settings.
func TestFaultDNS(t *testing.T) {
	file := writeScenario(t, `
version: 1
name: dns
target: {url: "http://thaw..invalid:9/", timeout: 1s}
phases:
  - {name: f, concurrency: {workers: 1, iterations: 12}}
`)
	dir := filepath.Join(t.TempDir(), "run")
	args, _ := json.Marshal([]string{"run", file, "--out", dir, "--quiet", "--no-report"})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(withoutProxy(os.Environ()), envRunArgs+"="+string(args), "GODEBUG=netdns=go")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != exitAborted || strings.Contains(string(out), "panic") {
		t.Fatalf("exit %d, want %d: %s", code, exitAborted, out)
	}
	sum, samples := checkAddsUp(t, dir, 12, false)
	wantAbort("target unreachable", results.ErrDNS)(t, faultTarget{}, sum, samples)
}

func withoutProxy(env []string) []string {
	var out []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); strings.HasSuffix(strings.ToLower(k), "_proxy") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// TestFaultEmulator: the emulator's own fault injection (error rate, timeouts held
// past thaw's timeout, slow requests) mixed in one run: thaw's counts add up and match
// the number of requests the emulator received.
func TestFaultEmulator(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.MaxInstances, cfg.Seed = 8, 13
	cfg.ErrorRate, cfg.TimeoutRate, cfg.TimeoutHold = 0.25, 0.15, 3*time.Second
	cfg.SlowRate, cfg.Slow = 0.2, 50*time.Millisecond
	em := emulatortest.Start(t, cfg)
	dir := filepath.Join(t.TempDir(), "run")
	file := writeScenario(t, `
version: 1
name: emulated-faults
target: {url: "`+em.URL()+`", timeout: 1s}
phases:
  - {name: f, concurrency: {workers: 4, iterations: 60}}
`)
	if code, _, stderr := runCLI(t, "run", file, "--out", dir, "--quiet", "--no-report"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, samples := checkAddsUp(t, dir, 60, true)
	if err := em.Close(); err != nil {
		t.Fatal(err)
	}
	got := kindsOf(samples)
	if got[results.ErrStatus5xx] == 0 || got[results.ErrTimeout] == 0 || got["ok"] == 0 {
		t.Errorf("samples by kind %v: want ok, status_5xx and timeout", got)
	}
	if n := len(em.Truth()); n != 60 {
		t.Errorf("emulator received %d requests, thaw recorded 60", n)
	}
	t.Logf("emulator faults: %v", got)
}
