package probes

import (
	"math"
	"sort"
)

// This file fits a two-component mixture to log server times by
// expectation-maximisation (EM), with mixing weights that depend on the idle gap
// before each request (a mixture of experts with a categorical gate): the share of cold
// starts after a 10-minute idle is learnt separately from the share after 10 ms. The
// components are Student-t with ν = 4 degrees of freedom rather than Gaussians (EM for
// t mixtures with fixed ν, McLachlan & Peel 2000, ch. 7): warm requests on a busy host
// have a heavier tail than a log-normal, and a Gaussian warm group would hand its tail
// to the cold group. One t component is fitted too, and the Bayesian information
// criterion (BIC) of both decides whether two groups are there at all.

const (
	emMaxIter   = 200
	emTol       = 1e-6
	sigmaFloor  = 0.02 // log units: 2 %; stops a component collapsing on equal values
	weightPrior = 1.0  // Beta(1,1) pseudo-count for each bucket's cold share (MAP estimate)
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

// weight is the EM weight of x in the component's M-step, (ν+1)/(ν+z²): outliers
// pull less on the location and scale.
func (g gauss) weight(x float64) float64 {
	z := (x - g.mu) / g.sigma
	return (tNu + 1) / (tNu + z*z)
}

// mixFit is a fitted mixture: warm has the lower mean. pi[b] is P(cold | idle bucket b).
type mixFit struct {
	warm, cold gauss
	pi         [nBuckets]float64
	loglik     float64
	loglik1    float64 // of the single Gaussian
	params     int     // free parameters of the two-component model
	n          int
	coldN      float64 // expected number of cold samples (sum of posteriors)
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
// mean it is no more than at the warm mean, above the cold mean no less than there
// (with unequal variances a raw Gaussian posterior turns back in the far tails).
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

// fitSingle is the maximum-likelihood t component (EM from the mean and standard
// deviation) and its log-likelihood.
func fitSingle(x []float64) (gauss, float64) {
	w := make([]float64, len(x))
	for i := range w {
		w[i] = 1
	}
	var g gauss
	for iter := 0; iter < 100; iter++ {
		var sw, m, v float64
		for i, xi := range x {
			sw += w[i]
			m += w[i] * xi
		}
		m /= sw
		for i, xi := range x {
			v += w[i] * (xi - m) * (xi - m)
		}
		next := gauss{mu: m, sigma: math.Max(math.Sqrt(v/float64(len(x))), sigmaFloor)}
		done := math.Abs(next.mu-g.mu) < 1e-9 && math.Abs(next.sigma-g.sigma) < 1e-9
		g = next
		if done {
			break
		}
		for i, xi := range x {
			w[i] = g.weight(xi)
		}
	}
	ll := 0.0
	for _, xi := range x {
		ll += g.logpdf(xi)
	}
	return g, ll
}

// fitMixture runs EM from several starting splits (the widest gaps between sorted
// values and a few quantiles) and keeps the most likely fit. x are log server times,
// b their idle buckets. It needs at least 4 values.
// With a previous fit as hint, EM starts only from the hint's split (online refits).
func fitMixture(x []float64, b []int, hint *mixFit) mixFit {
	_, ll1 := fitSingle(x)
	var best mixFit
	best.loglik = math.Inf(-1)
	if hint != nil {
		best = emFrom(x, b, (hint.warm.mu+hint.cold.mu)/2)
	} else {
		// Which starting split is best only needs a rough answer: try them all on a
		// strided subsample, then run EM on everything from the winner alone. This
		// keeps a search over a 1000-sample window to about a fifth of the work.
		sx, sb := stride(x, b, searchSample)
		bestCut, bestLL := 0.0, math.Inf(-1)
		for _, cut := range startCuts(sx) {
			if f := emFrom(sx, sb, cut); f.loglik > bestLL {
				bestCut, bestLL = cut, f.loglik
			}
		}
		if !math.IsInf(bestLL, -1) {
			best = emFrom(x, b, bestCut)
		}
	}
	if best.cold.mu < best.warm.mu {
		best.cold, best.warm = best.warm, best.cold
		for k := range best.pi {
			best.pi[k] = 1 - best.pi[k]
		}
		best.coldN = float64(len(x)) - best.coldN
	}
	best.loglik1 = ll1
	best.n = len(x)
	used := map[int]bool{}
	for _, bi := range b {
		used[bi] = true
	}
	best.params = 4 + len(used)
	return best
}

// searchSample is how many values the starting-split search looks at.
const searchSample = 256

// stride returns every k-th value of x and b, at most n of them (x itself when short).
func stride(x []float64, b []int, n int) ([]float64, []int) {
	if len(x) <= n {
		return x, b
	}
	k := (len(x) + n - 1) / n
	sx, sb := make([]float64, 0, n), make([]int, 0, n)
	for i := 0; i < len(x); i += k {
		sx, sb = append(sx, x[i]), append(sb, b[i])
	}
	return sx, sb
}

// startCuts proposes thresholds splitting warm from cold.
func startCuts(x []float64) []float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	type gap struct{ at, width float64 }
	var gaps []gap
	for i := 1; i < len(s); i++ {
		gaps = append(gaps, gap{at: (s[i] + s[i-1]) / 2, width: s[i] - s[i-1]})
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i].width > gaps[j].width })
	var cuts []float64
	for i := 0; i < len(gaps) && i < 3; i++ {
		cuts = append(cuts, gaps[i].at)
	}
	for _, q := range []float64{0.5, 0.8, 0.95} {
		cuts = append(cuts, s[int(q*float64(len(s)-1))])
	}
	return cuts
}

// emFrom runs EM starting from hard labels x > cut.
func emFrom(x []float64, b []int, cut float64) mixFit {
	r := make([]float64, len(x)) // responsibility of the cold component
	ws := make([]float64, 2*len(x))
	for i, xi := range x {
		if xi > cut {
			r[i] = 1
		}
	}
	var f mixFit
	prev := math.Inf(-1)
	for iter := 0; iter < emMaxIter; iter++ {
		if !mStep(&f, x, b, r, ws, iter == 0) {
			f.loglik = math.Inf(-1)
			return f
		}
		ll := eStep(&f, x, b, r)
		f.loglik = ll
		if ll-prev < emTol*math.Abs(ll) {
			break
		}
		prev = ll
	}
	f.coldN = 0
	for _, ri := range r {
		f.coldN += ri
	}
	return f
}

// mStep re-estimates components and bucket weights from responsibilities r and the
// t weights of the current components (all 1 on the first step); false when a
// component is empty.
// ws is scratch space of 2·len(x).
func mStep(f *mixFit, x []float64, b []int, r, ws []float64, first bool) bool {
	var sc, sw, uc, uw, mc, mw float64
	var nb, cb [nBuckets]float64
	wc, ww := ws[:len(x)], ws[len(x):]
	for i, xi := range x {
		wc[i], ww[i] = 1, 1
		if !first {
			wc[i], ww[i] = f.cold.weight(xi), f.warm.weight(xi)
		}
		sc += r[i]
		sw += 1 - r[i]
		uc += r[i] * wc[i]
		uw += (1 - r[i]) * ww[i]
		mc += r[i] * wc[i] * xi
		mw += (1 - r[i]) * ww[i] * xi
		nb[b[i]]++
		cb[b[i]] += r[i]
	}
	if sc < 1e-9 || sw < 1e-9 || uc < 1e-12 || uw < 1e-12 {
		return false
	}
	mc, mw = mc/uc, mw/uw
	var vc, vw float64
	for i, xi := range x {
		vc += r[i] * wc[i] * (xi - mc) * (xi - mc)
		vw += (1 - r[i]) * ww[i] * (xi - mw) * (xi - mw)
	}
	f.cold = gauss{mu: mc, sigma: math.Max(math.Sqrt(vc/sc), sigmaFloor)}
	f.warm = gauss{mu: mw, sigma: math.Max(math.Sqrt(vw/sw), sigmaFloor)}
	for k := range nb {
		f.pi[k] = (cb[k] + weightPrior) / (nb[k] + 2*weightPrior)
	}
	return true
}

// eStep computes responsibilities and returns the log-likelihood.
func eStep(f *mixFit, x []float64, b []int, r []float64) float64 {
	ll := 0.0
	for i, xi := range x {
		p := clampP(f.pi[b[i]])
		lc := math.Log(p) + f.cold.logpdf(xi)
		lw := math.Log(1-p) + f.warm.logpdf(xi)
		m := math.Max(lc, lw)
		lse := m + math.Log(math.Exp(lc-m)+math.Exp(lw-m))
		r[i] = math.Exp(lc - lse)
		ll += lse
	}
	return ll
}

// bicGain is BIC(one component) − BIC(mixture): positive favours two groups.
// BIC = k·ln(n) − 2·ln L.
func (f *mixFit) bicGain() float64 {
	ln := math.Log(float64(f.n))
	return (2*ln - 2*f.loglik1) - (float64(f.params)*ln - 2*f.loglik)
}

// ashmanD is Ashman's D = √2·|μ1−μ2|/√(σ1²+σ2²) on the components' scales; D > 2
// is needed for a clean separation of two normal groups (the t scale is a little
// smaller than its standard deviation, so this is a slightly generous reading).
func (f *mixFit) ashmanD() float64 {
	return math.Sqrt2 * math.Abs(f.cold.mu-f.warm.mu) / math.Sqrt(f.cold.sigma*f.cold.sigma+f.warm.sigma*f.warm.sigma)
}
