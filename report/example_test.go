package report_test

import (
	"os"

	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/results"
)

// Print the terminal summary of a (tiny, hand-built) run.
func ExampleTable() {
	s := &results.Summary{
		Scenario: "hello",
		Phases: []results.PhaseSummary{{Name: "burst", Workload: "burst", Count: 10, Cold: 2, Warm: 8, RateAchieved: 5,
			Latency:     results.Percentiles{Count: 10, P50: 42, P95: 610, P99: 640, Max: 640},
			ColdLatency: results.Percentiles{Count: 2, P50: 600},
			WarmLatency: results.Percentiles{Count: 8, P50: 40.5}}},
	}
	s.Totals = s.Phases[0]
	if err := report.Table(os.Stdout, s); err != nil {
		panic(err)
	}
	// Output:
	// ┌───────┬──────────┬────┬────────┬──────┬──────┬─────────┬────────┬────────┬────────┬────────┬────────┬─────────────┬─────────────┐
	// │ phase │ workload │  n │ errors │ cold │ warm │ unknown │ rate/s │ p50 ms │ p95 ms │ p99 ms │ max ms │ cold p50 ms │ warm p50 ms │
	// ├───────┼──────────┼────┼────────┼──────┼──────┼─────────┼────────┼────────┼────────┼────────┼────────┼─────────────┼─────────────┤
	// │ burst │ burst    │ 10 │      0 │    2 │    8 │       0 │   5.00 │   42.0 │    610 │    640 │    640 │         600 │        40.5 │
	// │ total │ burst    │ 10 │      0 │    2 │    8 │       0 │   5.00 │   42.0 │    610 │    640 │    640 │         600 │        40.5 │
	// └───────┴──────────┴────┴────────┴──────┴──────┴─────────┴────────┴────────┴────────┴────────┴────────┴─────────────┴─────────────┘
}
