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

// TestPublishedExamples reproduces the worked examples on the providers' price pages,
// to the cent, by streaming samples of the example's duration and projecting to the
// example's monthly volume. Each names its page; the pages were read on the catalog's
// date (2026-11-25; AWS's three on 2026-12-01 with the figures quoted in issue 15).
func TestPublishedExamples(t *testing.T) {
	tests := []struct {
		name    string
		source  string
		pricing results.Pricing
		sample  results.Sample
		want    float64
	}{
		{
			// https://aws.amazon.com/lambda/pricing/ (x86, 1536 MB, 3 million requests of
			// 120 ms, free tier): 540,000 − 400,000 GB-s = 140,000 × $0.0000166667 =
			// $2.33; (3M − 1M) × $0.20/M = $0.40; total $2.73.
			name:    "aws lambda x86 1536MB 3M x 120ms free tier",
			source:  "https://aws.amazon.com/lambda/pricing/",
			pricing: results.Pricing{Model: "aws-lambda", Arch: "x86_64", MemoryMB: 1536, FreeTier: true, MonthlyInvocations: 3_000_000},
			sample:  results.Sample{Status: 200, Class: results.Warm, BilledMS: 120},
			want:    2.73,
		},
		{
			// https://aws.amazon.com/lambda/pricing/ (1 GB, 7.44 million requests of 2 s,
			// no free tier): 14,880,000 GB-s × $0.0000166667 = $248.00; 7.44M × $0.20/M =
			// $1.49; total $249.49.
			name:    "aws lambda 1GB 7.44M x 2s",
			source:  "https://aws.amazon.com/lambda/pricing/",
			pricing: results.Pricing{Model: "aws-lambda", MemoryMB: 1024, MonthlyInvocations: 7_440_000},
			sample:  results.Sample{Status: 200, Class: results.Warm, BilledMS: 2000},
			want:    249.49,
		},
		{
			// https://aws.amazon.com/lambda/pricing/ (4096 MB, 6 million requests of
			// 280 ms, 2 GB ephemeral storage, free tier): 6,720,000 − 400,000 GB-s ×
			// $0.0000166667 = $105.33; (6M − 1M) × $0.20/M = $1.00; ephemeral (2048 −
			// 512) MB = 1.5 GB × 1,680,000 s × $0.0000000309 = $0.08; total $106.41.
			name:    "aws lambda 4096MB 6M x 280ms 2GB ephemeral",
			source:  "https://aws.amazon.com/lambda/pricing/",
			pricing: results.Pricing{Model: "aws-lambda", MemoryMB: 4096, EphemeralStorageMB: 2048, FreeTier: true, MonthlyInvocations: 6_000_000},
			sample:  results.Sample{Status: 200, Class: results.Warm, BilledMS: 280},
			want:    106.41,
		},
		{
			// https://cloud.google.com/functions/pricing-1stgen (example: 128 MB / 200 MHz,
			// 10 million invocations a month, 300 ms each, free tier): invocations
			// (10M − 2M) × $0.40/M = $3.20; 375,000 GB-s is under the 400,000 free;
			// 600,000 GHz-s − 200,000 free = 400,000 × $0.00001 = $4.00; total $7.20.
			name:    "gcp functions 1st gen 128MB 10M x 300ms free tier",
			source:  "https://cloud.google.com/functions/pricing-1stgen",
			pricing: results.Pricing{Model: "gcp-functions-gen1", MemoryMB: 128, FreeTier: true, MonthlyInvocations: 10_000_000},
			sample:  results.Sample{Status: 200, Class: results.Warm, BilledMS: 300},
			want:    7.20,
		},
		{
			// https://azure.microsoft.com/en-us/pricing/details/functions/ (Consumption
			// plan pricing example: 512 MB observed memory, 3 million executions of 1 s,
			// free grant): 1,500,000 GB-s − 400,000 = 1,100,000 × $0.000016 = $17.60;
			// (3M − 1M) × $0.20/M = $0.40; total $18.00. One execution per instance.
			name:    "azure consumption 512MB 3M x 1s free grant",
			source:  "https://azure.microsoft.com/en-us/pricing/details/functions/",
			pricing: results.Pricing{Model: "azure-consumption", MemoryMB: 128, FreeTier: true, MonthlyInvocations: 3_000_000},
			sample:  results.Sample{Status: 200, Class: results.Warm, BilledMS: 1000, MaxMemoryMB: 512},
			want:    18.00,
		},
		{
			// https://developers.cloudflare.com/workers/platform/pricing/ (example: 15
			// million requests a month, 7 ms CPU each): $5 subscription + (15M − 10M) ×
			// $0.30/M = $1.50 + (105M − 30M) CPU ms × $0.02/M = $1.50; total $8.00.
			name:    "cloudflare workers 15M x 7ms cpu",
			source:  "https://developers.cloudflare.com/workers/platform/pricing/",
			pricing: results.Pricing{Model: "cloudflare-workers", MonthlyInvocations: 15_000_000},
			sample:  results.Sample{Status: 200, Class: results.Warm, TTFBMS: 30, CPUMS: 7},
			want:    8.00,
		},
	}
	cat := catalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := cost.Estimate(cat, tt.pricing, stream(10, tt.sample))
			if err != nil {
				t.Fatal(err)
			}
			if got := cents(c.MonthlyUSD); got != tt.want {
				t.Errorf("monthly = $%.4f, want $%.2f (%s)", c.MonthlyUSD, tt.want, tt.source)
			}
			if c.BilledFrom == cost.FromServerTime {
				t.Errorf("billed_from = %q, want a reported figure", c.BilledFrom)
			}
			if !strings.Contains(c.Source, "2026-") {
				t.Errorf("source %q lacks the date read", c.Source)
			}
		})
	}
}

// hourOfLoad streams one hour of 40 requests a second of durMS each, spread over
// instances (request i on instance i mod instances), as thaw records them.
func hourOfLoad(instances int, durMS float64) cost.Samples {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	return func(fn func(*results.Sample) error) error {
		for i := 0; i < 40*3600; i++ {
			s := results.Sample{
				Seq: int64(i), Status: 200, Class: results.Warm, BilledMS: durMS,
				Start:    t0.Add(time.Duration(i) * 25 * time.Millisecond),
				Instance: fmt.Sprintf("i-%d", i%instances),
			}
			if err := fn(&s); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestFlexPublishedExamples reproduces Microsoft's Flex Consumption on-demand examples
// from samples: 2,048 MB instances, 40 executions a second of 250 ms, i.e. 10 in flight
// at any moment. IO-bound, one instance takes all 10 at once: 1 instance × 2 GB ×
// 3,600 s × $0.000026 = $0.1872 + 144,000 × $0.40/M = $0.0576 → $0.245 an hour.
// CPU-bound, one execution per instance, so 10 instances: $1.872 + $0.0576 = $1.9296.
// Source: https://learn.microsoft.com/en-us/azure/azure-functions/functions-consumption-costs
// (Flex Consumption examples); the hourly totals are the published ones quoted in issue
// 15; the stored copies read here did not include the example text, so the inputs
// (40/s, 250 ms) are the ones that reproduce both totals. The difference allowed, under
// a tenth of a cent, is the hour's last second (the last executions end after it).
func TestFlexPublishedExamples(t *testing.T) {
	tests := []struct {
		name      string
		instances int
		want      float64
	}{
		{"io-bound: 10 concurrent on one instance", 1, 0.245},
		{"cpu-bound: one per instance", 10, 1.9296},
	}
	cat := catalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := cost.Estimate(cat, results.Pricing{Model: "azure-flex-consumption", MemoryMB: 2048}, hourOfLoad(tt.instances, 250))
			if err != nil {
				t.Fatal(err)
			}
			hour := c.PerMillionUSD * 144_000 / 1e6
			t.Logf("an hour from samples: $%.4f (published $%.4f)", hour, tt.want)
			if math.Abs(hour-tt.want) > 0.001 {
				t.Errorf("an hour = $%.4f, want $%.4f", hour, tt.want)
			}
			if c.Billing != cost.BillInstance {
				t.Errorf("billing = %q, want instance", c.Billing)
			}
		})
	}
}

// TestCloudRunSharesInstanceTime: 10 concurrent 200 ms requests on one instance, once
// a second for a minute. Instance time is 60 × 200 ms = 12 s, not the 120 s the
// requests add up to: 1 vCPU × 12 s × $0.000024 + 0.5 GiB × 12 s × $0.0000025 + 600 ×
// $0.40/M = $0.000303. Without instance ids every request is its own instance: 10×
// the compute, labelled an upper bound.
func TestCloudRunSharesInstanceTime(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	samples := func(withIDs bool) cost.Samples {
		return func(fn func(*results.Sample) error) error {
			for sec := 0; sec < 60; sec++ {
				for k := 9; k >= 0; k-- { // completion order, not start order
					s := results.Sample{Status: 200, Class: results.Warm, BilledMS: 200,
						Start: t0.Add(time.Duration(sec) * time.Second), Seq: int64(sec*10 + k)}
					if withIDs {
						s.Instance = "run-1"
					}
					if err := fn(&s); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	p := results.Pricing{Model: "gcp-cloud-run", MemoryMB: 512, VCPU: 1}
	shared, err := cost.Estimate(catalog(t), p, samples(true))
	if err != nil {
		t.Fatal(err)
	}
	busy := 60 * 0.2
	want := busy*0.000024 + 0.5*busy*0.0000025 + 600*0.40/1e6
	if got := shared.PerInvocationUSD * 600; math.Abs(got-want) > 1e-9 {
		t.Errorf("instance-time cost = $%.6f, want $%.6f", got, want)
	}
	if shared.Billing != cost.BillInstance {
		t.Errorf("billing = %q, want instance", shared.Billing)
	}
	alone, err := cost.Estimate(catalog(t), p, samples(false))
	if err != nil {
		t.Fatal(err)
	}
	if alone.Billing != cost.BillInstanceUpperBound || len(alone.Notes) == 0 {
		t.Errorf("no ids: billing %q notes %q, want an upper bound said in words", alone.Billing, alone.Notes)
	}
	if ratio := alone.PerMillionUSD / shared.PerMillionUSD; ratio < 5 {
		t.Errorf("sum of requests / instance time = %.1f, want the sharing to show (> 5)", ratio)
	}
	// Without ids but with the platform's concurrency (10), the requests are packed
	// onto one instance: the same figure as with ids, labelled an estimate, with the
	// upper bound in the notes.
	p.InstanceConcurrency = 10
	packed, err := cost.Estimate(catalog(t), p, samples(false))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(packed.PerMillionUSD-shared.PerMillionUSD) > 1e-9 || packed.Billing != cost.BillInstanceEstimate {
		t.Errorf("packed: $%.4f per million, billing %q; want $%.4f, instance_estimate", packed.PerMillionUSD, packed.Billing, shared.PerMillionUSD)
	}
	if !strings.Contains(strings.Join(packed.Notes, " "), fmt.Sprintf("$%.2f per million (the upper bound)", alone.PerMillionUSD)) {
		t.Errorf("notes %q lack the upper bound $%.2f", packed.Notes, alone.PerMillionUSD)
	}
	// At concurrency 5 the ten requests need two instances: twice the compute.
	p.InstanceConcurrency = 5
	two, err := cost.Estimate(catalog(t), p, samples(false))
	if err != nil {
		t.Fatal(err)
	}
	wantTwo := (2*busy*0.000024 + 2*0.5*busy*0.0000025 + 600*0.40/1e6) / 600 * 1e6
	if math.Abs(two.PerMillionUSD-wantTwo) > 1e-9 {
		t.Errorf("concurrency 5: $%.4f per million, want $%.4f", two.PerMillionUSD, wantTwo)
	}
}
