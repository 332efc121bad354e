package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// offlineDir holds the serverless-offline project: package.json, package-lock.json,
// serverless.yml and the Node handler.
var offlineDir = filepath.Join("..", "..", "internal", "testfn", "offline")

// offlineIdleS is serverless-offline's terminateIdleLambdaTime in the test: an instance
// idle this long is dropped at the next check (the checks run this often), so a gap
// under 1 s stays warm and a gap of 2.5 s or more comes back cold.
const offlineIdleS = 1

// offlineInitMS is the Node handler's init work per instance, as a real function has:
// cold calls take it on top of serverless-offline's own start of the instance.
const offlineInitMS = 150

// offlineTruth is one line of the Node handler's own report.
type offlineTruth struct {
	Function  string `json:"function"` // thawfn-dev-marker, -latency, -invoke
	RequestID string `json:"request_id"`
	Instance  string `json:"instance"`
	Count     int    `json:"count"`
}

// npmCI installs the project's locked packages when they are not there yet (make
// test-deps does the same).
func npmCI(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(offlineDir, "node_modules", ".package-lock.json")); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir = offlineDir
	if out, err := runBounded(cmd, 4*time.Minute); err != nil {
		t.Fatalf("npm ci in %s (needs node and npm; make test-deps): %v\n%s", offlineDir, err, out)
	}
}

// runBounded runs cmd and kills it after timeout.
func runBounded(cmd *exec.Cmd, timeout time.Duration) ([]byte, error) {
	timer := time.AfterFunc(timeout, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	})
	defer timer.Stop()
	return cmd.CombinedOutput()
}

// offline is a running serverless-offline: its HTTP API base URL, its Lambda Invoke
// API endpoint and the handler's truth file.
type offline struct{ base, invoke, truth string }

// truthOf returns the handler's lines for one function, in the order it wrote them.
func (o offline) truthOf(t *testing.T, fn string) []offlineTruth {
	t.Helper()
	var out []offlineTruth
	for _, tr := range readJSONLines[offlineTruth](t, o.truth) {
		if tr.Function == "thawfn-dev-"+fn {
			out = append(out, tr)
		}
	}
	return out
}

// startOffline starts `sls offline` on loopback ports; it is stopped at the end of the
// test.
func startOffline(t *testing.T) offline {
	t.Helper()
	dir := t.TempDir()
	truth, logPath := filepath.Join(dir, "truth.ndjson"), filepath.Join(dir, "offline.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	addr, lambdaAddr := freeAddr(t), freeAddr(t)
	port := func(a string) string { return a[strings.LastIndexByte(a, ':')+1:] }
	cmd := exec.Command("node", filepath.Join("node_modules", "serverless", "bin", "serverless.js"),
		"offline", "start", "--host", "127.0.0.1", "--httpPort", port(addr), "--lambdaPort", port(lambdaAddr),
		"--terminateIdleLambdaTime", fmt.Sprint(offlineIdleS))
	cmd.Dir, cmd.Stdout, cmd.Stderr = offlineDir, logf, logf
	cmd.Env = childEnv("THAW_FN_TRUTH="+truth, fmt.Sprintf("THAW_FN_INIT_MS=%d", offlineInitMS),
		"SLS_TELEMETRY_DISABLED=1", "SLS_NOTIFICATIONS_MODE=off")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		logf.Close()
	})
	// serverless loads a great deal of JavaScript: on a loaded machine it takes a while
	waitListening(t, addr, 3*time.Minute, logPath)
	waitListening(t, lambdaAddr, time.Minute, logPath)
	return offline{base: "http://" + addr, invoke: "http://" + lambdaAddr, truth: truth}
}

// offlineScenario is a 16-call idle sweep across the idle timeout (shuffled gaps
// below and well above it) and a burst of 4 after a long idle gap.
const offlineScenario = `
version: 1
name: offline-%s
seed: 7
target: {url: %q, timeout: 10s}
probes: [%s]
phases:
  - {name: sweep, idle: {intervals: [200ms, 400ms, 2500ms, 3s], samples: 4, order: shuffled}}
  - {name: burst, burst: {after_idle: 3s, size: 4}}
`

// TestServerlessOffline runs an idle sweep and a burst through the real CLI against
// serverless-offline, once judged by the marker probe and once by latency alone, and
// compares every verdict with the handler's own report (instance and count): the
// marker must match exactly, latency alone on the sweep must be at least 95% right.
func TestServerlessOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("starts serverless-offline (-short)")
	}
	if raceEnabled {
		// make test runs it in its first pass; under the race detector it would only add
		// a minute of idle waits, and its latency check is about timing, not races.
		t.Skip("runs in the pass without the race detector")
	}
	npmCI(t)
	fakeAWSEnv(t)
	o := startOffline(t) // one process; each run calls a function of its own
	for _, probe := range []string{"marker", "latency"} {
		t.Run(probe, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "run")
			sc := writeScenario(t, fmt.Sprintf(offlineScenario, probe, o.base+"/"+probe, probe))
			if code, stdout, stderr := runCLI(t, "run", sc, "--out", out, "--quiet", "--no-report"); code != exitOK {
				t.Fatalf("thaw run: exit %d\n%s\n%s", code, stdout, stderr)
			}
			truth := map[string]offlineTruth{}
			for _, tr := range o.truthOf(t, probe) {
				truth[tr.RequestID] = tr
			}
			checkOffline(t, probe, readSamplesFile(t, out), truth)
		})
	}
	t.Run("invoke-api", func(t *testing.T) {
		t.Parallel()
		testOfflineInvoke(t, o)
	})
}

// offlineInvokeScenario calls the function through serverless-offline's Lambda Invoke
// API with the lambda target: gaps below and above the idle timeout. The marker reads
// the proxy response's headers object in the payload.
const offlineInvokeScenario = `
version: 1
name: offline-invoke
target: {kind: lambda, function: thawfn-dev-invoke, endpoint: %q, region: us-east-1, timeout: 10s}
probes: [{marker: {cold_field: headers.X-Function-Cold, instance_field: headers.X-Function-Instance}}]
phases:
  - {name: sweep, idle: {intervals: [200ms, 2500ms], samples: 2}}
`

// testOfflineInvoke runs the lambda target against a second implementation of the
// Invoke API. serverless-offline does not take thaw's request id, so samples and the
// handler's lines (one call at a time) are compared in order.
func testOfflineInvoke(t *testing.T, o offline) {
	out := filepath.Join(t.TempDir(), "run")
	sc := writeScenario(t, fmt.Sprintf(offlineInvokeScenario, o.invoke))
	if code, stdout, stderr := runCLI(t, "run", sc, "--out", out, "--quiet", "--no-report"); code != exitOK {
		t.Fatalf("thaw run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	samples := readSamplesFile(t, out)
	slices.SortFunc(samples, func(a, b results.Sample) int { return int(a.Seq - b.Seq) })
	truth := o.truthOf(t, "invoke")
	if len(samples) != 4 || len(truth) != 4 {
		t.Fatalf("%d samples, %d handler lines; want 4 and 4", len(samples), len(truth))
	}
	t.Logf("serverless-offline Invoke API: %s", latencyLine(samples))
	for i, s := range samples {
		want := results.Warm
		if truth[i].Count == 1 {
			want = results.Cold
		}
		if s.Error != "" || s.Class != want || s.Instance != truth[i].Instance || s.DecidedBy != "marker" {
			t.Errorf("call %d: %s by %q on %q, error %q (%s); handler: count %d on %q", i, s.Class, s.DecidedBy,
				s.Instance, s.Error, s.ErrorDetail, truth[i].Count, truth[i].Instance)
		}
	}
}

// checkOffline compares thaw's verdicts with the handler's report.
func checkOffline(t *testing.T, probe string, samples []results.Sample, truth map[string]offlineTruth) {
	t.Helper()
	right, total := map[string]int{}, map[string]int{}
	var cold, warm []results.Sample
	for _, s := range samples {
		tr, ok := truth[s.RequestID]
		if !ok || s.Error != "" {
			t.Errorf("%s: error %q, in handler's report %v", s.RequestID, s.Error, ok)
			continue
		}
		want := results.Warm
		if tr.Count == 1 {
			want, cold = results.Cold, append(cold, s)
		} else {
			warm = append(warm, s)
		}
		total[s.Phase]++
		if s.Class == want {
			right[s.Phase]++
		} else {
			t.Logf("%s %s: idle %.0f ms, %.2f ms: thaw says %s (%s), handler count %d", s.Phase, s.RequestID,
				s.IdleBeforeMS, s.LatencyMS, s.Class, s.Evidence.Reasons[probe], tr.Count)
		}
		if probe == "marker" && (s.Class != want || s.Instance != tr.Instance || s.DecidedBy != "marker") {
			t.Errorf("%s: %s by %q on %q; handler: count %d on %q", s.RequestID, s.Class, s.DecidedBy, s.Instance, tr.Count, tr.Instance)
		}
	}
	t.Logf("serverless-offline: %d cold (first call %s), %d warm (%s)", len(cold), latencies(cold), len(warm), latencies(warm))
	t.Logf("%s: sweep %d/%d right, burst %d/%d right", probe, right["sweep"], total["sweep"], right["burst"], total["burst"])
	if total["sweep"] != 16 || total["burst"] != 4 || len(cold) == 0 || len(warm) == 0 {
		t.Fatalf("sweep %d, burst %d samples (want 16 and 4), %d cold and %d warm in the handler's report",
			total["sweep"], total["burst"], len(cold), len(warm))
	}
	if probe == "latency" && float64(right["sweep"]) < 0.95*16 {
		t.Errorf("latency alone: %d of 16 sweep verdicts right, want ≥ 95%%", right["sweep"])
	}
}

// latencies lists sample latencies for the test log.
func latencies(ss []results.Sample) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%.1f", s.LatencyMS)
	}
	return b.String() + " ms"
}
