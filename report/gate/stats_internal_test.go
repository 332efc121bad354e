package gate

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func TestZQuantile(t *testing.T) {
	cases := []struct{ p, z float64 }{
		{0.5, 0}, {0.975, 1.959964}, {0.8, 0.841621}, {0.01, -2.326348}, {0.999, 3.090232},
	}
	for _, c := range cases {
		if got := zQuantile(c.p); math.Abs(got-c.z) > 1e-5 {
			t.Errorf("zQuantile(%v) = %v, want %v", c.p, got, c.z)
		}
	}
}

// Newcombe (1998), Statistics in Medicine 17:873, table II: 56/70 vs 48/80 gives a
// difference of 0.2000 with method 10 interval 0.0524 to 0.3339; 9/10 vs 3/10 gives
// 0.6000 with 0.1705 to 0.8090 (signs flipped: newcombe returns p2 − p1).
func TestNewcombeMatchesPublishedValues(t *testing.T) {
	cases := []struct {
		h1, n1, h2, n2 int64
		d, lo, hi      float64
	}{
		{48, 80, 56, 70, 0.2000, 0.0524, 0.3339},
		{3, 10, 9, 10, 0.6000, 0.1705, 0.8090},
	}
	for _, c := range cases {
		d, lo, hi := newcombe(c.h1, c.n1, c.h2, c.n2, zQuantile(0.975))
		if math.Abs(d-c.d) > 1e-4 || math.Abs(lo-c.lo) > 1e-3 || math.Abs(hi-c.hi) > 1e-3 {
			t.Errorf("newcombe(%d/%d, %d/%d) = %.4f [%.4f, %.4f], want %.4f [%.4f, %.4f]",
				c.h1, c.n1, c.h2, c.n2, d, lo, hi, c.d, c.lo, c.hi)
		}
	}
}

// The Beta shortcut must give the same distribution as resampling n values and
// taking the quantile: compare the mean and spread of both over many resamples.
func TestDrawQuantileMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 300)
	for i := range vals {
		vals[i] = math.Exp(rng.NormFloat64())
	}
	d := newDist(append([]float64(nil), vals...))
	const reps = 4000
	fast := make([]float64, reps)
	slow := make([]float64, reps)
	buf := make([]float64, len(vals))
	for i := 0; i < reps; i++ {
		fast[i] = d.drawQuantile(rng, 0.95)
		for j := range buf {
			buf[j] = vals[rng.IntN(len(vals))]
		}
		sort.Float64s(buf)
		slow[i] = buf[rank(0.95, int64(len(buf)))-1]
	}
	mf, sf := meanSD(fast)
	ms, ss := meanSD(slow)
	if math.Abs(mf-ms) > 0.1*ss || math.Abs(sf-ss) > 0.1*ss {
		t.Errorf("Beta draw mean %.4f sd %.4f, brute force mean %.4f sd %.4f", mf, sf, ms, ss)
	}
}

func meanSD(xs []float64) (float64, float64) {
	var s, s2 float64
	for _, x := range xs {
		s += x
	}
	m := s / float64(len(xs))
	for _, x := range xs {
		s2 += (x - m) * (x - m)
	}
	return m, math.Sqrt(s2 / float64(len(xs)-1))
}

func TestDistQuantileAndMean(t *testing.T) {
	d := newDist([]float64{5, 1, 3, 3, 2})
	cases := []struct{ q, want float64 }{{0, 1}, {0.2, 1}, {0.5, 3}, {0.6, 3}, {0.8, 3}, {0.81, 5}, {1, 5}}
	for _, c := range cases {
		if got := d.quantile(c.q); got != c.want {
			t.Errorf("quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if d.n() != 5 || d.mean() != 2.8 {
		t.Errorf("n = %d, mean = %v", d.n(), d.mean())
	}
}

func TestOrderBounds(t *testing.T) {
	// Published exact intervals for the median: n = 13 at 97.5% two-sided gives
	// X(3)..X(11) (P(B ≤ 2) = 92/8192 ≈ 0.0112 ≤ 0.0125); n = 10 at 95% gives
	// X(2)..X(9) (P(B ≤ 1) = 11/1024 ≈ 0.0107); p(95) of 13 values has no upper bound.
	cases := []struct {
		n        int64
		q, beta  float64
		lo, hi   int64
		estimate bool
	}{
		{13, 0.5, 0.025, 3, 11, true},
		{10, 0.5, 0.05, 2, 9, true},
		{13, 0.95, 0.025, 0, 0, false},
		{7, 0.5, 0.025, 1, 7, true},
		{6, 0.5, 0.025, 0, 0, false},
		{1000, 0.95, 0.05, 936, 964, true},
	}
	for _, c := range cases {
		lo, hi, ok := orderBounds(c.n, c.q, c.beta)
		if ok != c.estimate || (ok && (lo != c.lo || hi != c.hi)) {
			t.Errorf("orderBounds(%d, %v, %v) = %d, %d, %v; want %d, %d, %v", c.n, c.q, c.beta, lo, hi, ok, c.lo, c.hi, c.estimate)
		}
	}
	for _, c := range []struct {
		q, beta float64
		want    int64
	}{{0.5, 0.025, 7}, {0.95, 0.025, 86}, {0.99, 0.025, 437}, {0.9, 0.025, 42}} {
		if got := minEstimable(c.q, c.beta); got != c.want {
			t.Errorf("minEstimable(%v, %v) = %d, want %d", c.q, c.beta, got, c.want)
		}
		if _, _, ok := orderBounds(c.want, c.q, c.beta); !ok {
			t.Errorf("orderBounds at minEstimable(%v) = %d does not exist", c.q, c.want)
		}
		if _, _, ok := orderBounds(c.want-1, c.q, c.beta); ok {
			t.Errorf("orderBounds at minEstimable(%v)−1 exists", c.q)
		}
	}
}

// The MOVER interval of a median ratio from 13 samples per run keeps its promise on
// simulated data: with one distribution the interval lies wholly above 0 in at most
// 2.5% of trials (plus sampling slack), and a +40% shift lies wholly above +10% in
// nearly every trial.
func TestQuantileIntervalCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	draw := func(scale float64) dist {
		v := make([]float64, 13)
		for i := range v {
			v[i] = scale * 300 * math.Exp(0.1*rng.NormFloat64())
		}
		return newDist(v)
	}
	const trials = 2000
	o := Options{}.withDefaults()
	var falseHigher, caught int
	for range trials {
		for _, shift := range []float64{1, 1.4} {
			b, n := draw(1), draw(shift)
			r := ItemResult{Base: b.quantile(0.5), New: n.quantile(0.5)}
			quantileInterval(&r, b, n, 0.5, UnitRelative, o)
			switch {
			case shift == 1 && r.Low > 0:
				falseHigher++
			case shift > 1 && r.Low > 10:
				caught++
			}
		}
	}
	t.Logf("13 samples per run, σ=0.1: same distribution wholly above 0 in %d/%d; +40%% wholly above +10%% in %d/%d",
		falseHigher, trials, caught, trials)
	if rate := float64(falseHigher) / trials; rate > 0.035 {
		t.Errorf("same distribution: interval wholly above 0 in %.1f%% of trials, want ≤ 2.5%% (+ slack)", 100*rate)
	}
	if rate := float64(caught) / trials; rate < 0.95 {
		t.Errorf("+40%%: interval wholly above +10%% in %.1f%% of trials, want ≥ 95%%", 100*rate)
	}
}
