package keepalive

import (
	"math"

	"github.com/thaw-dev/thaw/results"
)

// logistic fits P(cold | t) = σ(b·(ln t − θ)) by maximum likelihood; the keep-alive
// estimate is e^θ, where P crosses 0.5, and its 95 % interval is the set of θ whose
// profile log-likelihood (maximised over the slope b > 0) is within χ²₁(0.95)/2 =
// 1.92 of the best.
func logistic(ka *results.KeepAlive, gaps []gap) {
	u := make([]float64, len(gaps))
	y := make([]bool, len(gaps))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, g := range gaps {
		u[i] = math.Log(math.Max(g.idleMS, 1))
		y[i] = g.cold
		lo, hi = math.Min(lo, u[i]), math.Max(hi, u[i])
	}
	const steps = 600
	thetas := make([]float64, steps+1)
	ll := make([]float64, steps+1)
	best := 0
	for i := range thetas {
		thetas[i] = lo + (hi-lo)*float64(i)/steps
		ll[i] = profile(u, y, thetas[i])
		if ll[i] > ll[best] {
			best = i
		}
	}
	cut := ll[best] - 1.920729410347062
	l, h := best, best
	for l > 0 && ll[l-1] >= cut {
		l--
	}
	for h < steps && ll[h+1] >= cut {
		h++
	}
	ka.EstimateMS = math.Exp(thetas[best])
	ka.LowMS, ka.HighMS = math.Exp(thetas[l]), math.Exp(thetas[h])
	ka.Method = MethodLogistic
	ka.MethodDetail = "logistic fit of P(cold) on log idle time (maximum likelihood), 50% point with a profile-likelihood 95% interval"
}

// profile is the log-likelihood at θ maximised over the slope b > 0 by Newton steps
// (the log-likelihood is concave in b for fixed θ).
func profile(u []float64, y []bool, theta float64) float64 {
	b := 1.0
	for range 60 {
		var g, h float64
		for i, ui := range u {
			d := ui - theta
			p := sigmoid(b * d)
			t := 0.0
			if y[i] {
				t = 1
			}
			g += (t - p) * d
			h -= p * (1 - p) * d * d
		}
		if h >= -1e-12 {
			break
		}
		next := math.Min(math.Max(b-g/h, 1e-3), 1e3)
		if math.Abs(next-b) < 1e-9 {
			break
		}
		b = next
	}
	return loglik(u, y, theta, b)
}

func loglik(u []float64, y []bool, theta, b float64) float64 {
	s := 0.0
	for i, ui := range u {
		z := b * (ui - theta)
		if y[i] {
			s -= softplus(-z)
		} else {
			s -= softplus(z)
		}
	}
	return s
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// softplus is ln(1 + e^z), computed without overflow.
func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}
