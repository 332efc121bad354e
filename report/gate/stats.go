package gate

import (
	"math"
	"sort"
)

// zQuantile is the standard normal quantile function Φ⁻¹(p), 0 < p < 1 (Acklam's
// rational approximation, relative error below 1.2e-9).
func zQuantile(p float64) float64 {
	a := []float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	b := []float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	c := []float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	d := []float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
	const low = 0.02425
	switch {
	case p < low:
		q := math.Sqrt(-2 * math.Log(p))
		return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	case p > 1-low:
		return -zQuantile(1 - p)
	}
	q := p - 0.5
	r := q * q
	return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
}

// wilson is the Wilson score interval of a proportion hits/n at normal quantile z.
func wilson(hits, n int64, z float64) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	p := float64(hits) / float64(n)
	nf := float64(n)
	den := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// newcombe is Newcombe's hybrid score interval (method 10, 1998) for the difference
// of two independent proportions p2 − p1, built from each side's Wilson interval.
// It behaves well with small counts and with proportions at 0 or 1.
func newcombe(h1, n1, h2, n2 int64, z float64) (d, lo, hi float64) {
	p1 := float64(h1) / float64(n1)
	p2 := float64(h2) / float64(n2)
	l1, u1 := wilson(h1, n1, z)
	l2, u2 := wilson(h2, n2, z)
	d = p2 - p1
	lo = d - math.Sqrt((p2-l2)*(p2-l2)+(u1-p1)*(u1-p1))
	hi = d + math.Sqrt((u2-p2)*(u2-p2)+(p1-l1)*(p1-l1))
	return d, lo, hi
}

// percentileOf is the q-quantile (0..1) of xs, linear between order statistics; xs is
// sorted in place.
func percentileOf(xs []float64, q float64) float64 {
	sort.Float64s(xs)
	pos := q * float64(len(xs)-1)
	i := int(pos)
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	f := pos - float64(i)
	return xs[i]*(1-f) + xs[i+1]*f
}

// maxNeeded caps sample-size estimates (a change indistinguishable from the budget
// needs "infinitely" many samples).
const maxNeeded = 1_000_000_000

func ceilCap(x float64) int64 {
	if math.IsNaN(x) || x > maxNeeded {
		return maxNeeded
	}
	return int64(math.Ceil(x))
}
