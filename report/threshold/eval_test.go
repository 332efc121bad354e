package threshold_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

// fixture builds a summary with the real Aggregator:
//   - phase "burst": 10 cold invocations of 1000, 1100, …, 1900 ms, init 300 ms each;
//   - phase "steady": 100 warm invocations of 1, 2, …, 100 ms, of which 5 throttled
//     (status 429, so they keep a latency) and 5 refused (no response, no latency);
//     plus 10 unknown of 50 ms.
func fixture(t testing.TB) *results.Summary {
	t.Helper()
	agg := results.NewAggregator()
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	seq := int64(0)
	add := func(phase string, class results.Class, ms float64, status int, errKind string, initMS float64) {
		seq++
		agg.Add(&results.Sample{Seq: seq, Phase: phase, Start: t0.Add(time.Duration(seq) * time.Second),
			LatencyMS: ms, TTFBMS: ms, Class: class, Status: status, Error: errKind, InitMS: initMS})
	}
	for i := 0; i < 10; i++ {
		add("burst", results.Cold, 1000+100*float64(i), 200, "", 300)
	}
	for i := 1; i <= 100; i++ {
		switch {
		case i%20 == 0:
			add("steady", results.Warm, float64(i), 429, results.ErrThrottled, 0)
		case i%20 == 10:
			add("steady", results.Warm, 0, 0, results.ErrRefused, 0)
		default:
			add("steady", results.Warm, float64(i), 200, "", 0)
		}
	}
	for i := 0; i < 10; i++ {
		add("steady", results.Unknown, 50, 200, "", 0)
	}
	phases, totals, err := agg.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return &results.Summary{Scenario: "fixture", Phases: phases, Totals: totals,
		Cost: &results.Cost{Model: "aws-lambda", PerMillionUSD: 0.35}}
}

func TestEvaluateValues(t *testing.T) {
	s := fixture(t)
	// Expected values worked out by hand from the fixture; latencies within HDR's 0.1%.
	cases := []struct {
		expr  string
		value float64
		pass  bool
	}{
		{"count == 120", 120, true},
		{"phase[burst].count == 10", 10, true},
		{"cold.count == 10", 10, true},
		{"warm.count == 95", 95, true}, // refused ones have no latency
		{"cold.min < 990ms", 1000, false},
		{"cold.max < 3s", 1900, true},
		{"phase[burst].cold.max < 1.8s", 1900, false},
		{"cold.med <= 1402ms", 1400, true},
		{"cold.avg > 1440ms", 1450, true},
		{"cold.p(90) < 1.8s", 1800, false},
		{"init.p(50) < 400ms", 300, true},
		{"init.count == 10", 10, true},
		{"cold_rate < 5%", 100 * 10.0 / 110, false},    // 10 cold of 110 classified
		{"warm_rate > 90%", 100 * 100.0 / 110, true},   // 100 warm (refused too) of 110
		{"unknown_rate < 10%", 100 * 10.0 / 120, true}, // 10 unknown of 120
		{"error_rate < 1%", 100 * 10.0 / 120, false},   // 5 throttled + 5 refused
		{"throttle_rate == 0", 100 * 5.0 / 120, false},
		{"phase[burst].throttle_rate == 0", 0, true},
		{"cost_per_million < $0.40", 0.35, true},
		{"cost_per_million < 0.30", 0.35, false},
		// 95 warm latencies: 1..100 without 10, 30, 50, 70, 90. HDR takes the value of
		// rank round(q·n): p(50) is the 48th (51), p(97) the 92nd (97, not stored).
		{"phase[steady].warm.p(50) > 50.5ms", 51, true},
		{"phase[steady].warm.p(97) < 97.5ms", 97, true},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			th, err := threshold.Parse(c.expr)
			if err != nil {
				t.Fatal(err)
			}
			r := th.Evaluate(s)
			if r.Expr != c.expr {
				t.Errorf("Expr = %q", r.Expr)
			}
			if math.Abs(r.Value-c.value) > 0.002*math.Max(1, c.value) {
				t.Errorf("value = %v, want %v (%s)", r.Value, c.value, r.Detail)
			}
			if r.Pass != c.pass {
				t.Errorf("pass = %v, want %v (%s)", r.Pass, c.pass, r.Detail)
			}
			if r.Detail == "" || threshold.NotComputable(r) {
				t.Errorf("detail = %q", r.Detail)
			}
		})
	}
}

func TestEvaluateNotComputableFails(t *testing.T) {
	s := fixture(t)
	noCost := *s
	noCost.Cost = nil
	cases := []struct {
		s      *results.Summary
		expr   string
		reason string
	}{
		{s, "phase[steady].cold.p(99) < 2s", "no cold samples"},
		{s, "phase[burst].warm.avg < 2s", "no warm samples"},
		{s, "phase[steady].init.p(50) < 400ms", "no init durations"},
		{s, "intended.p(95) < 1s", "no intended-time latencies"},
		{s, "phase[nope].p(95) < 1s", `no phase "nope"`},
		{&noCost, "cost_per_million < 1", "no cost"},
		{&results.Summary{}, "error_rate < 1%", "no invocations"},
		{&results.Summary{}, "cold_rate < 1%", "no invocation classified"},
		{&results.Summary{}, "p(95) < 1s", "no latency recorded"},
	}
	for _, c := range cases {
		th, err := threshold.Parse(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		r := threshold.Evaluate(c.s, []threshold.Threshold{th})[0]
		if r.Pass || !threshold.NotComputable(r) || !strings.Contains(r.Detail, c.reason) {
			t.Errorf("%s: %+v, want a not-computable failure naming %q", c.expr, r, c.reason)
		}
	}
	// Counts are computable even when zero.
	th, _ := threshold.Parse("phase[steady].cold.count == 0")
	if r := th.Evaluate(s); !r.Pass {
		t.Errorf("cold.count in a warm phase: %+v", r)
	}
}

func TestEvaluateKeepsOrderAndUnits(t *testing.T) {
	s := fixture(t)
	ts, err := threshold.ParseAll([]string{"throttle_rate == 0", "p(95) < 1s", "cost_per_million < 1", "count > 1"})
	if err != nil {
		t.Fatal(err)
	}
	rs := threshold.Evaluate(s, ts)
	wantUnits := []string{"%", "ms", "USD", ""}
	for i, r := range rs {
		if r.Expr != ts[i].Expr || r.Unit != wantUnits[i] {
			t.Errorf("result %d = %+v, want expr %q unit %q", i, r, ts[i].Expr, wantUnits[i])
		}
	}
}

// dropped_rate and late_rate are shares of the planned arrivals, not of the
// invocations sent: 160 planned, 40 dropped (never sent), 12 late of the 120 sent.
func TestEvaluateDroppedAndLate(t *testing.T) {
	s := fixture(t)
	s.Totals.Planned, s.Totals.Dropped, s.Totals.Late = 160, 40, 12
	cases := []struct {
		expr  string
		value float64
		pass  bool
	}{
		{"dropped_rate < 1%", 25, false},
		{"dropped_rate <= 25%", 25, true},
		{"late_rate < 10%", 7.5, true},
		{"late_rate == 0", 7.5, false},
	}
	for _, c := range cases {
		th, err := threshold.Parse(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if r := th.Evaluate(s); r.Value != c.value || r.Pass != c.pass || r.Unit != "%" {
			t.Errorf("%s: %+v, want value %v pass %v", c.expr, r, c.value, c.pass)
		}
	}
	th, _ := threshold.Parse("phase[burst].dropped_rate < 1%") // a phase that planned nothing
	if r := th.Evaluate(s); r.Pass || !strings.Contains(r.Detail, "no planned arrivals") {
		t.Errorf("dropped_rate without planned arrivals: %+v, want not computable", r)
	}
}
