package main

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/extensions/ci"
)

// actionRun is what a local run of the action's shell steps left behind.
type actionRun struct {
	outputs map[string]string            // the action's outputs
	steps   map[string]map[string]string // step id → its outputs
	failed  []string                     // names of steps that exited non-zero
	log     string                       // every step's stdout and stderr
	summary string                       // $GITHUB_STEP_SUMMARY
}

var (
	exprRe   = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	inputRe  = regexp.MustCompile(`^inputs\.([A-Za-z0-9_-]+)$`)
	stepOutR = regexp.MustCompile(`^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$`)
	condRe   = regexp.MustCompile(`^inputs\.([A-Za-z0-9_-]+) == '([^']*)'$`)
)

// runAction runs the shell steps of action.yml with bash, as the runner would for a
// composite action (bash --noprofile --norc -eo pipefail, GITHUB_OUTPUT per step,
// GITHUB_STEP_SUMMARY and RUNNER_TEMP as files), with thaw on PATH. Steps that use
// other actions (setup-go, upload-artifact, the JUnit publisher) and the install
// step are left out: thaw is this test binary.
func runAction(t *testing.T, a *ci.Action, work string, with map[string]string) actionRun {
	t.Helper()
	inputs := map[string]string{}
	for k, in := range a.Inputs {
		if in.Default != nil {
			inputs[k] = *in.Default
		}
	}
	for k, v := range with {
		if _, ok := a.Inputs[k]; !ok {
			t.Fatalf("input %q is not declared by action.yml", k)
		}
		inputs[k] = v
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	wrapper := fmt.Sprintf("#!/bin/sh\n%s=1 exec %q \"$@\"\n", cliEnv, os.Args[0])
	if err := os.WriteFile(filepath.Join(bin, "thaw"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(tmp, "summary.md")
	res := actionRun{outputs: map[string]string{}, steps: map[string]map[string]string{}}
	var log strings.Builder
	for i, s := range a.Runs.Steps {
		if s.Uses != "" || s.Name == "Install thaw" {
			continue
		}
		if !stepRuns(t, s.If, inputs, len(res.failed) > 0) {
			continue
		}
		outFile := filepath.Join(tmp, fmt.Sprintf("output-%d", i))
		script := filepath.Join(tmp, fmt.Sprintf("step-%d.sh", i))
		if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = work
		cmd.Env = append(cleanEnv(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"GITHUB_ACTIONS=true", "GITHUB_OUTPUT="+outFile, "GITHUB_STEP_SUMMARY="+summary, "RUNNER_TEMP="+tmp)
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+expand(t, v, inputs, res.steps))
		}
		out, err := cmd.CombinedOutput()
		fmt.Fprintf(&log, "== %s\n%s", s.Name, out)
		if err != nil {
			res.failed = append(res.failed, s.Name)
		}
		if s.ID != "" {
			res.steps[s.ID] = readOutputs(t, outFile)
		}
	}
	for k, o := range a.Outputs {
		res.outputs[k] = expand(t, o.Value, inputs, res.steps)
	}
	b, _ := os.ReadFile(summary)
	res.log, res.summary = log.String(), string(b)
	return res
}

// cleanEnv is the test's environment without the runner variables of a CI job that
// may be running this test.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_") && !strings.HasPrefix(kv, "RUNNER_") && !strings.HasPrefix(kv, "THAW_") {
			out = append(out, kv)
		}
	}
	return out
}

// stepRuns evaluates the if: conditions action.yml uses: always(), inputs.X == 'v'
// and their conjunction; a step without always() is skipped after a failure.
// Anything else fails the test, so the harness never guesses.
func stepRuns(t *testing.T, cond string, inputs map[string]string, failed bool) bool {
	t.Helper()
	always := false
	ok := true
	for _, part := range strings.Split(cond, "&&") {
		part = strings.TrimSpace(part)
		if m := condRe.FindStringSubmatch(part); m != nil {
			ok = ok && inputs[m[1]] == m[2]
			continue
		}
		switch part {
		case "":
		case "always()":
			always = true
		default:
			t.Fatalf("action.yml: condition %q is not understood by this test", cond)
		}
	}
	return ok && (always || !failed)
}

// expand replaces ${{ inputs.X }}, ${{ steps.ID.outputs.Y }} and ${{ A || B }}.
func expand(t *testing.T, s string, inputs map[string]string, steps map[string]map[string]string) string {
	t.Helper()
	return exprRe.ReplaceAllStringFunc(s, func(e string) string {
		for _, alt := range strings.Split(exprRe.FindStringSubmatch(e)[1], "||") {
			alt = strings.TrimSpace(alt)
			var v string
			if m := inputRe.FindStringSubmatch(alt); m != nil {
				v = inputs[m[1]]
			} else if m := stepOutR.FindStringSubmatch(alt); m != nil {
				v = steps[m[1]][m[2]]
			} else {
				t.Fatalf("action.yml: expression %q is not understood by this test", e)
			}
			if v != "" {
				return v
			}
		}
		return ""
	})
}

func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		}
	}
	return out
}

// junitCounts reads the totals of a JUnit file.
func junitCounts(t *testing.T, path string) (tests, failures, skipped int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("JUnit file: %v", err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("JUnit file: %v", err)
	}
	return doc.Tests, doc.Failures, doc.Skipped
}

// actionScenario: three bursts of four simultaneous calls after an idle gap longer
// than the emulator's keep-alive, so 12 cold starts per run.
const actionScenario = `
version: 1
name: action-test
target: {url: "http://127.0.0.1:1/", timeout: 10s}
probes: [marker, instance]
phases:
  - {name: bursts, burst: {after_idle: 400ms, size: 4, repeat: 3}}
thresholds: ["error_rate < 1%"]
`

// TestActionSteps runs the GitHub Action's own shell steps against the emulator it
// starts, for a pass, a regression (fail), an inconclusive gate and a usage error,
// and checks the outputs, the failed steps, the step summary and the JUnit file.
func TestActionSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the emulator several times; -short skips it")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatalf("bash is needed to run the action's steps: %v", err)
	}
	a, err := ci.ReadAction("../../extensions/ci/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "scenario.yaml"), []byte(strings.TrimLeft(actionScenario, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	common := map[string]string{"scenario": "scenario.yaml", "emulate": "true", "emulate-addr": "127.0.0.1:0"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range common {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	emu := "--init 200ms --keep-alive 100ms"
	// The baseline: thresholds only, extra run flags passed through run-args.
	base := runAction(t, a, work, with("out", "base", "junit", "base.xml", "emulate-args", emu, "run-args", "--threshold count>=12"))
	if base.outputs["outcome"] != "pass" || len(base.failed) > 0 || base.outputs["run-dir"] != "base" {
		t.Fatalf("baseline run: outputs %v, failed steps %v\n%s", base.outputs, base.failed, base.log)
	}
	if s := readSummary(t, filepath.Join(work, "base")); len(s.ThresholdExprs) != 2 || s.ThresholdExprs[1] != "count>=12" || s.Totals.Cold < 8 {
		t.Fatalf("baseline: thresholds %q (want run-args' count>=12 added), %d cold", s.ThresholdExprs, s.Totals.Cold)
	}
	cases := []struct {
		name     string
		with     map[string]string
		outcome  string
		failed   string // the step that must fail, "" for none
		log      string // expected in the steps' output
		skipped  int    // JUnit skipped test cases (inconclusive items)
		failures int
	}{
		// No error in 12 invocations per run decides error_rate=50pp whatever the load.
		{"pass", with("out", "same", "junit", "same.xml", "emulate-args", emu, "baseline", "base", "max-regression", "error_rate=50pp"),
			"pass", "", "PASS: thresholds 1/1 passed; gate vs base: 1 pass", 0, 0},
		// Init 200 ms → 1.5 s: the cold median's interval clears +20% even on a loaded machine.
		{"fail", with("out", "slow", "junit", "slow.xml", "emulate-args", "--init 1500ms --keep-alive 100ms", "baseline", "base", "max-regression", "cold.med=20%"),
			"fail", "Gate", "::error title=thaw regression%3A cold.med=20%", 0, 1},
		{"inconclusive", with("out", "tail", "junit", "tail.xml", "emulate-args", emu, "baseline", "base", "max-regression", "cold.p(99)=10%"),
			"inconclusive", "", "::warning title=thaw inconclusive", 1, 0},
		{"usage error", with("out", "bad", "junit", "bad.xml", "emulate-args", emu, "baseline", "base", "max-regression", "cold.p(95)=10"),
			"error", "Gate", "::error title=thaw gate::thaw gate exited 2", 0, 0},
		{"missing baseline", with("out", "nobase", "junit", "nobase.xml", "emulate-args", emu, "baseline", "nope"),
			"error", "Gate", "--baseline", 0, 0},
		{"bad run flag", with("out", "badrun", "emulate-args", emu, "run-args", "--no-such-flag"),
			"error", "Run the scenario", "::error title=thaw run::thaw run exited 2", 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runAction(t, a, work, c.with)
			failed := strings.Join(r.failed, ",")
			if r.outputs["outcome"] != c.outcome || failed != c.failed || !strings.Contains(r.log, c.log) {
				t.Fatalf("outcome %q (want %q), failed steps %q (want %q), log wants %q:\n%s",
					r.outputs["outcome"], c.outcome, failed, c.failed, c.log, r.log)
			}
			if r.steps["emulate"]["url"] == "" || strings.Contains(r.log, "did not start") {
				t.Errorf("emulator step: outputs %v", r.steps["emulate"])
			}
			if c.outcome == "error" {
				return
			}
			if !strings.Contains(r.summary, "thaw: "+strings.ToUpper(c.outcome)) {
				t.Errorf("step summary does not state %s:\n%s", strings.ToUpper(c.outcome), r.summary)
			}
			tests, failures, skipped := junitCounts(t, filepath.Join(work, c.with["junit"]))
			if tests != 2 || failures != c.failures || skipped != c.skipped {
				t.Errorf("JUnit: %d tests, %d failures, %d skipped; want 2, %d, %d", tests, failures, skipped, c.failures, c.skipped)
			}
		})
	}
}
