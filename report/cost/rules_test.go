package cost_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
)

func TestCheckPricing(t *testing.T) {
	tests := []struct {
		name   string
		p      results.Pricing
		fields string // the fields with a problem, in order
	}{
		{"good lambda", results.Pricing{Model: "aws-lambda", Arch: "arm64", MemoryMB: 512, Region: "us-east-1"}, ""},
		{"typo in model", results.Pricing{Model: "aws-lamda"}, "model"},
		{"unknown arch", results.Pricing{Model: "aws-lambda", Arch: "amd64"}, "arch"},
		{"arch on a model without archs", results.Pricing{Model: "gcp-cloud-run", Arch: "arm64"}, "arch"},
		{"unknown region", results.Pricing{Model: "gcp-cloud-run", Region: "mars-north1"}, "region"},
		{"tier 2 region", results.Pricing{Model: "gcp-cloud-run", Region: "europe-west2"}, ""},
		{"lambda memory too big", results.Pricing{Model: "aws-lambda", MemoryMB: 20480}, "memory_mb"},
		{"flex memory not a size", results.Pricing{Model: "azure-flex-consumption", MemoryMB: 1024}, "memory_mb"},
		{"no warm capacity", results.Pricing{Model: "cloudflare-workers", WarmInstances: 1}, "warm_instances"},
		{"snapstart off lambda", results.Pricing{Model: "gcp-cloud-run", SnapStart: true}, "snapstart"},
		{"concurrency on a request-billed model", results.Pricing{Model: "aws-lambda", InstanceConcurrency: 10}, "instance_concurrency"},
		{"concurrency on cloud run", results.Pricing{Model: "gcp-cloud-run", InstanceConcurrency: 80}, ""},
		{"several", results.Pricing{Model: "aws-lambda", Arch: "sparc", Region: "moon-1", MemoryMB: 64}, "arch,region,memory_mb"},
	}
	cat := catalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fields []string
			for _, p := range cat.Check(tt.p) {
				fields = append(fields, p.Field)
				if !strings.HasPrefix(p.Error(), "pricing."+p.Field+": ") {
					t.Errorf("error %q does not name its field", p.Error())
				}
			}
			if got := strings.Join(fields, ","); got != tt.fields {
				t.Errorf("problems in %q, want %q", got, tt.fields)
			}
		})
	}
}

// TestWarmCapacity prices held capacity by hand from the catalog: one provisioned
// concurrency instance of 1 GB on x86 for a 730-hour month: 1 GB × 2,628,000 s ×
// $0.0000041667 = $10.95; SnapStart adds the cache: 1 GB × 2,628,000 s × $0.0000015046
// = $3.95, and a restore of 1 GB ($0.0001397998) per cold start.
func TestWarmCapacity(t *testing.T) {
	cat := catalog(t)
	p := results.Pricing{Model: "aws-lambda", MemoryMB: 1024, WarmInstances: 1, SnapStart: true, MonthlyInvocations: 1_000_000}
	samples := func(fn func(*results.Sample) error) error {
		for _, s := range []results.Sample{
			{Status: 200, Class: results.Cold, Kind: results.KindColdRestored, BilledMS: 100},
			{Status: 200, Class: results.Warm, BilledMS: 100},
		} {
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
	c, err := cost.Estimate(cat, p, samples)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cents(c.WarmMonthlyUSD), 14.90; got != want {
		t.Errorf("warm monthly = $%.4f, want $%.2f", c.WarmMonthlyUSD, want)
	}
	if c.Restores != 1 {
		t.Errorf("restores = %d, want 1", c.Restores)
	}
	perCall := 0.1*0.0000166667 + 0.2e-6
	wantCold := (perCall + 0.0001397998) * 1e6
	if math.Abs(c.ColdPerMillionUSD-wantCold) > 1e-6 {
		t.Errorf("cold per million = %.4f, want %.4f (restore included)", c.ColdPerMillionUSD, wantCold)
	}
	wantMonthly := (2*perCall+0.0001397998)/2*1e6 + c.WarmMonthlyUSD
	if math.Abs(c.MonthlyUSD-wantMonthly) > 1e-6 {
		t.Errorf("monthly = %.4f, want %.4f", c.MonthlyUSD, wantMonthly)
	}
}

// TestInstanceTimeOutOfOrder feeds overlapping requests on two instances in scrambled
// order, across the flush horizon, and checks the busy time against the union worked
// by hand.
func TestInstanceTimeOutOfOrder(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	at := func(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }
	var list []results.Sample
	// Instance a: [0,1] [0.5,1.5] [3,4]: busy 2.5 s. Instance b: [0.2,0.4]: 0.2 s.
	for _, r := range []struct {
		inst       string
		start, dur float64
	}{{"a", 0.5, 1}, {"b", 0.2, 0.2}, {"a", 3, 1}, {"a", 0, 1}} {
		list = append(list, results.Sample{Status: 200, Class: results.Warm, Instance: r.inst, Start: at(r.start), BilledMS: r.dur * 1000})
	}
	// Then 3,000 one-second requests an hour later on new instances, to force flushes.
	for i := 0; i < 3000; i++ {
		list = append(list, results.Sample{Status: 200, Class: results.Warm, Instance: fmt.Sprintf("c%d", i), Start: at(3600 + float64(i)*2), BilledMS: 1000})
	}
	src := func(fn func(*results.Sample) error) error {
		for i := range list {
			if err := fn(&list[i]); err != nil {
				return err
			}
		}
		return nil
	}
	c, err := cost.Estimate(catalog(t), results.Pricing{Model: "azure-consumption", MemoryMB: 1024}, src)
	if err != nil {
		t.Fatal(err)
	}
	busy := 2.5 + 0.2 + 3000
	want := (busy*1*0.000016 + float64(len(list))*0.2e-6) / float64(len(list)) * 1e6
	if math.Abs(c.PerMillionUSD-want) > 1e-6 {
		t.Errorf("per million = %.6f, want %.6f (busy %.1f s)", c.PerMillionUSD, want, busy)
	}
}

// TestWarmRequestUSD prices a request served by warm capacity, by hand: Lambda
// provisioned concurrency, 1 GB x86, 100 ms: $0.20/M + 0.1 GB-s × $0.0000097222; Azure
// Flex always-ready, 2 GB, 250 ms (billed 1 s): $0.40/M + 2 GB-s × $0.000016; Cloud Run
// minimum instances bill active time at the usual rate.
func TestWarmRequestUSD(t *testing.T) {
	cat := catalog(t)
	tests := []struct {
		p    results.Pricing
		ms   float64
		want float64
	}{
		{results.Pricing{Model: "aws-lambda", MemoryMB: 1024}, 100, 0.2e-6 + 0.1*0.0000097222},
		{results.Pricing{Model: "azure-flex-consumption", MemoryMB: 2048}, 250, 0.4e-6 + 2*0.000016},
		{results.Pricing{Model: "gcp-cloud-run", MemoryMB: 512, VCPU: 1}, 200, 0.4e-6 + 0.2*0.000024 + 0.5*0.2*0.0000025},
	}
	for _, tt := range tests {
		e, err := cat.Lookup(tt.p.Model)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.WarmRequestUSD(tt.ms, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: $%g per request, want $%g", tt.p.Model, got, tt.want)
		}
	}
}

// TestTier2FreeTier: Cloud Run's free tier is a discount worth its Tier 1 price. 200,000
// vCPU-s in europe-west2 (Tier 2, 1.4×): 1.4 × $0.000024 × 200,000 = $6.72 less
// 180,000 × $0.000024 = $4.32: $2.40 (not 20,000 × 1.4 × $0.000024 = $0.67).
func TestTier2FreeTier(t *testing.T) {
	e, err := catalog(t).Lookup("gcp-cloud-run")
	if err != nil {
		t.Fatal(err)
	}
	p := results.Pricing{Model: "gcp-cloud-run", Region: "europe-west2", FreeTier: true}
	if got := e.Price(cost.Units{VCPUSeconds: 200_000}, p, cost.Monthly); math.Abs(got-2.40) > 1e-9 {
		t.Errorf("tier 2 with free tier = $%.4f, want $2.40", got)
	}
	p.Region = "us-central1"
	if got := e.Price(cost.Units{VCPUSeconds: 200_000}, p, cost.Monthly); math.Abs(got-0.48) > 1e-9 {
		t.Errorf("tier 1 with free tier = $%.4f, want $0.48", got)
	}
}
