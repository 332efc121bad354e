package probes

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// splitSigmaFloor bounds a group's log-scale spread from below (10 %), so a group of
// one or of equal values still has a width when posteriors are computed.
const splitSigmaFloor = 0.1

// supportAlpha is the significance level of the test that the slow group comes after
// longer idle gaps than the fast one, and supportAUC the least effect: the chance that
// a slow call came after a longer gap than a fast one.
const (
	supportAlpha = 0.05
	supportAUC   = 0.75
)

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
	if n := len(os); n < p.minSamples {
		return nil, fmt.Sprintf("too few samples to judge (%d < %d)", n, p.minSamples)
	}
	return p.splitModel(os)
}

// group is the log-scale location and spread of one side of a split: mean and
// standard deviation for a handful of values, median and scaled MAD from robustMin on.
type group struct {
	n         int
	mu, sigma float64
}

func groupOf(xs []float64) group {
	g := group{n: len(xs)}
	if len(xs) >= robustMin {
		g.mu, g.sigma = robustSpread(xs)
		g.sigma = math.Max(g.sigma, sigmaFloor)
		return g
	}
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

// robustMin is the smallest group whose location and spread are taken robustly.
const robustMin = 5

// robustSpread is the median and 1.4826 × the median absolute deviation of sorted xs:
// a normal group's standard deviation, which a few stalled calls on a busy host
// cannot inflate (they would otherwise hide the gap between warm and cold). Since xs
// is sorted, the deviations below the median grow leftwards from it and the others
// rightwards: the median deviation is found by merging the two, with no copy or sort
// (a whole-run pass over a million samples tries ten groups).
func robustSpread(sorted []float64) (median, sigma float64) {
	m := len(sorted) / 2
	median = sorted[m]
	lo, hi := m-1, m
	var dev float64
	for range m + 1 { // the deviation of rank m, counting from 0
		if hi < len(sorted) && (lo < 0 || sorted[hi]-median <= median-sorted[lo]) {
			dev = sorted[hi] - median
			hi++
		} else {
			dev = median - sorted[lo]
			lo--
		}
	}
	return median, 1.4826 * dev
}

// maxCuts is how many of the widest gaps between sorted server times are tried as
// the boundary between warm and cold.
const maxCuts = 5

// splitModel tries the widest gaps between sorted server times as the boundary and
// keeps, of the splits that pass every check, the one the idle gap explains best (AUC),
// then the best separated (Ashman's D); when none passes, the reason is the widest
// gap's.
func (p *latency) splitModel(os []obs) (*latencyModel, string) {
	xs := make([]float64, len(os))
	for i, o := range os {
		xs[i] = float64(o.x)
	}
	sorted := append([]float64(nil), xs...)
	sort.Float64s(sorted)
	cands := widestGaps(sorted, maxCuts)
	if len(cands) == 0 {
		return nil, "not bimodal: all server times alike"
	}
	var (
		best                *latencyModel
		bestD, bestAUC, auc float64
		why, why1           string
	)
	for _, c := range cands {
		if c.width <= 0 {
			break
		}
		w, h := groupOf(sorted[:c.k]), groupOf(sorted[c.k:])
		ratio := math.Exp(h.mu - w.mu)
		d := math.Sqrt2 * (h.mu - w.mu) / math.Hypot(w.sigma, h.sigma)
		// the empty space between the groups, in units of the fast group's spread: a
		// warm group with a slow tail that thins out continuously (a starved host) has
		// no such gap; cold starts may vary more (a burst's inits compete for CPU)
		tight := c.width / w.sigma
		isCold := make([]bool, len(os))
		for j, x := range xs {
			isCold[j] = x > c.at
		}
		why = ""
		switch {
		case ratio < p.minRatio:
			why = fmt.Sprintf("not bimodal: slow group only %.2f× the fast one (< %.2f×)", ratio, p.minRatio)
		case d < p.minD:
			why = fmt.Sprintf("not bimodal: groups overlap (Ashman's D %.2f < %.2f)", d, p.minD)
		case tight < p.minGap:
			why = fmt.Sprintf("not bimodal: no clear gap between fast and slow (gap %.2f× the fast group's spread < %.2f×)", tight, p.minGap)
		default:
			var ok bool
			if ok, auc, why = supported(os, isCold, ratio); ok {
				why = ""
			}
		}
		if why1 == "" {
			why1 = why
		}
		// The split the idle gap explains best wins (a stall that slowed one warm call
		// must not join the cold group because it widens the gap), then the better
		// separated.
		if why != "" || (best != nil && (auc < bestAUC || (auc == bestAUC && d <= bestD))) {
			continue
		}
		f := mixFit{
			warm: gauss{mu: w.mu, sigma: math.Max(w.sigma, splitSigmaFloor)},
			cold: gauss{mu: h.mu, sigma: math.Max(h.sigma, splitSigmaFloor)},
			n:    len(os), coldN: float64(h.n),
		}
		bucketWeights(&f, os, isCold)
		small := float64(min(w.n, h.n))
		best, bestD, bestAUC = &latencyModel{fit: f, maxConf: 1 - 0.5/(1+small), method: "clear split"}, d, auc
	}
	if best == nil {
		if why1 == "" {
			why1 = "not bimodal: all server times alike"
		}
		return nil, why1
	}
	return best, ""
}

// cut is a boundary between sorted values k−1 and k: at cut, width wide.
type cut struct {
	at, width float64
	k         int
}

// widestGaps returns the n widest gaps between consecutive sorted values, widest
// first (earliest first among equals), keeping only n at a time.
func widestGaps(sorted []float64, n int) []cut {
	var top []cut
	for k := 1; k < len(sorted); k++ {
		c := cut{at: (sorted[k-1] + sorted[k]) / 2, width: sorted[k] - sorted[k-1], k: k}
		i := len(top)
		for i > 0 && top[i-1].width < c.width {
			i--
		}
		if i >= n {
			continue
		}
		top = slices.Insert(top, i, c)
		if len(top) > n {
			top = top[:n]
		}
	}
	return top
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

// supported reports whether the slow group is explained by what causes cold starts:
// it comes after longer idle gaps than the fast group (a one-sided rank test,
// p ≤ supportAlpha, effect at least supportAUC).
func supported(os []obs, isCold []bool, ratio float64) (bool, float64, string) {
	nCold := 0
	for i := range os {
		if isCold[i] {
			nCold++
		}
	}
	if nCold == 0 || nCold == len(os) {
		return false, 0, "not bimodal: one group only"
	}
	// Only a call sent with nothing else in flight, after a known gap, saw a true idle
	// gap: behind a slow call still running, the gap since the last response grows
	// with the slowness, so it would support any slow group (so would concurrency, for
	// the same reason). A run's first call has no gap to go by.
	var idle []float64
	var cold []bool
	for i, o := range os {
		if o.inFlight > 1 || o.idleMS < 0 {
			continue
		}
		idle, cold = append(idle, idleBin(float64(o.idleMS))), append(cold, isCold[i])
	}
	pv, auc := 1.0, 0.5
	if len(idle) > 1 && varies(idle) && slices.Contains(cold, true) && slices.Contains(cold, false) {
		pv, auc = rankTest(idle, cold)
	}
	if pv <= supportAlpha && auc >= supportAUC {
		return true, auc, ""
	}
	return false, auc, fmt.Sprintf("not cold starts: the slow group (%d of %d, %.1f× the fast one) does not come after longer idle gaps than the fast one (p=%.2f, AUC %.2f): a slow warm mode",
		nCold, len(os), ratio, math.Min(pv, 1), auc)
}

// idleBinWidth is the ratio of neighbouring idle-gap bins: gaps closer than this are
// ranked as equal. Planned intervals differ by more, while a starved host's oversleep
// (which also slows the call that follows) stays within one: without it, the calls a
// stall slowed would look as if they came after longer gaps.
const idleBinWidth = 1.25

// idleBin is the idle gap's bin on a logarithmic grid (gaps under 1 ms share bin 0).
func idleBin(ms float64) float64 {
	if ms < 1 {
		return 0
	}
	return 1 + math.Floor(math.Log(ms)/math.Log(idleBinWidth))
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

// rankTest is the one-sided p-value that values of the marked group rank higher than
// the others (Mann–Whitney, mid-ranks for ties) and the effect size AUC, the chance
// that a marked value exceeds an unmarked one (ties count half).
func rankTest(v []float64, marked []bool) (p, auc float64) {
	ranks := midRanks(v)
	m, stat := 0, 0.0
	for i := range v {
		if marked[i] {
			m++
			stat += ranks[i]
		}
	}
	mf, nf := float64(m), float64(len(v))
	auc = (stat - mf*(mf+1)/2) / (mf * (nf - mf))
	return rankTestP(v, ranks, m, stat), auc
}

// rankTestP is the p-value of rank sum stat of m marked values: exact on small runs,
// by seeded random permutations on middling ones, by the normal approximation with
// tie correction on large ones.
func rankTestP(v, ranks []float64, m int, stat float64) float64 {
	n := len(v)
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
