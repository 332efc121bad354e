package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// gateTestRun writes a real run directory: n invocations, 25% cold (log-normal around
// coldMS), warm around 20 ms, with the given scenario thresholds.
func gateTestRun(t *testing.T, n int, coldMS float64, seed uint64, thresholds ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	w, err := results.CreateWriter(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	agg := results.NewAggregator()
	rng := rand.New(rand.NewPCG(seed, 99))
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		s := results.Sample{Seq: int64(i + 1), Phase: "steady", Start: t0.Add(time.Duration(i) * time.Millisecond),
			Status: 200, Class: results.Warm, LatencyMS: 20 * math.Exp(0.25*rng.NormFloat64())}
		if rng.Float64() < 0.25 {
			s.Class, s.LatencyMS = results.Cold, coldMS*math.Exp(0.25*rng.NormFloat64())
		}
		if err := w.Write(&s); err != nil {
			t.Fatal(err)
		}
		agg.Add(&s)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	phases, totals, err := agg.Summary()
	if err != nil {
		t.Fatal(err)
	}
	sum := &results.Summary{Scenario: "gate-test", Started: t0, Ended: t0.Add(time.Duration(n) * time.Millisecond),
		Phases: phases, Totals: totals, ThresholdExprs: thresholds}
	if err := results.WriteSummary(dir, sum); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestGateExitCodes(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "")
	t.Setenv("GITHUB_STEP_SUMMARY", "")
	base := gateTestRun(t, 4000, 800, 1, "cold.p(99) < 5s")
	same := gateTestRun(t, 4000, 800, 2, "cold.p(99) < 5s")
	slow := gateTestRun(t, 4000, 1040, 3) // cold latency +30%
	small := gateTestRun(t, 10, 800, 4)
	breaks := gateTestRun(t, 400, 800, 5, "cold.p(50) < 100ms")
	budget := "cold.p(95)=10%,cold_rate=5pp"
	other := gateTestRun(t, 4000, 800, 6)
	renamed := readSummary(t, other)
	renamed.Scenario = "another-scenario"
	if err := results.WriteSummary(other, renamed); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring expected in stdout
		stderr string // substring expected in stderr
	}{
		{"thresholds only, pass", []string{"gate", same}, 0, "PASS: thresholds 1/1 passed", ""},
		{"same distribution passes", []string{"gate", same, "--baseline", base, "--max-regression", budget}, 0, "PASS", ""},
		{"default budget", []string{"gate", same, "--baseline", base}, 0, "cold.med=10%", ""},
		{"cold +30% fails", []string{"gate", slow, "--baseline", base, "--max-regression", budget}, 1, "FAIL", ""},
		{"threshold fails", []string{"gate", breaks}, 1, "FAIL: thresholds 0/1 passed", ""},
		{"flag threshold fails", []string{"gate", same, "--threshold", "warm.p(50) < 1ms"}, 1, "warm.p(50) < 1ms", ""},
		{"10 samples inconclusive", []string{"gate", small, "--baseline", base, "--max-regression", budget}, 0, "INCONCLUSIVE", ""},
		{"10 samples strict", []string{"gate", small, "--baseline", base, "--max-regression", budget, "--strict"}, 1, "--strict", ""},
		{"bad threshold", []string{"gate", same, "--threshold", "p(95) < 800"}, 2, "", "col 12: expected a unit"},
		{"bad budget", []string{"gate", same, "--baseline", base, "--max-regression", "cold.p(95)=10"}, 2, "", "col 14"},
		{"budget without baseline", []string{"gate", same, "--max-regression", budget}, 2, "", "needs --baseline"},
		{"missing run", []string{"gate", filepath.Join(t.TempDir(), "nope")}, 2, "", "read summary"},
		{"missing baseline", []string{"gate", same, "--baseline", filepath.Join(t.TempDir(), "nope")}, 2, "", "--baseline"},
		{"no run", []string{"gate"}, 2, "", "one run directory"},
		{"baseline of another scenario", []string{"gate", same, "--baseline", other}, 2, "", `scenario "another-scenario", the new run of "gate-test"`},
		{"--allow-different", []string{"gate", same, "--baseline", other, "--allow-different", "--max-regression", budget}, 0, "PASS", ""},
		{"bad confidence", []string{"gate", same, "--confidence", "1.5"}, 2, "", "--confidence"},
		{"bad flag", []string{"gate", same, "--nope"}, 2, "", "unknown flag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(c.args, &stdout, &stderr)
			if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("exit %d, want %d\nstdout (want %q):\n%s\nstderr (want %q):\n%s", code, c.code, c.stdout, stdout.String(), c.stderr, stderr.String())
			}
		})
	}
}

func TestGateCIOutputs(t *testing.T) {
	base := gateTestRun(t, 4000, 800, 1)
	slow := gateTestRun(t, 4000, 1040, 3, "cold_rate < 50%")
	summary := filepath.Join(t.TempDir(), "step-summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	t.Setenv("GITHUB_ACTIONS", "true")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	var stdout, stderr bytes.Buffer
	code := run([]string{"gate", slow, "--baseline", base, "--max-regression", "cold.p(95)=10%,cold_rate=5pp", "--junit", junit}, &stdout, &stderr)
	if code != exitFail {
		t.Fatalf("exit %d, want 1; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "::error title=thaw regression%3A cold.p(95)=10%25::") {
		t.Errorf("no annotation for the regression:\n%s", stdout.String())
	}
	if strings.Count(stdout.String(), "::error") != 1 {
		t.Errorf("want exactly one annotation (passing items are not annotated):\n%s", stdout.String())
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(md), "earlier step\n### ❌ thaw: FAIL") || !strings.Contains(string(md), "| `cold.p(95)=10%` |") {
		t.Errorf("step summary not appended as Markdown:\n%s", md)
	}
	x, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<testsuites name="thaw" tests="3" failures="1"`, `<testcase name="cold_rate &lt; 50%" classname="thaw.thresholds"`,
		`<testcase name="cold.p(95)=10%" classname="thaw.gate"`, `<failure message="fail: cold.p(95)`} {
		if !strings.Contains(string(x), want) {
			t.Errorf("JUnit lacks %s:\n%s", want, x)
		}
	}
}
