package main

import (
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/scenarios"
)

func TestEstimatePlan(t *testing.T) {
	cat, err := cost.ParseCatalog([]byte(`models:
  - {model: cheap, title: c, source: s, read: r, requests_per_million_usd: 1}
  - {model: dear, title: d, source: s, read: r, requests_per_million_usd: 10000}
`), "test catalog")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		yaml      string
		priced    string
		total     float64
		worst     float64
		wantAsk   string
		wantExact bool
	}{
		{"no pricing, no cost to confirm", "phases: [{name: b, burst: {size: 500}}]", "", 0, 0, "", true},
		{"own pricing", "pricing: {model: cheap}\nphases: [{name: b, burst: {size: 50}}]", "cheap", 0.00005, 0.00005, "", true},
		{"retries in the worst case", "pricing: {model: dear}\nphases: [{name: b, burst: {size: 50}}]\n", "dear", 0.5, 1.5, "", true},
		{"over a dollar asks", "pricing: {model: dear}\nphases: [{name: r, rate: {rps: 20, duration: 10s}}]", "dear", 2, 2, "cost about $2.00 on dear", true},
		{"many requests ask", "pricing: {model: cheap}\nphases: [{name: r, rate: {rps: 1000, duration: 2m}}]", "cheap", 0.12, 0.12, "about 120000 requests", true},
		{"closed model is an estimate", "pricing: {model: cheap}\nphases: [{name: w, concurrency: {workers: 2, duration: 1s}}]", "cheap", 0.00002, 0.00002, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			retry := ""
			if strings.Contains(tc.name, "retries") {
				retry = ", retry: {max: 2}"
			}
			sc, err := scenarios.ParseBytes("p.yaml", []byte("version: 1\nname: p\ntarget: {url: 'http://127.0.0.1/'"+retry+"}\n"+tc.yaml+"\n"), nil)
			if err != nil {
				t.Fatal(err)
			}
			p, err := estimatePlan(sc, cat)
			if err != nil {
				t.Fatal(err)
			}
			near := func(a, b float64) bool { return a > b*0.999 && a < b*1.001 }
			if tc.priced == "" {
				if p.Priced != nil || p.needsConfirmation() != "" || len(p.Costs) != 2 || !near(p.Costs[1].TotalUSD, 5) {
					t.Fatalf("plan %+v: want costs listed, none chosen, nothing to confirm", p)
				}
				return
			}
			if p.Priced == nil || p.Priced.Model != tc.priced || !near(p.Priced.TotalUSD, tc.total) || !near(p.Priced.WorstUSD, tc.worst) ||
				p.Requests.Exact != tc.wantExact {
				t.Fatalf("plan %+v priced %+v; want %s total %g worst %g", p, p.Priced, tc.priced, tc.total, tc.worst)
			}
			if ask := p.needsConfirmation(); (tc.wantAsk == "") != (ask == "") || !strings.Contains(ask, tc.wantAsk) {
				t.Errorf("confirmation %q, want %q", ask, tc.wantAsk)
			}
		})
	}
}
