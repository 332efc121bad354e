package scenarios_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// TestSegmentSchedulesPartition: for every kind of open-model schedule and n = 1…4,
// the n segments' arrivals together are exactly the whole schedule's: none lost,
// none doubled, each segment's own arrivals in order.
func TestSegmentSchedulesPartition(t *testing.T) {
	ramp := scenarios.NewRampSchedule(0, []scenarios.Stage{{To: 100, Over: scenarios.Duration(3 * time.Second)}, {To: 10, Over: scenarios.Duration(2 * time.Second)}})
	bases := map[string]func() scenarios.Schedule{
		"constant": func() scenarios.Schedule { return scenarios.ConstantSchedule{RPS: 97, Duration: 3 * time.Second} },
		"ramp":     func() scenarios.Schedule { return ramp },
		"poisson": func() scenarios.Schedule {
			return scenarios.NewPoissonSchedule(scenarios.ConstantSchedule{RPS: 50, Duration: 4 * time.Second}, 9)
		},
	}
	for name, base := range bases {
		whole := arrivals(base(), 1_000_000)
		if len(whole) < 100 {
			t.Fatalf("%s: only %d arrivals", name, len(whole))
		}
		for n := 1; n <= 4; n++ {
			var union []time.Duration
			for i := 1; i <= n; i++ {
				part := arrivals(scenarios.SegmentSchedule{Base: base(), Segment: results.Segment{Index: i, Count: n}}, 1_000_000)
				if !slices.IsSorted(part) {
					t.Errorf("%s %d/%d: arrivals out of order", name, i, n)
				}
				if want := scenarios.SplitCount(int64(len(whole)), results.Segment{Index: i, Count: n}); int64(len(part)) != want {
					t.Errorf("%s %d/%d: %d arrivals, want %d", name, i, n, len(part), want)
				}
				union = append(union, part...)
			}
			slices.Sort(union)
			if !slices.Equal(union, whole) {
				t.Errorf("%s in %d segments: union of %d arrivals differs from the whole's %d", name, n, len(union), len(whole))
			}
		}
	}
	s := scenarios.SegmentSchedule{Base: scenarios.ConstantSchedule{RPS: 90, Duration: time.Second}, Segment: results.Segment{Index: 2, Count: 3}}
	if got := s.RateAt(0); got != 30 {
		t.Errorf("rate of 2/3 of 90 rps = %v, want 30", got)
	}
}

func TestSplitCount(t *testing.T) {
	for _, tc := range []struct {
		total int64
		n     int
		want  []int64
	}{{10, 3, []int64{4, 3, 3}}, {2, 3, []int64{1, 1, 0}}, {0, 2, []int64{0, 0}}, {7, 1, []int64{7}}} {
		var got []int64
		for i := 1; i <= tc.n; i++ {
			got = append(got, scenarios.SplitCount(tc.total, results.Segment{Index: i, Count: tc.n}))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("SplitCount(%d, n=%d) = %v, want %v", tc.total, tc.n, got, tc.want)
		}
	}
}

// TestSegmentGapsAndClosed: idle gaps and closed-model workers and iterations split
// so the parts add up to the whole, even with fewer workers than segments.
func TestSegmentGapsAndClosed(t *testing.T) {
	gaps := scenarios.IdleGaps([]time.Duration{time.Second, 2 * time.Second, 5 * time.Second}, 3, true, 4)
	for n := 1; n <= 4; n++ {
		var union []time.Duration
		for i := 1; i <= n; i++ {
			union = append(union, scenarios.SegmentGaps(gaps, results.Segment{Index: i, Count: n})...)
		}
		if a, b := slices.Sorted(slices.Values(union)), slices.Sorted(slices.Values(gaps)); !slices.Equal(a, b) {
			t.Errorf("idle gaps in %d segments: %v, want %v", n, a, b)
		}
	}
	for _, plan := range []scenarios.ClosedPlan{{Workers: 8, Iterations: 100}, {Workers: 2, Iterations: 7}, {Workers: 5, Duration: time.Second}} {
		for n := 1; n <= 4; n++ {
			var workers int
			var iters int64
			for i := 1; i <= n; i++ {
				p := scenarios.SegmentClosed(plan, results.Segment{Index: i, Count: n})
				if p.Iterations > 0 && p.Workers == 0 {
					t.Errorf("%+v %d/%d: %d iterations and no worker", plan, i, n, p.Iterations)
				}
				if p.Duration != plan.Duration {
					t.Errorf("%+v %d/%d: duration %v", plan, i, n, p.Duration)
				}
				workers += p.Workers
				iters += p.Iterations
			}
			if workers != plan.Workers || iters != plan.Iterations {
				t.Errorf("%+v in %d segments: %d workers, %d iterations", plan, n, workers, iters)
			}
		}
	}
}

func TestCheckStartAt(t *testing.T) {
	now := time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(30 * time.Second), ""},
		{now.Add(-time.Second), ""}, // within the clock skew allowed
		{now.Add(-time.Minute), "passed 1m0s ago"},
		{now.Add(48 * time.Hour), "ahead, more than 24h0m0s"},
	} {
		err := scenarios.CheckStartAt(now, tc.at)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("start at %v: %v, want %q", tc.at, err, tc.want)
		}
	}
}
