package main

import (
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
)

// TestRunRejectsBadPricingBeforeLoad: a typo in the pricing block stops `thaw run`
// with exit 2 and the line and column, before a single request is sent.
func TestRunRejectsBadPricingBeforeLoad(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer srv.Close()
	file := writeScenario(t, `
version: 1
name: typo
target: {url: "http://127.0.0.1:1/"}
pricing: {model: aws-lambda, region: us-east-9}
phases:
  - {name: w, concurrency: {workers: 1, iterations: 3}}
`)
	code, _, stderr := runCLI(t, "run", file, "--target", srv.URL, "--out", filepath.Join(t.TempDir(), "run"), "--quiet")
	if code != exitUsage || !strings.Contains(stderr, file+":4:38: pricing.region:") {
		t.Errorf("exit %d, stderr %q; want 2 and the region's line and column", code, stderr)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests sent before the pricing was checked", n)
	}
}

// TestCloudRunPricedOnInstanceTime runs 10 closed-loop workers against an emulator
// whose instances serve 10 requests at once (like Cloud Run's concurrency; one instance
// at most, the rest queue), priced as
// gcp-cloud-run. thaw must bill the instances' busy time, not the sum of the requests'
// durations: the figure in summary.json is compared with the busy time computed from
// the emulator's ground truth (each instance's union of request intervals, rounded to
// 100 ms per busy interval), and must be far below the per-request upper bound.
func TestCloudRunPricedOnInstanceTime(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	cfg := emulator.DefaultConfig()
	cfg.PerInstanceConcurrency, cfg.MaxInstances, cfg.Queue = 10, 1, true
	em := emulatortest.Start(t, cfg)
	dir := filepath.Join(t.TempDir(), "run")
	body := `
version: 1
name: cloud-run
target: {url: "http://127.0.0.1:1/"}
probes: [marker]
pricing: {model: gcp-cloud-run, memory_mb: 512, vcpu: 1}
phases:
  - {name: shared, concurrency: {workers: 10, iterations: 300}}
`
	if code, _, stderr := runCLI(t, "run", writeScenario(t, body), "--target", em.URL()+"/?sleep=40ms",
		"--out", dir, "--quiet", "--no-report"); code != exitOK {
		t.Fatalf("thaw run: exit %d: %s", code, stderr)
	}
	if err := em.Close(); err != nil {
		t.Fatal(err)
	}
	sum := readSummary(t, dir)
	c := sum.Cost
	if c == nil || c.Billing != "instance" {
		t.Fatalf("cost %+v: want instance billing", c)
	}
	// Ground truth: per instance, the union of [arrival, arrival + latency].
	spans := map[string][][2]float64{}
	n := 0
	for _, r := range em.Truth() {
		if r.Instance == "" {
			continue
		}
		n++
		from := float64(r.ArriveNS) / 1e6
		spans[r.Instance] = append(spans[r.Instance], [2]float64{from, from + r.LatencyMS})
	}
	busyS, sumS := 0.0, 0.0
	for _, list := range spans {
		sort.Slice(list, func(i, j int) bool { return list[i][0] < list[j][0] })
		cur := list[0]
		flush := func() { busyS += math.Ceil((cur[1]-cur[0])/100-1e-9) * 0.1 }
		for _, s := range list {
			sumS += (s[1] - s[0]) / 1000
			if s[0] <= cur[1] {
				cur[1] = math.Max(cur[1], s[1])
				continue
			}
			flush()
			cur = s
		}
		flush()
	}
	// Cloud Run Tier 1: $0.000024 per vCPU-s, $0.0000025 per GiB-s, $0.40 per million.
	want := (busyS*(0.000024+0.5*0.0000025) + float64(n)*0.40e-6) / float64(n) * 1e6
	upper := (sumS*(0.000024+0.5*0.0000025) + float64(n)*0.40e-6) / float64(n) * 1e6
	t.Logf("truth: %d requests on %d instances, busy %.2f s, requests sum %.2f s; per million: thaw $%.2f, truth $%.2f, per-request upper bound $%.2f",
		n, len(spans), busyS, sumS, c.PerMillionUSD, want, upper)
	if math.Abs(c.PerMillionUSD-want) > 0.15*want {
		t.Errorf("per million $%.2f, want $%.2f ± 15%% from the emulator's ground truth", c.PerMillionUSD, want)
	}
	// Compute alone (the $0.40 request fee aside): about 10 requests share each second.
	if compute, upperCompute := c.PerMillionUSD-0.40, upper-0.40; compute > upperCompute/3 {
		t.Errorf("compute $%.2f per million is not well below the per-request figure $%.2f: concurrent requests not sharing", compute, upperCompute)
	}
}
