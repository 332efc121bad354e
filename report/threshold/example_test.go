package threshold_test

import (
	"fmt"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

func Example() {
	s := &results.Summary{Totals: results.PhaseSummary{
		Count: 200, Cold: 4, Warm: 196,
		Latency:     results.Percentiles{Count: 200, P95: 640},
		ColdLatency: results.Percentiles{Count: 4, P99: 2300},
	}}
	ts, err := threshold.ParseAll([]string{"p(95) < 800ms", "cold.p(99) < 2s", "cold_rate < 5%"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range threshold.Evaluate(s, ts) {
		fmt.Printf("%-16s pass=%-5v %s\n", r.Expr, r.Pass, r.Detail)
	}
	_, err = threshold.Parse("p(95) < 800")
	fmt.Println(err)
	// Output:
	// p(95) < 800ms    pass=true  p(95) = 640ms; holds < 800ms
	// cold.p(99) < 2s  pass=false cold.p(99) = 2300ms; fails < 2000ms
	// cold_rate < 5%   pass=true  cold_rate = 2%; holds < 5%
	// col 12: expected a unit (ms, s) after 800: p(95) is a latency (k6's unitless 800 is 800ms)
}
