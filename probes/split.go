package probes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// emMinSamples is the fewest samples the EM mixture is tried on; below it only a clear
// split can decide.
const emMinSamples = 20

// splitSigmaFloor bounds a group's log-scale spread from below (10 %), so a group of
// one or of equal values still has a width when posteriors are computed.
const splitSigmaFloor = 0.1

// supportAlpha is the significance level of the test that the slow group comes after
// longer idle gaps or at higher concurrency than the fast one.
const supportAlpha = 0.05

// latencyModel is an accepted two-group model: posteriors from fit, confidence at most
// maxConf (fewer samples in the smaller group, less confidence), method for reasons.
type latencyModel struct {
	fit     mixFit
	maxConf float64
	method  string
}

// decide looks for a warm and a cold group in os (see the latency type); nil and the
// reason when there are not two groups, or the slow one is not cold starts.
func (p *latency) decide(os []obs) (*latencyModel, string) {
	n := len(os)
	if n < p.minSamples {
		return nil, fmt.Sprintf("too few samples to judge (%d < %d)", n, p.minSamples)
	}
	m, why := p.splitModel(os)
	if m != nil || n < emMinSamples {
		return m, why
	}
	m2, why2 := p.emModel(os)
	if m2 != nil {
		return m2, ""
	}
	if why2 != "" {
		why = why2
	}
	return nil, why
}

// group is the log-scale location and spread of one side of a split.
type group struct {
	n         int
	mu, sigma float64
}

func groupOf(xs []float64) group {
	g := group{n: len(xs)}
	for _, x := range xs {
		g.mu += x
	}
	g.mu /= float64(len(xs))
	for _, x := range xs {
		g.sigma += (x - g.mu) * (x - g.mu)
	}
	if len(xs) > 1 {
		g.sigma = math.Sqrt(g.sigma / float64(len(xs)-1))
	}
	g.sigma = math.Max(g.sigma, sigmaFloor)
	return g
}

// splitModel tries the three widest gaps between sorted server times as the boundary
// and keeps the best separated split that passes min_ratio and min_separation.
func (p *latency) splitModel(os []obs) (*latencyModel, string) {
	xs := make([]float64, len(os))
	for i, o := range os {
		xs[i] = float64(o.x)
	}
	sorted := append([]float64(nil), xs...)
	sort.Float64s(sorted)
	type cand struct {
		cut, width float64
		k          int
	}
	var cands []cand
	for k := 1; k < len(sorted); k++ {
		cands = append(cands, cand{cut: (sorted[k-1] + sorted[k]) / 2, width: sorted[k] - sorted[k-1], k: k})
	}
	if len(cands) == 0 {
		return nil, "not bimodal: all server times alike"
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].width > cands[j].width })
	var (
		best       *cand
		bestD      float64
		warm, cold group
		why        string
	)
	for i := 0; i < len(cands) && i < 3; i++ {
		c := cands[i]
		if c.width <= 0 {
			break
		}
		w, h := groupOf(sorted[:c.k]), groupOf(sorted[c.k:])
		ratio := math.Exp(h.mu - w.mu)
		d := math.Sqrt2 * (h.mu - w.mu) / math.Hypot(w.sigma, h.sigma)
		switch {
		case ratio < p.minRatio:
			if why == "" {
				why = fmt.Sprintf("not bimodal: slow group only %.2f× the fast one (< %.2f×)", ratio, p.minRatio)
			}
		case d < p.minD:
			if why == "" {
				why = fmt.Sprintf("not bimodal: groups overlap (Ashman's D %.2f < %.2f)", d, p.minD)
			}
		case best == nil || d > bestD:
			best, bestD, warm, cold = &cands[i], d, w, h
		}
	}
	if best == nil {
		if why == "" {
			why = "not bimodal: all server times alike"
		}
		return nil, why
	}
	isCold := make([]bool, len(os))
	for i, x := range xs {
		isCold[i] = x > best.cut
	}
	if ok, why := supported(os, isCold, math.Exp(cold.mu-warm.mu)); !ok {
		return nil, why
	}
	f := mixFit{
		warm: gauss{mu: warm.mu, sigma: math.Max(warm.sigma, splitSigmaFloor)},
		cold: gauss{mu: cold.mu, sigma: math.Max(cold.sigma, splitSigmaFloor)},
		n:    len(os), coldN: float64(cold.n),
	}
	bucketWeights(&f, os, isCold)
	small := float64(min(warm.n, cold.n))
	return &latencyModel{fit: f, maxConf: 1 - 0.5/(1+small), method: "clear split"}, ""
}

// bucketWeights sets P(cold | idle bucket) from hard labels, with the same Beta(1,1)
// prior as EM.
func bucketWeights(f *mixFit, os []obs, isCold []bool) {
	var nb, cb [nBuckets]float64
	for i, o := range os {
		nb[o.bucket]++
		if isCold[i] {
			cb[o.bucket]++
		}
	}
	for k := range nb {
		f.pi[k] = (cb[k] + weightPrior) / (nb[k] + 2*weightPrior)
	}
}

// emModel fits the EM mixture and applies its acceptance rules.
func (p *latency) emModel(os []obs) (*latencyModel, string) {
	xs := make([]float64, len(os))
	bs := make([]int, len(os))
	for i, o := range os {
		xs[i], bs[i] = float64(o.x), int(o.bucket)
	}
	n := len(os)
	f := fitMixture(xs, bs, nil)
	ratio := math.Exp(f.cold.mu - f.warm.mu)
	switch {
	case math.IsInf(f.loglik, -1):
		return nil, "not bimodal: all server times alike"
	case f.bicGain() < p.minBIC:
		return nil, fmt.Sprintf("not bimodal: no cold starts or too small to separate (BIC gain %.1f < %.1f, n=%d)", f.bicGain(), p.minBIC, n)
	case f.ashmanD() < p.minD:
		return nil, fmt.Sprintf("not bimodal: groups overlap (Ashman's D %.2f < %.2f)", f.ashmanD(), p.minD)
	case ratio < p.minRatio:
		return nil, fmt.Sprintf("not bimodal: slow group only %.2f× the fast one (< %.2f×)", ratio, p.minRatio)
	case math.Min(f.coldN, float64(n)-f.coldN) < math.Max(p.minCold, p.minWeight*float64(n)):
		return nil, fmt.Sprintf("not bimodal: a group of %.1f of %d samples is too small to be told from outliers (needs ≥ %g and ≥ %g%%)",
			math.Min(f.coldN, float64(n)-f.coldN), n, p.minCold, 100*p.minWeight)
	}
	isCold := make([]bool, n)
	for i, o := range os {
		isCold[i] = f.posterior(float64(o.x), int(o.bucket)) >= 0.5
	}
	if ok, why := supported(os, isCold, ratio); !ok {
		return nil, why
	}
	return &latencyModel{fit: f, maxConf: 1, method: "EM mixture"}, ""
}

// supported reports whether the slow group is explained by what causes cold starts:
// it holds only a run's first calls (no idle gap known: nothing ran before), or it
// comes after longer idle gaps or at higher concurrency than the fast group (one-sided
// rank tests, Bonferroni-corrected for the two, p ≤ supportAlpha).
func supported(os []obs, isCold []bool, ratio float64) (bool, string) {
	nCold, firsts := 0, 0
	for i, o := range os {
		if isCold[i] {
			nCold++
			if o.idleMS < 0 {
				firsts++
			}
		}
	}
	if nCold == 0 || nCold == len(os) {
		return false, "not bimodal: one group only"
	}
	if firsts == nCold {
		return true, ""
	}
	idle := make([]float64, len(os))
	conc := make([]float64, len(os))
	for i, o := range os {
		idle[i] = float64(o.idleMS)
		if o.idleMS < 0 {
			idle[i] = math.Inf(1) // a first call: nothing was warm before it
		}
		conc[i] = float64(o.inFlight)
	}
	// A feature that never varies (concurrency in a sequential sweep) says nothing and
	// is not counted in the correction.
	pv, tests := 1.0, 0.0
	for _, f := range [][]float64{idle, conc} {
		if varies(f) {
			tests++
			pv = math.Min(pv, rankTestP(f, isCold))
		}
	}
	pv *= math.Max(tests, 1)
	if pv <= supportAlpha {
		return true, ""
	}
	return false, fmt.Sprintf("not cold starts: the slow group (%d of %d, %.1f× the fast one) comes after long idle gaps or at high concurrency no more often than the fast one (p=%.2f): a slow warm mode",
		nCold, len(os), ratio, math.Min(pv, 1))
}

// varies reports whether v holds two different values.
func varies(v []float64) bool {
	for _, x := range v[1:] {
		if x != v[0] {
			return true
		}
	}
	return false
}

// Rank tests: exact (the null distribution of the rank sum counted by dynamic
// programming) up to exactTestMax samples, estimated from seeded random relabellings
// up to permTestMax, and by the normal approximation of the Mann–Whitney U statistic
// beyond, where it is accurate.
const (
	exactTestMax = 60
	permTestMax  = 300
	permutations = 2000
)

// rankTestP is the one-sided p-value that values of the marked group rank higher than
// the others (Mann–Whitney, mid-ranks for ties): by seeded random permutations on
// small runs, by the normal approximation with tie correction on large ones.
func rankTestP(v []float64, marked []bool) float64 {
	n := len(v)
	ranks := midRanks(v)
	m := 0
	stat := 0.0
	for i := range v {
		if marked[i] {
			m++
			stat += ranks[i]
		}
	}
	if n <= exactTestMax {
		return exactRankP(ranks, m, stat)
	}
	if n <= permTestMax {
		rng := rand.New(rand.NewPCG(uint64(n), uint64(m)))
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		hits := 0
		for range permutations {
			// partial Fisher–Yates: the first m of idx are a random subset
			sum := 0.0
			for j := range m {
				k := j + rng.IntN(n-j)
				idx[j], idx[k] = idx[k], idx[j]
				sum += ranks[idx[j]]
			}
			if sum >= stat-1e-9 {
				hits++
			}
		}
		return float64(hits+1) / float64(permutations+1)
	}
	// normal approximation: E[R] = m(n+1)/2, Var[R] = m(n−m)/12 · (n+1 − Σ(t³−t)/(n(n−1)))
	mf, nf := float64(m), float64(n)
	mean := mf * (nf + 1) / 2
	variance := mf * (nf - mf) / 12 * (nf + 1 - tieSum(v)/(nf*(nf-1)))
	if variance <= 0 {
		return 1
	}
	z := (stat - mean - 0.5) / math.Sqrt(variance)
	return 0.5 * math.Erfc(z/math.Sqrt2)
}

// exactRankP is P(rank sum of a random m-subset ≥ stat). Mid-ranks are halves at
// worst, so doubled ranks are integers and the distribution of their sums is counted
// exactly: ways[k][s] subsets of size k with doubled sum s.
func exactRankP(ranks []float64, m int, stat float64) float64 {
	total := 0
	r2 := make([]int, len(ranks))
	for i, r := range ranks {
		r2[i] = int(math.Round(2 * r))
		total += r2[i]
	}
	ways := make([][]float64, m+1)
	for k := range ways {
		ways[k] = make([]float64, total+1)
	}
	ways[0][0] = 1
	for _, r := range r2 {
		for k := m; k >= 1; k-- {
			for s := total; s >= r; s-- {
				ways[k][s] += ways[k-1][s-r]
			}
		}
	}
	target := int(math.Round(2 * stat))
	var hit, all float64
	for s, w := range ways[m] {
		all += w
		if s >= target {
			hit += w
		}
	}
	return hit / all
}

// midRanks ranks v from 1, ties sharing their mean rank.
func midRanks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && v[idx[j]] == v[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			r[idx[k]] = mid
		}
		i = j
	}
	return r
}

// tieSum is Σ(t³ − t) over groups of t equal values.
func tieSum(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	sum := 0.0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		t := float64(j - i)
		sum += t*t*t - t
		i = j
	}
	return sum
}
