package scenarios_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/scenarios"
)

func arrivals(s scenarios.Schedule, limit int) []time.Duration {
	var out []time.Duration
	for n := int64(0); n < int64(limit); n++ {
		at, ok := s.Arrival(n)
		if !ok {
			break
		}
		out = append(out, at)
	}
	return out
}

func TestConstantSchedule(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		s    scenarios.ConstantSchedule
		want []time.Duration
	}{
		{"4 rps for 1s", scenarios.ConstantSchedule{RPS: 4, Duration: time.Second}, []time.Duration{0, 250 * ms, 500 * ms, 750 * ms}},
		{"end is exclusive", scenarios.ConstantSchedule{RPS: 2, Duration: 1001 * ms}, []time.Duration{0, 500 * ms, time.Second}},
		{"fractional rate", scenarios.ConstantSchedule{RPS: 0.5, Duration: 5 * time.Second}, []time.Duration{0, 2 * time.Second, 4 * time.Second}},
		{"zero rate", scenarios.ConstantSchedule{RPS: 0, Duration: time.Second}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := arrivals(tc.s, 100); !slices.Equal(got, tc.want) {
				t.Errorf("arrivals %v, want %v", got, tc.want)
			}
		})
	}
	if n := len(arrivals(scenarios.ConstantSchedule{RPS: 200, Duration: 5 * time.Second}, 10000)); n != 1000 {
		t.Errorf("200 rps for 5s plans %d arrivals, want 1000", n)
	}
}

func TestPace(t *testing.T) {
	s := scenarios.ConstantSchedule{RPS: 10, Duration: time.Second}
	tests := []struct {
		elapsed  time.Duration
		count    int64
		wantWait time.Duration
		wantStop bool
	}{
		{0, 0, 0, false},
		{0, 1, 100 * time.Millisecond, false},
		{150 * time.Millisecond, 1, 0, false}, // late: send at once
		{120 * time.Millisecond, 2, 80 * time.Millisecond, false},
		{time.Second, 10, 0, true},
	}
	for _, tc := range tests {
		wait, stop := scenarios.Pace(s, tc.elapsed, tc.count)
		if wait != tc.wantWait || stop != tc.wantStop {
			t.Errorf("Pace(%v, %d) = %v, %v; want %v, %v", tc.elapsed, tc.count, wait, stop, tc.wantWait, tc.wantStop)
		}
	}
}

func TestRampSchedule(t *testing.T) {
	stages := func(s ...scenarios.Stage) []scenarios.Stage { return s }
	sec := func(f float64) scenarios.Duration { return scenarios.Duration(f * float64(time.Second)) }
	tests := []struct {
		name   string
		from   float64
		stages []scenarios.Stage
		total  float64
		// cumulative count N(t) at a few offsets, from the integral of the rate
		check map[time.Duration]float64
	}{
		{"0 to 100 over 10s", 0, stages(scenarios.Stage{To: 100, Over: sec(10)}), 500,
			map[time.Duration]float64{time.Second: 5, 5 * time.Second: 125, 10 * time.Second: 500}},
		{"flat 20", 20, stages(scenarios.Stage{To: 20, Over: sec(3)}), 60,
			map[time.Duration]float64{time.Second: 20, 2500 * time.Millisecond: 50}},
		{"up and down", 0, stages(scenarios.Stage{To: 200, Over: sec(60)}, scenarios.Stage{To: 0, Over: sec(30)}), 9000,
			map[time.Duration]float64{60 * time.Second: 6000, 75 * time.Second: 6000 + 200*15 - 100.0/30*15*15}},
		{"starts high, goes to zero", 50, stages(scenarios.Stage{To: 0, Over: sec(2)}), 50,
			map[time.Duration]float64{time.Second: 37.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := scenarios.NewRampSchedule(tc.from, tc.stages)
			if math.Abs(r.Total()-tc.total) > 1e-9 {
				t.Fatalf("total %v, want %v", r.Total(), tc.total)
			}
			got := arrivals(r, 100000)
			if want := int(math.Ceil(tc.total)); len(got) != want {
				t.Fatalf("%d arrivals, want %d", len(got), want)
			}
			if !slices.IsSorted(got) {
				t.Fatal("arrivals not in order")
			}
			// the number of arrivals due by t matches N(t) within one
			for at, n := range tc.check {
				due := 0
				for _, a := range got {
					if a < at {
						due++
					}
				}
				if math.Abs(float64(due)-n) > 1 {
					t.Errorf("%d arrivals due by %v, want N(t) = %v", due, at, n)
				}
			}
		})
	}
}

func TestRampRateAt(t *testing.T) {
	r := scenarios.NewRampSchedule(10, []scenarios.Stage{{To: 110, Over: scenarios.Duration(10 * time.Second)}})
	for at, want := range map[time.Duration]float64{0: 10, 5 * time.Second: 60, 11 * time.Second: 0} {
		if got := r.RateAt(at); math.Abs(got-want) > 1e-9 {
			t.Errorf("RateAt(%v) = %v, want %v", at, got, want)
		}
	}
}

func TestPoissonSchedule(t *testing.T) {
	base := scenarios.ConstantSchedule{RPS: 1000, Duration: 20 * time.Second}
	a := scenarios.NewPoissonSchedule(base, 42)
	got := arrivals(a, 1e6)
	// 20000 expected arrivals: the count is Poisson, sd ≈ 141; allow 5 sd
	if n := float64(len(got)); math.Abs(n-20000) > 5*141 {
		t.Errorf("%v arrivals, want about 20000", n)
	}
	// gaps are exponential with mean 1 ms: mean ≈ sd, and P(gap > 2 ms) ≈ e^-2
	var sum, sumSq float64
	over := 0
	for i := 1; i < len(got); i++ {
		g := float64(got[i]-got[i-1]) / 1e6
		sum += g
		sumSq += g * g
		if g > 2 {
			over++
		}
	}
	n := float64(len(got) - 1)
	mean := sum / n
	sd := math.Sqrt(sumSq/n - mean*mean)
	if math.Abs(mean-1) > 0.05 || math.Abs(sd-1) > 0.05 || math.Abs(float64(over)/n-math.Exp(-2)) > 0.01 {
		t.Errorf("gap mean %.3f sd %.3f tail %.4f; want 1, 1, %.4f", mean, sd, float64(over)/n, math.Exp(-2))
	}
	// same seed, same arrivals, also when asked out of order
	b := scenarios.NewPoissonSchedule(base, 42)
	at100, _ := b.Arrival(100)
	at5, _ := b.Arrival(5)
	if at100 != got[100] || at5 != got[5] {
		t.Errorf("not deterministic: %v %v vs %v %v", at100, at5, got[100], got[5])
	}
	c := arrivals(scenarios.NewPoissonSchedule(base, 43), 10)
	if slices.Equal(c, got[:10]) {
		t.Error("a different seed gave the same arrivals")
	}
}

func TestPoissonFollowsRamp(t *testing.T) {
	r := scenarios.NewRampSchedule(0, []scenarios.Stage{{To: 2000, Over: scenarios.Duration(10 * time.Second)}})
	got := arrivals(scenarios.NewPoissonSchedule(r, 1), 1e6)
	first, second := 0, 0
	for _, a := range got {
		if a < 5*time.Second {
			first++
		} else {
			second++
		}
	}
	// N(5s) = 2500 of 10000: the second half gets 3x the first
	if math.Abs(float64(first)-2500) > 250 || math.Abs(float64(second)-7500) > 450 {
		t.Errorf("halves %d and %d, want about 2500 and 7500", first, second)
	}
}

func TestIdleGaps(t *testing.T) {
	m := time.Minute
	in := []time.Duration{m, 5 * m, 10 * m}
	tests := []struct {
		name     string
		samples  int
		shuffled bool
		seed     int64
		want     []time.Duration
	}{
		{"given order", 2, false, 0, []time.Duration{m, m, 5 * m, 5 * m, 10 * m, 10 * m}},
		{"one sample", 1, false, 9, in},
		{"no samples", 0, false, 0, []time.Duration{}},
	}
	for _, tc := range tests {
		if got := scenarios.IdleGaps(in, tc.samples, tc.shuffled, tc.seed); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	a := scenarios.IdleGaps(in, 3, true, 11)
	b := scenarios.IdleGaps(in, 3, true, 11)
	sorted := slices.Sorted(slices.Values(a))
	if !slices.Equal(a, b) || !slices.Equal(sorted, scenarios.IdleGaps(in, 3, false, 0)) {
		t.Errorf("shuffle %v: must be a seeded permutation of the given order", a)
	}
	if slices.Equal(a, scenarios.IdleGaps(in, 3, false, 0)) && slices.Equal(a, scenarios.IdleGaps(in, 3, true, 12)) {
		t.Error("shuffle changed nothing for two seeds")
	}
}

func TestBurstPlan(t *testing.T) {
	b := scenarios.BurstPlan{AfterIdle: time.Minute, Size: 50, Repeat: 2}
	tests := []struct {
		k     int
		quiet time.Duration
		size  int
		ok    bool
	}{{0, time.Minute, 50, true}, {1, time.Minute, 50, true}, {2, 0, 0, false}, {-1, 0, 0, false}}
	for _, tc := range tests {
		q, n, ok := b.Release(tc.k)
		if q != tc.quiet || n != tc.size || ok != tc.ok {
			t.Errorf("Release(%d) = %v %d %v", tc.k, q, n, ok)
		}
	}
}

func TestClosedPlan(t *testing.T) {
	tests := []struct {
		name    string
		plan    scenarios.ClosedPlan
		elapsed time.Duration
		started int64
		want    bool
	}{
		{"iterations left", scenarios.ClosedPlan{Workers: 2, Iterations: 10}, time.Hour, 9, true},
		{"iterations used", scenarios.ClosedPlan{Workers: 2, Iterations: 10}, 0, 10, false},
		{"within duration", scenarios.ClosedPlan{Workers: 2, Duration: time.Second}, 999 * time.Millisecond, 1e9, true},
		{"duration over", scenarios.ClosedPlan{Workers: 2, Duration: time.Second}, time.Second, 0, false},
		{"both, iterations first", scenarios.ClosedPlan{Workers: 1, Duration: time.Second, Iterations: 3}, 0, 3, false},
		{"neither", scenarios.ClosedPlan{Workers: 1}, 0, 0, false},
	}
	for _, tc := range tests {
		if got := tc.plan.Continue(tc.elapsed, tc.started); got != tc.want {
			t.Errorf("%s: Continue = %v, want %v", tc.name, got, tc.want)
		}
	}
}
