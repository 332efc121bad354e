package probes

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRobustSpread checks the merged median deviation against its definition: the
// median of the sorted absolute deviations from the median.
func TestRobustSpread(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	cases := [][]float64{{3}, {1, 2}, {1, 1, 1}, {0, 1, 10}, {-2, 0, 0, 5}, {1, 2, 3, 4, 100, 200}}
	for n := 1; n <= 60; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Round(rng.NormFloat64()*8) / 4 // ties included
		}
		cases = append(cases, xs)
	}
	for _, xs := range cases {
		sorted := slices.Sorted(slices.Values(xs))
		median := sorted[len(sorted)/2]
		dev := make([]float64, len(sorted))
		for i, x := range sorted {
			dev[i] = math.Abs(x - median)
		}
		slices.Sort(dev)
		gotMedian, gotSigma := robustSpread(sorted)
		if gotMedian != median || gotSigma != 1.4826*dev[len(dev)/2] {
			t.Errorf("robustSpread(%v) = %v, %v; want %v, %v", sorted, gotMedian, gotSigma, median, 1.4826*dev[len(dev)/2])
		}
	}
}
