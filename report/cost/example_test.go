package cost_test

import (
	"fmt"

	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
)

// Price one cold and three warm invocations on arm64 Lambda with 512 MB, from the
// billed durations the platform reported, and project ten million invocations a month.
// By hand: cold 0.5 GB × 0.85 s × $0.0000133334 + $0.0000002 = $5.87 per million; warm
// 0.5 GB × 0.04 s × $0.0000133334 + $0.0000002 = $0.47; mean (5.87 + 3 × 0.47) / 4.
func ExampleEstimate() {
	cat, err := cost.DefaultCatalog()
	if err != nil {
		panic(err)
	}
	samples := []results.Sample{
		{Status: 200, Class: results.Cold, BilledMS: 850},
		{Status: 200, Class: results.Warm, BilledMS: 40},
		{Status: 200, Class: results.Warm, BilledMS: 40},
		{Status: 200, Class: results.Warm, BilledMS: 40},
	}
	p := results.Pricing{Model: "aws-lambda", Arch: "arm64", MemoryMB: 512, MonthlyInvocations: 10_000_000}
	c, err := cost.Estimate(cat, p, func(fn func(*results.Sample) error) error {
		for i := range samples {
			if err := fn(&samples[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("per million: $%.2f (cold $%.2f, warm $%.2f)\n", c.PerMillionUSD, c.ColdPerMillionUSD, c.WarmPerMillionUSD)
	fmt.Printf("cold share %.0f%%, billed from %s, monthly $%.2f\n", c.ColdShare*100, c.BilledFrom, c.MonthlyUSD)
	// Output:
	// per million: $1.82 (cold $5.87, warm $0.47)
	// cold share 81%, billed from platform, monthly $18.17
}
