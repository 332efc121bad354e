package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// priceyCatalog writes a pricing catalog with one model that costs cents per request
// (requests only), so guards can be tested with a handful of loopback requests.
func priceyCatalog(t *testing.T, usdPerMillion string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pricing.yaml")
	body := `models:
  - model: pricey
    title: test model priced per request
    source: https://example.invalid/pricing
    read: "2026-12-01"
    requests_per_million_usd: ` + usdPerMillion + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// countingServer answers 200 at once and counts requests.
func countingServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// TestGuards runs the real CLI with each guard: plans that break max_requests, max_rps
// or the budget are refused before one request is sent (exit 3); a run that would send
// too much or cost too much needs --yes off a terminal (exit 2 with the reason); a
// closed-model run stops at max_requests or before its spend passes the budget (exit 3,
// samples written, counts adding up).
func TestGuards(t *testing.T) {
	pricey := priceyCatalog(t, "10000") // $0.01 a request
	dear := priceyCatalog(t, "600000")  // $0.60 a request
	tests := []struct {
		name      string
		scenario  string // after the target line
		args      []string
		wantExit  int
		wantSent  func(n int64) bool
		wantInErr string
	}{
		{"max_requests refuses the plan", "max_requests: 50\nphases: [{name: p, rate: {rps: 100, duration: 1s}}]\n", nil,
			exitAborted, zero, "plan 100 requests, more than max_requests 50"},
		{"max_rps refuses the plan", "max_rps: 50\nphases: [{name: p, rate: {rps: 100, duration: 1s}}]\n", nil,
			exitAborted, zero, "plans 100 requests/s, more than max_rps 50"},
		{"budget refuses the plan", "pricing: {model: pricey}\nbudget: {max_usd: 0.5}\nphases: [{name: p, burst: {size: 60}}]\n",
			[]string{"--pricing", pricey}, exitAborted, zero, "estimated cost $0.6000 on pricey"},
		{"too many requests needs --yes", "phases: [{name: p, rate: {rps: 2000, duration: 60s}}]\n", nil,
			exitUsage, zero, "it would send about 120000 requests (more than 100000); pass --yes"},
		{"too dear needs --yes", "pricing: {model: pricey}\nphases: [{name: p, burst: {size: 2}}]\n",
			[]string{"--pricing", dear}, exitUsage, zero, "it would cost about $1.20 on pricey (more than $1.00)"},
		{"--yes runs it", "pricing: {model: pricey}\nphases: [{name: p, burst: {size: 2}}]\n",
			[]string{"--pricing", dear, "--yes"}, exitOK, exactly(2), ""},
		{"max_requests stops a closed-model run", "max_requests: 30\nphases: [{name: p, concurrency: {workers: 3, duration: 30s}}]\n", nil,
			exitAborted, exactly(30), "max_requests 30 reached"},
		{"budget stops a run before it passes", "pricing: {model: pricey}\nbudget: {max_usd: 0.255}\nphases: [{name: p, concurrency: {workers: 2, duration: 1s}}]\n",
			[]string{"--pricing", pricey}, exitAborted, exactly(25), "budget max_usd $0.2550"},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			url, sent := countingServer(t)
			file := writeScenario(t, "version: 1\nname: guard\ntarget: {url: \""+url+"\"}\n"+tc.scenario)
			dir := filepath.Join(t.TempDir(), "run")
			args := append([]string{"run", file, "--out", dir, "--quiet", "--no-report"}, tc.args...)
			code, _, stderr := runCLI(t, args...)
			if code != tc.wantExit || !strings.Contains(stderr, tc.wantInErr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tc.wantExit, tc.wantInErr)
			}
			if !tc.wantSent(sent.Load()) {
				t.Fatalf("the target saw %d requests", sent.Load())
			}
			if sent.Load() > 0 {
				sum, _ := checkAddsUp(t, dir, int(sent.Load()), true)
				if tc.wantExit == exitAborted && !strings.Contains(sum.AbortReason, tc.wantInErr) {
					t.Errorf("abort reason %q", sum.AbortReason)
				}
			}
		})
	}
}

func zero(n int64) bool { return n == 0 }

func exactly(want int64) func(int64) bool { return func(n int64) bool { return n == want } }

// TestConfirmOnTerminal: on a terminal, a large run asks and goes on only on yes.
func TestConfirmOnTerminal(t *testing.T) {
	tests := []struct {
		answer string
		ok     bool
	}{{"y\n", true}, {"yes\n", true}, {"n\n", false}, {"\n", false}, {"", false}}
	for _, tc := range tests {
		var prompt strings.Builder
		err := confirm("it would send a lot", false, strings.NewReader(tc.answer), true, &prompt)
		if (err == nil) != tc.ok || !strings.Contains(prompt.String(), "Continue? [y/N]") {
			t.Errorf("answer %q: err %v, prompt %q", tc.answer, err, prompt.String())
		}
	}
}
