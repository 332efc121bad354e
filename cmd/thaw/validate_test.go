package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("THAW_VALIDATE_TEST_URL", "http://127.0.0.1:8080/")
	good := write("good.yaml", `version: 1
name: demo
target: {url: "${THAW_VALIDATE_TEST_URL}"}
phases:
  - {name: idle, idle: {intervals: [1m, 2m], samples: 2}}
  - {name: steady, rate: {rps: 5, duration: 20s}}
`)
	three := write("three.yaml", `version: 1
name: demo
target:
  url: ${THAW_VALIDATE_TEST_MISSING}
  timout: 30s
phases:
  - {name: a, rate: {rps: 5, duration: 5x}}
`)
	lamda := write("lamda.yaml", "version: 1\nname: typo\ntarget: {url: 'http://127.0.0.1:1/'}\npricing: {model: aws-lamda}\nphases: [{name: w, concurrency: {workers: 1, iterations: 3}}]\n")
	badPricing := write("badpricing.yaml", `version: 1
name: bad
target: {url: 'http://127.0.0.1:1/'}
pricing:
  model: aws-lambda
  arch: amd64
  region: moon-1
  memory_mb: 20480
phases: [{name: w, concurrency: {workers: 1, iterations: 3}}]
`)
	single := write("single.yaml", "version: 1\nname: one\ntarget: {url: 'http://[::1]/'}\nphases: [{name: w, concurrency: {workers: 1, iterations: 3}}]\n")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr []string // one per line, in order
		wantPlan   []string // lines of the send and cost plan that follows stdout's first line
	}{
		{"valid", []string{"validate", good}, 0, "ok: demo: 2 phases, about 6m20s of load\n", nil,
			[]string{"sends: 104 requests, exactly", "aws-lambda  $0.00000041  $0.00004247  $0.00652081"}},
		{"one phase", []string{"validate", single}, 0, "ok: one: 1 phase, about 0s of load\n", nil,
			[]string{"sends: 3 requests, exactly", "gcp-cloud-run  $0.00000293"}},
		{"three problems", []string{"validate", three}, 2, "", []string{
			three + ":4:8: target.url: environment variable THAW_VALIDATE_TEST_MISSING is not set",
			three + ":5:3: target.timout: unknown field",
			three + `:7:40: phases[0].rate.duration: want a duration like 30s or 1m30s, got "5x"`}, nil},
		{"pricing model typo", []string{"validate", lamda}, 2, "", []string{
			lamda + `:4:18: pricing.model: unknown model "aws-lamda" (known: aws-lambda,`}, nil},
		{"pricing arch, region, memory", []string{"validate", badPricing}, 2, "", []string{
			badPricing + `:6:9: pricing.arch: "amd64" is not an arch of aws-lambda (x86_64, arm64)`,
			badPricing + `:7:11: pricing.region: "moon-1" is not a region the catalog prices for aws-lambda`,
			badPricing + ":8:14: pricing.memory_mb: 20480 MB: out of range (128 to 10240 MB) for aws-lambda"}, nil},
		{"missing file", []string{"validate", filepath.Join(dir, "nope.yaml")}, 2, "", []string{"read scenario"}, nil},
		{"no argument", []string{"validate"}, 2, "", []string{"thaw: accepts 1 arg(s)"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			first, plan, _ := strings.Cut(stdout.String(), "\n")
			if stdout.Len() > 0 {
				first += "\n"
			}
			for _, want := range tc.wantPlan {
				if !strings.Contains(plan, want) {
					t.Errorf("plan %q lacks %q", plan, want)
				}
			}
			if code != tc.wantCode || first != tc.wantStdout {
				t.Errorf("exit %d, stdout %q; want %d, %q (stderr %q)", code, stdout.String(), tc.wantCode, tc.wantStdout, stderr.String())
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if tc.wantStderr == nil {
				if stderr.Len() != 0 {
					t.Errorf("stderr %q, want nothing", stderr.String())
				}
				return
			}
			if len(lines) != len(tc.wantStderr) {
				t.Fatalf("stderr lines %q, want %d", lines, len(tc.wantStderr))
			}
			for i, want := range tc.wantStderr {
				if !strings.Contains(lines[i], want) {
					t.Errorf("stderr line %d = %q, want it to contain %q", i, lines[i], want)
				}
			}
		})
	}
}
