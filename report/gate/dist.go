package gate

import (
	"math"
	"math/rand/v2"
	"sort"
)

// dist is an empirical distribution: ascending distinct values with cumulative counts
// (cum[i] values are ≤ vals[i]). Built from samples (weight 1 each) or from histogram
// buckets (bucket midpoint, bucket count).
type dist struct {
	vals []float64
	cum  []int64
}

// newDist builds a dist from raw values (the slice is sorted in place).
func newDist(v []float64) dist {
	sort.Float64s(v)
	var d dist
	for _, x := range v {
		if k := len(d.vals); k > 0 && d.vals[k-1] == x {
			d.cum[k-1]++
			continue
		}
		d.vals = append(d.vals, x)
		d.cum = append(d.cum, d.n()+1)
	}
	return d
}

func (d dist) n() int64 {
	if len(d.cum) == 0 {
		return 0
	}
	return d.cum[len(d.cum)-1]
}

// at is the j-th smallest value (0-based).
func (d dist) at(j int64) float64 {
	i := sort.Search(len(d.cum), func(i int) bool { return d.cum[i] > j })
	if i >= len(d.vals) {
		i = len(d.vals) - 1
	}
	return d.vals[i]
}

// rank is the 1-based rank of quantile q in n values: the smallest k with k ≥ q·n.
func rank(q float64, n int64) int64 {
	k := int64(math.Ceil(q * float64(n)))
	return min(max(k, 1), n)
}

func (d dist) quantile(q float64) float64 { return d.at(rank(q, d.n()) - 1) }

func (d dist) mean() float64 {
	var s float64
	var prev int64
	for i, v := range d.vals {
		s += v * float64(d.cum[i]-prev)
		prev = d.cum[i]
	}
	return s / float64(d.n())
}

func (d dist) sd() float64 {
	m := d.mean()
	var s float64
	var prev int64
	for i, v := range d.vals {
		s += (v - m) * (v - m) * float64(d.cum[i]-prev)
		prev = d.cum[i]
	}
	if d.n() < 2 {
		return 0
	}
	return math.Sqrt(s / float64(d.n()-1))
}

// meanResampleMax is the sample size above which a bootstrap mean is drawn from its
// normal approximation (mean ± sd/√n) instead of by resampling n values.
const meanResampleMax = 20000

// drawQuantile is quantile q of one bootstrap resample (n draws with replacement).
// The k-th smallest of n uniform draws of indices 0..n-1 is ⌊n·U(k)⌋, where U(k), the
// k-th order statistic of n uniforms on [0,1), is Beta(k, n+1−k) distributed: one
// Beta draw replaces drawing and sorting n values, exactly.
func (d dist) drawQuantile(r *rand.Rand, q float64) float64 {
	n := d.n()
	k := rank(q, n)
	u := betaDraw(r, float64(k), float64(n+1-k))
	j := min(int64(u*float64(n)), n-1)
	return d.at(j)
}

// drawMean is the mean of one bootstrap resample.
func (d dist) drawMean(r *rand.Rand) float64 {
	n := d.n()
	if n > meanResampleMax {
		return d.mean() + r.NormFloat64()*d.sd()/math.Sqrt(float64(n))
	}
	var s float64
	for i := int64(0); i < n; i++ {
		s += d.at(r.Int64N(n))
	}
	return s / float64(n)
}

// betaDraw draws from Beta(a, b) for a, b ≥ 1 as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b).
func betaDraw(r *rand.Rand, a, b float64) float64 {
	x := gammaDraw(r, a)
	y := gammaDraw(r, b)
	return x / (x + y)
}

// gammaDraw draws from Gamma(a, 1) for a ≥ 1 (Marsaglia and Tsang, 2000).
func gammaDraw(r *rand.Rand, a float64) float64 {
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
