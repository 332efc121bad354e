package cost_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
)

func catalog(t *testing.T) cost.Catalog {
	t.Helper()
	c, err := cost.DefaultCatalog()
	if err != nil {
		t.Fatalf("default catalog: %v", err)
	}
	return c
}

// stream returns a sample source of n copies of s, with sequence numbers.
func stream(n int, s results.Sample) cost.Samples {
	return func(fn func(*results.Sample) error) error {
		for i := 0; i < n; i++ {
			c := s
			c.Seq = int64(i)
			if err := fn(&c); err != nil {
				return err
			}
		}
		return nil
	}
}

func cents(usd float64) float64 { return math.Round(usd*100) / 100 }

// TestDerivedFigures checks billing rules with figures worked by hand from the catalog
// prices (not published examples).
func TestDerivedFigures(t *testing.T) {
	tests := []struct {
		name          string
		pricing       results.Pricing
		sample        results.Sample
		perMillion    float64 // marginal, USD per million invocations
		monthly       float64
		wantBilledVia string
	}{
		{
			// arm64, 1536 MB, 3M × 120 ms, no free tier (worked by hand; AWS publishes no
			// such example): 540,000 GB-s × $0.0000133334 = $7.20 + $0.60.
			name:          "lambda arm64 1536MB 120ms",
			pricing:       results.Pricing{Model: "aws-lambda", Arch: "arm64", MemoryMB: 1536, MonthlyInvocations: 3_000_000},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 120},
			perMillion:    2.60,
			monthly:       7.80,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// x86_64 twin of the Lambda example: 540,000 GB-s × $0.0000166667 = $9.00 + $0.60.
			name:          "lambda x86 1536MB 120ms",
			pricing:       results.Pricing{Model: "aws-lambda", Arch: "x86_64", MemoryMB: 1536, MonthlyInvocations: 3_000_000},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 120},
			perMillion:    3.20,
			monthly:       9.60,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// 1 ms rounding up: 100.2 ms bills 101 ms; 1024 MB → 0.101 GB-s × $0.0000166667
			// = $1.6833 per million + $0.20 requests.
			name:          "lambda 1ms rounding from server time",
			pricing:       results.Pricing{Model: "aws-lambda", MemoryMB: 1024},
			sample:        results.Sample{Status: 200, Class: results.Warm, TTFBMS: 110.2, ConnectMS: 10},
			perMillion:    1.88,
			wantBilledVia: cost.FromServerTime,
		},
		{
			// Init billed: function 100 ms + init 400 ms = 500 ms at 1024 MB =
			// 0.5 GB-s × $0.0000166667 × 1M = $8.33 + $0.20.
			name:          "lambda cold init billed",
			pricing:       results.Pricing{Model: "aws-lambda", MemoryMB: 1024},
			sample:        results.Sample{Status: 200, Class: results.Cold, PlatformDurMS: 100, InitMS: 400},
			perMillion:    8.53,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// Ephemeral storage: 10240 MB − 512 free = 9.5 GB × 1 s × $0.0000000309 =
			// $0.29 per million on top of 0.125 GB-s ($2.08) and requests ($0.20).
			name:          "lambda ephemeral storage",
			pricing:       results.Pricing{Model: "aws-lambda", MemoryMB: 128, EphemeralStorageMB: 10240},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 1000},
			perMillion:    2.58,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// Cloud Run request-based: 130 ms rounds up to 200 ms; 1 vCPU × 0.2 s ×
			// $0.000024 = $4.80/M; 0.5 GiB × 0.2 s × $0.0000025 = $0.25/M; + $0.40/M.
			name:          "cloud run 100ms rounding",
			pricing:       results.Pricing{Model: "gcp-cloud-run", MemoryMB: 512, VCPU: 1},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 130},
			perMillion:    5.45,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// Azure Consumption: 50 ms bills the 100 ms minimum; 300 MB rounds to 384 MB:
			// 0.375 GB × 0.1 s × $0.000016 = $0.60/M + $0.20/M.
			name:          "azure minimum and memory rounding",
			pricing:       results.Pricing{Model: "azure-consumption", MemoryMB: 128},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 50, MaxMemoryMB: 300},
			perMillion:    0.80,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// Flex Consumption on demand, an isolated 250 ms call: billed the 1,000 ms
			// minimum: 2 GB × 1 s × $0.000026 = $52.00/M + $0.40/M. No instance id, so
			// each call is its own instance.
			name:          "azure flex minimum",
			pricing:       results.Pricing{Model: "azure-flex-consumption", MemoryMB: 2048},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 250},
			perMillion:    52.40,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// Flex rounds up to 100 ms past the minimum: 1,230 ms bills 1,300 ms:
			// 2 GB × 1.3 s × $0.000026 = $67.60/M + $0.40/M.
			name:          "azure flex 100ms steps",
			pricing:       results.Pricing{Model: "azure-flex-consumption", MemoryMB: 2048},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 1230},
			perMillion:    68.00,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// Cloud Run Tier 2 (europe-west2): compute 1.4×: (4.80 + 0.25) × 1.4 + 0.40.
			name:          "cloud run tier 2",
			pricing:       results.Pricing{Model: "gcp-cloud-run", MemoryMB: 512, VCPU: 1, Region: "europe-west2"},
			sample:        results.Sample{Status: 200, Class: results.Warm, BilledMS: 130},
			perMillion:    7.47,
			wantBilledVia: cost.FromPlatform,
		},
		{
			// Cloudflare bills CPU time: 5 ms reported of a 40 ms response: 5 ms ×
			// $0.02/M CPU-ms = $0.0000001 + $0.30/M requests.
			name:          "cloudflare cpu time",
			pricing:       results.Pricing{Model: "cloudflare-workers"},
			sample:        results.Sample{Status: 200, Class: results.Warm, TTFBMS: 40, CPUMS: 5},
			perMillion:    0.40,
			wantBilledVia: cost.FromCPU,
		},
		{
			// Without cpu_ms, wall (server) time is priced: 40 ms × $0.02/M = $0.80/M +
			// $0.30/M, labelled an upper bound.
			name:          "cloudflare wall time upper bound",
			pricing:       results.Pricing{Model: "cloudflare-workers"},
			sample:        results.Sample{Status: 200, Class: results.Warm, TTFBMS: 40},
			perMillion:    1.10,
			wantBilledVia: cost.FromServerTime,
		},
		{
			// A request the client gave up on after 1 s kept running to the function's
			// 10 s timeout: 1 GB × 10 s × $0.0000166667 = $166.67/M + $0.20/M.
			name:          "lambda timeout billed to the limit",
			pricing:       results.Pricing{Model: "aws-lambda", MemoryMB: 1024, TimeoutMS: 10_000},
			sample:        results.Sample{Error: results.ErrTimeout, LatencyMS: 1000, Class: results.Unknown},
			perMillion:    166.87,
			wantBilledVia: cost.FromServerTime,
		},
	}
	cat := catalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := cost.Estimate(cat, tt.pricing, stream(4, tt.sample))
			if err != nil {
				t.Fatal(err)
			}
			if got := cents(c.PerMillionUSD); got != tt.perMillion {
				t.Errorf("per million = $%.4f, want $%.2f", c.PerMillionUSD, tt.perMillion)
			}
			if math.Abs(c.PerInvocationUSD*1e6-c.PerMillionUSD) > 1e-9 {
				t.Errorf("per invocation %g inconsistent with per million %g", c.PerInvocationUSD, c.PerMillionUSD)
			}
			if tt.monthly > 0 && cents(c.MonthlyUSD) != tt.monthly {
				t.Errorf("monthly = $%.4f, want $%.2f", c.MonthlyUSD, tt.monthly)
			}
			if c.BilledFrom != tt.wantBilledVia {
				t.Errorf("billed_from = %q, want %q", c.BilledFrom, tt.wantBilledVia)
			}
		})
	}
}

func TestLambdaTiers(t *testing.T) {
	cat := catalog(t)
	e, err := cat.Lookup("aws-lambda")
	if err != nil {
		t.Fatal(err)
	}
	// 7 billion GB-s on x86: 6e9 at $0.0000166667 + 1e9 at $0.000015.
	got := e.Price(cost.Units{GBSeconds: 7e9}, results.Pricing{Arch: "x86_64"}, cost.Monthly)
	if want := 6e9*0.0000166667 + 1e9*0.000015; math.Abs(got-want) > 1e-6 {
		t.Errorf("tiered price = %f, want %f", got, want)
	}
	// Marginal and Monthly agree inside the first tier with no free tier.
	u := cost.Units{Requests: 10, GBSeconds: 3}
	if m, mm := e.Price(u, results.Pricing{}, cost.Marginal), e.Price(u, results.Pricing{}, cost.Monthly); m != mm {
		t.Errorf("marginal %g != monthly %g in the first tier", m, mm)
	}
}

func TestColdWarmSplitAndShare(t *testing.T) {
	samples := func(fn func(*results.Sample) error) error {
		list := []results.Sample{
			{Status: 200, Class: results.Cold, BilledMS: 900},
			{Status: 200, Class: results.Warm, BilledMS: 100},
			{Status: 200, Class: results.Warm, BilledMS: 100},
			{Status: 200, Class: results.Warm, BilledMS: 100},
			{Error: results.ErrRefused}, // no response: not priced
		}
		for i := range list {
			if err := fn(&list[i]); err != nil {
				return err
			}
		}
		return nil
	}
	c, err := cost.Estimate(catalog(t), results.Pricing{Model: "lambda", MemoryMB: 1024, MonthlyInvocations: 1_000_000}, samples)
	if err != nil {
		t.Fatal(err)
	}
	gbs := 0.0000166667
	cold := 0.9*gbs + 0.2e-6
	warm := 0.1*gbs + 0.2e-6
	checks := []struct {
		name      string
		got, want float64
	}{
		{"cold per million", c.ColdPerMillionUSD, cold * 1e6},
		{"warm per million", c.WarmPerMillionUSD, warm * 1e6},
		{"per million", c.PerMillionUSD, (cold + 3*warm) / 4 * 1e6},
		{"cold share", c.ColdShare, cold / (cold + 3*warm)},
		{"monthly", c.MonthlyUSD, (cold + 3*warm) / 4 * 1e6},
	}
	for _, ch := range checks {
		if math.Abs(ch.got-ch.want) > 1e-9*math.Max(1, ch.want) {
			t.Errorf("%s = %g, want %g", ch.name, ch.got, ch.want)
		}
	}
	if c.Model != "aws-lambda" {
		t.Errorf("model = %q, want the canonical name", c.Model)
	}
}

func TestEstimateErrors(t *testing.T) {
	cat := catalog(t)
	if _, err := cost.Estimate(cat, results.Pricing{Model: "nope"}, stream(1, results.Sample{Status: 200})); err == nil || !strings.Contains(err.Error(), "aws-lambda") {
		t.Errorf("unknown model: err = %v, want one listing known models", err)
	}
	if _, err := cost.Estimate(cat, results.Pricing{Model: "aws-lambda"}, stream(0, results.Sample{})); err == nil {
		t.Error("no samples: want an error")
	}
	// Only throttled or unreached requests: the platform bills nothing, and says so.
	for _, s := range []results.Sample{{Error: results.ErrRefused}, {Status: 429, Error: results.ErrThrottled}} {
		c, err := cost.Estimate(cat, results.Pricing{Model: "aws-lambda"}, stream(3, s))
		if err != nil || c.PerMillionUSD != 0 || c.NotBilled != 3 || len(c.Notes) == 0 {
			t.Errorf("only %s: cost %+v, err %v; want nothing billed, 3 not billed, a note", s.Error, c, err)
		}
	}
}

func TestLoadCatalogOverride(t *testing.T) {
	path := filepath.Join(t.TempDir(), "prices.yaml")
	data := `models:
  - model: aws-lambda
    title: cheap lambda
    source: https://example.test/prices
    read: "2026-11-01"
    rounding_ms: 1
    bills_init: true
    requests_per_million_usd: 1
    gb_second_tiers:
      any: [{usd: 0.001}]
`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := cost.LoadCatalog(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cost.Estimate(cat, results.Pricing{Model: "aws-lambda", MemoryMB: 1024}, stream(2, results.Sample{Status: 200, BilledMS: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.001*1e6 + 1; math.Abs(c.PerMillionUSD-want) > 1e-6 {
		t.Errorf("per million = %g, want %g from the override", c.PerMillionUSD, want)
	}
	if _, err := cat.Lookup("cloudflare-workers"); err != nil {
		t.Errorf("shipped entries not overridden must stay: %v", err)
	}
}

func TestParseCatalogRejects(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown field", "models:\n  - model: x\n    sauce: 1\n", "sauce"},
		{"no source", "models:\n  - model: x\n", "source"},
		{"bad tiers", "models:\n  - model: x\n    source: s\n    read: r\n    gb_second_tiers:\n      any: [{up_to: 5, usd: 1}]\n", "last tier"},
		{"duplicate", "models:\n  - {model: x, source: s, read: r}\n  - {model: y, aliases: [x], source: s, read: r}\n", "twice"},
		{"empty", "models: []\n", "no models"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cost.ParseCatalog([]byte(tt.yaml), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestShippedCatalogCitesSources(t *testing.T) {
	cat := catalog(t)
	want := []string{"aws-lambda", "azure-consumption", "azure-flex-consumption", "cloudflare-workers", "gcp-cloud-run", "gcp-functions-gen1"}
	if got := strings.Join(cat.Names(), ","); got != strings.Join(want, ",") {
		t.Errorf("models = %s, want %s", got, strings.Join(want, ","))
	}
	for _, e := range cat.Models {
		if !strings.HasPrefix(e.Source, "https://") || e.Read != "2026-11-25" {
			t.Errorf("%s: source %q read %q", e.Model, e.Source, e.Read)
		}
	}
}

func FuzzParseCatalog(f *testing.F) {
	f.Add([]byte("models:\n  - {model: x, source: s, read: r}\n"))
	f.Add([]byte("models:\n  - model: x\n    gb_second_tiers: {any: [{up_to: 1, usd: 1}, {usd: 2}]}\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := cost.ParseCatalog(b, "fuzz.yaml")
		if err != nil {
			return
		}
		if verr := c.Validate(); verr != nil {
			t.Fatalf("parsed catalog fails validation: %v", verr)
		}
	})
}
