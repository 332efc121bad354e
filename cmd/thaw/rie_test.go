package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// rieInitMS is the init work of the test handler (internal/testfn/rie).
const rieInitMS = 150

// rieTruth is one line of the test handler's own report.
type rieTruth struct {
	RequestID string  `json:"request_id"`
	Instance  string  `json:"instance"`
	Count     int     `json:"count"`
	InitMS    float64 `json:"init_ms"`
}

// rie is a running AWS Lambda Runtime Interface Emulator with the test handler.
type rie struct {
	endpoint, log, truth string
}

// startRIE builds the handler (aws-lambda-go, provided.al2 style bootstrap) and the
// emulator (the go.mod tool dependency, via `go tool -n`), starts it on loopback and
// stops it at the end of the test.
func startRIE(t *testing.T) *rie {
	t.Helper()
	dir := t.TempDir()
	bootstrap := filepath.Join(dir, "bootstrap")
	goCmd(t, 3*time.Minute, "build", "-tags", "lambda.norpc", "-o", bootstrap, "./internal/testfn/rie")
	emulator := goCmd(t, 3*time.Minute, "tool", "-n", "aws-lambda-rie")
	r := &rie{log: filepath.Join(dir, "rie.log"), truth: filepath.Join(dir, "truth.ndjson")}
	addr := freeAddr(t)
	r.endpoint = "http://" + addr
	logf, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(emulator, "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", freeAddr(t), bootstrap)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, logf, logf
	cmd.Env = childEnv("THAW_FN_TRUTH="+r.truth, fmt.Sprintf("THAW_FN_INIT_MS=%d", rieInitMS))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
	})
	waitListening(t, addr, 20*time.Second, r.log)
	return r
}

// TestRIE runs scenarios/examples/lambda-rie.yaml through the real CLI: six
// sequential calls of the lambda target at the emulator, judged by the platform probe
// from the emulator's log. The first must be cold with the INIT REPORT init time, the
// other five warm, and every sample must match the handler's own report.
func TestRIE(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Lambda runtime interface emulator (-short)")
	}
	r := startRIE(t)
	fakeAWSEnv(t)
	t.Setenv("RIE_LOG", r.log)
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := runCLI(t, "run", filepath.Join("..", "..", "scenarios", "examples", "lambda-rie.yaml"),
		"--target", r.endpoint, "--out", out, "--quiet", "--no-report")
	if code != exitOK {
		log, _ := os.ReadFile(r.log)
		t.Fatalf("thaw run: exit %d\n%s\n%s\nemulator log:\n%s", code, stdout, stderr, log)
	}
	samples := readSamplesFile(t, out)
	truth := readJSONLines[rieTruth](t, r.truth)
	t.Logf("RIE: %s", latencyLine(samples))
	if len(samples) != 6 || len(truth) != 6 {
		t.Fatalf("%d samples, %d handler lines; want 6 and 6", len(samples), len(truth))
	}
	byID := map[string]rieTruth{}
	for _, tr := range truth {
		byID[tr.RequestID] = tr
	}
	for i, s := range samples {
		tr, ok := byID[s.RequestID]
		want := results.Warm
		if tr.Count == 1 {
			want = results.Cold
		}
		switch {
		case !ok:
			t.Errorf("sample %d: request id %q is not in the handler's report", i, s.RequestID)
		case s.Error != "" || s.Class != want || s.DecidedBy != "platform":
			t.Errorf("sample %d (count %d): class %s by %q, error %q; want %s by platform (reason %q)",
				i, tr.Count, s.Class, s.DecidedBy, s.Error, want, s.Evidence.Reasons["platform"])
		case tr.Count != i+1 || tr.Instance != truth[0].Instance:
			t.Errorf("sample %d: handler saw count %d on instance %s; want %d on one instance", i, tr.Count, tr.Instance, i+1)
		}
	}
	// init_ms must be the emulator's INIT REPORT figure (which covers the handler's
	// own init work), not its REPORT Init Duration (under 1 ms).
	log, err := os.ReadFile(r.log)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)`).FindSubmatch(log)
	if m == nil {
		t.Fatalf("no INIT REPORT line in the emulator's log:\n%s", log)
	}
	initReport, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	if first := samples[0]; math.Abs(first.InitMS-initReport) > 0.001 || first.InitMS < truth[0].InitMS {
		t.Errorf("cold init_ms = %.3f, want the INIT REPORT figure %.3f, at least the handler's own %.3f ms",
			first.InitMS, initReport, truth[0].InitMS)
	}
	t.Logf("RIE: cold init_ms %.2f (handler measured %.2f ms of init work)", samples[0].InitMS, truth[0].InitMS)
	sum := readSummary(t, out)
	if want := "lambda:function at " + r.endpoint; sum.Totals.Cold != 1 || sum.Totals.Warm != 5 || sum.Target != want {
		t.Errorf("summary: cold %d warm %d target %q; want 1, 5, %q", sum.Totals.Cold, sum.Totals.Warm, sum.Target, want)
	}
}

// TestRIECrash sends two calls at once: the emulator crashes (a known fault of
// it), and thaw must record the failures as data, keep going and write its files.
func TestRIECrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Lambda runtime interface emulator (-short)")
	}
	r := startRIE(t)
	fakeAWSEnv(t)
	out := filepath.Join(t.TempDir(), "run")
	sc := writeScenario(t, fmt.Sprintf(`
version: 1
name: rie-crash
target: {kind: lambda, function: function, endpoint: %q, region: us-east-1, timeout: 5s}
probes: [{platform: {log: %q}}]
phases:
  - {name: pair, burst: {size: 2}}
  - {name: after, concurrency: {workers: 1, iterations: 2}}
`, r.endpoint, r.log))
	code, stdout, stderr := runCLI(t, "run", sc, "--out", out, "--quiet", "--no-report")
	if code != exitOK {
		t.Fatalf("thaw run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	samples := readSamplesFile(t, out)
	if len(samples) != 4 {
		t.Fatalf("%d samples, want 4", len(samples))
	}
	failed, resets := 0, 0
	for _, s := range samples {
		t.Logf("%s %s: status %d error %q class %s", s.Phase, s.RequestID, s.Status, s.Error, s.Class)
		switch {
		case s.Error == "":
		case s.Error != results.ErrReset && s.Error != results.ErrRefused:
			t.Errorf("%s: error kind %q (%s), want reset or refused", s.RequestID, s.Error, s.ErrorDetail)
		case s.Class != results.Unknown:
			t.Errorf("%s failed but was judged %s", s.RequestID, s.Class)
		}
		if s.Error != "" {
			failed++
		}
		if s.Error == results.ErrReset && s.Phase == "pair" {
			resets++
		}
	}
	if resets == 0 {
		log, _ := os.ReadFile(r.log)
		t.Errorf("no reset in the concurrent pair: did the emulator not crash?\n%s", log)
	}
	if sum := readSummary(t, out); sum.Totals.Errors != int64(failed) || sum.Totals.Count != 4 {
		t.Errorf("summary: %d errors of %d, want %d of 4", sum.Totals.Errors, sum.Totals.Count, failed)
	}
}
