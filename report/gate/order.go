package gate

import "math"

// orderBounds is the exact distribution-free confidence interval of the q-quantile
// (0 < q < 1) of a continuous distribution from n independent samples: the 1-based
// ranks lo and hi of the order statistics X(lo) ≤ ξq ≤ X(hi) that hold with
// probability at least 1−beta. The count B of samples below ξq is Binomial(n, q), so
// P(X(lo) > ξq) = P(B ≤ lo−1) and P(X(hi) < ξq) = P(B ≥ hi); each tail is kept at or
// under beta/2. ok is false when n is too small for either bound to exist (the
// quantile of 13 values at p(95) has no upper bound: all 13 lie below ξ.95 with
// probability 0.95¹³ ≈ 0.51).
func orderBounds(n int64, q, beta float64) (lo, hi int64, ok bool) {
	if n <= 0 || q <= 0 || q >= 1 {
		return 0, 0, false
	}
	tail := beta / 2
	lq, l1q := math.Log(q), math.Log1p(-q)
	lgn, _ := math.Lgamma(float64(n) + 1)
	cdf := 0.0 // P(B ≤ k) after adding pmf(k)
	lo, hi = 0, n+1
	for k := int64(0); k <= n; k++ {
		a, _ := math.Lgamma(float64(k) + 1)
		b, _ := math.Lgamma(float64(n-k) + 1)
		cdf += math.Exp(lgn - a - b + float64(k)*lq + float64(n-k)*l1q)
		if cdf <= tail {
			lo = k + 1 // P(B ≤ (k+1)−1) ≤ tail
		}
		if 1-cdf <= tail && hi == n+1 {
			hi = k + 1 // P(B ≥ k+1) ≤ tail
			break
		}
	}
	return lo, hi, lo >= 1 && hi <= n
}

// minEstimable is the least n for which orderBounds(n, q, beta) exists:
// (1−q)ⁿ ≤ beta/2 and qⁿ ≤ beta/2.
func minEstimable(q, beta float64) int64 {
	worst := math.Max(q, 1-q)
	return int64(math.Ceil(math.Log(beta/2)/math.Log(worst) - 1e-9))
}
