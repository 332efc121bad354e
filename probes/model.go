package probes

import "math"

// The latency probe's accepted model: two Student-t components on log server time
// (warm and cold), with a cold share per idle-gap decade. Student-t with ν = 4 degrees
// of freedom rather than Gaussians: warm requests on a busy host have a heavier tail
// than a log-normal, and a Gaussian warm component would hand its tail to the cold one.

const (
	sigmaFloor  = 0.02 // log units: 2 %; a group of equal values still has a width
	weightPrior = 1.0  // Beta(1,1) pseudo-count for each bucket's cold share
	nBuckets    = 8
)

// tNu is the degrees of freedom of the Student-t components.
const tNu = 4.0

// tConst is ln Γ((ν+1)/2) − ln Γ(ν/2) − ½ ln(νπ).
var tConst = func() float64 {
	a, _ := math.Lgamma((tNu + 1) / 2)
	b, _ := math.Lgamma(tNu / 2)
	return a - b - 0.5*math.Log(tNu*math.Pi)
}()

// gauss is one Student-t component on log(server ms): location mu, scale sigma.
type gauss struct{ mu, sigma float64 }

func (g gauss) logpdf(x float64) float64 {
	z := (x - g.mu) / g.sigma
	return tConst - math.Log(g.sigma) - (tNu+1)/2*math.Log1p(z*z/tNu)
}

// mixFit is a two-group model: warm has the lower location. pi[b] is P(cold | idle
// bucket b); n the samples it was made from, coldN how many were cold.
type mixFit struct {
	warm, cold gauss
	pi         [nBuckets]float64
	n          int
	coldN      float64
}

// idleBucket groups idle gaps by decade: unknown/first, <10 ms, <100 ms, <1 s, <10 s,
// <100 s, <1000 s, longer.
func idleBucket(idleMS float64) int {
	if idleMS < 0 {
		return 0
	}
	b := 1
	for lim := 10.0; idleMS >= lim && b < nBuckets-1; lim *= 10 {
		b++
	}
	return b
}

// posterior is P(cold | x, bucket) under f. It is made monotone in x: below the warm
// location it is no more than there, above the cold location no less than there
// (with unequal scales a raw posterior turns back in the far tails).
func (f *mixFit) posterior(x float64, b int) float64 {
	switch {
	case x < f.warm.mu:
		x = f.warm.mu
	case x > f.cold.mu:
		x = f.cold.mu
	}
	p := clampP(f.pi[b])
	lc := math.Log(p) + f.cold.logpdf(x)
	lw := math.Log(1-p) + f.warm.logpdf(x)
	return 1 / (1 + math.Exp(lw-lc))
}

func clampP(p float64) float64 { return math.Min(math.Max(p, 1e-6), 1-1e-6) }
