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

// TestRunnerSegmentsAddUpToWhole: the Runner run as segments 1…3 (fake clock) sends,
// phase by phase, exactly what it sends whole, waits for the start time, and gives
// each segment its own request ids under the shared run id.
func TestRunnerSegmentsAddUpToWhole(t *testing.T) {
	sc := scenarioOf(
		scenarios.Phase{Name: "rate", Rate: &scenarios.Rate{RPS: 40, Duration: dur(2 * time.Second), Poisson: true, MaxInFlight: 1000}},
		scenarios.Phase{Name: "burst", Burst: &scenarios.Burst{Size: 10, Repeat: 2, AfterIdle: dur(time.Second)}},
		scenarios.Phase{Name: "workers", Concurrency: &scenarios.Concurrency{Workers: 2, Iterations: 11}},
		scenarios.Phase{Name: "sweep", Idle: &scenarios.Idle{Intervals: []scenarios.Duration{dur(time.Second), dur(2 * time.Second)}, Samples: 2, Order: "given"}},
	)
	perPhase := func(samples []*results.Sample) map[string]int {
		out := map[string]int{}
		for _, s := range samples {
			out[s.Phase]++
		}
		return out
	}
	clock := newFakeClock()
	p := &platform{clock: clock, keepAlive: time.Hour, coldLatency: 5 * time.Millisecond, warmLatency: time.Millisecond}
	_, sink := run(t, sc, p, scenarios.WithClock(clock))
	whole := perPhase(sink.all())
	sum := map[string]int{}
	ids := map[string]bool{}
	for i := 1; i <= 3; i++ {
		clock := newFakeClock()
		p := &platform{clock: clock, keepAlive: time.Hour, coldLatency: 5 * time.Millisecond, warmLatency: time.Millisecond}
		startAt := clock.Now().Add(time.Minute)
		st, sink := run(t, sc, p, scenarios.WithClock(clock), scenarios.WithRunID("run1"),
			scenarios.WithSegment(results.Segment{Index: i, Count: 3}), scenarios.WithStartAt(startAt))
		if st.Started.Before(startAt) {
			t.Errorf("segment %d started at %v, before the start time %v", i, st.Started, startAt)
		}
		for _, s := range sink.all() {
			if ids[s.RequestID] || !strings.HasPrefix(s.RequestID, "run1-s") {
				t.Errorf("request id %q doubled or without the segment", s.RequestID)
			}
			ids[s.RequestID] = true
		}
		for k, v := range perPhase(sink.all()) {
			sum[k] += v
		}
	}
	if whole["burst"] != 20 || whole["workers"] != 11 || whole["sweep"] != 4 || whole["rate"] < 50 {
		t.Fatalf("whole run sent %v", whole)
	}
	for k, v := range whole {
		if sum[k] != v {
			t.Errorf("phase %s: segments sent %d together, the whole run %d", k, sum[k], v)
		}
	}
}
