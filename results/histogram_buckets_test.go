package results_test

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/thaw-dev/thaw/results"
)

// TestHistogramBuckets: Buckets, read from the counts with the histogram's geometry,
// lists what hdrhistogram-go's Distribution lists (its non-empty bars), for values
// across the whole range, on every bucket edge, clamped at both ends, and after an
// encode, decode and merge.
func TestHistogramBuckets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	edges := []float64{0, 0.0001, 0.001, 0.002, 1.023, 1.024, 2.047, 2.048, 2.049, 2.050, 4.095, 4.096, 4.098,
		8.191, 8.192, 65.535, 65.536, 1000, 3_600_000, 3_600_001, 5e9}
	cases := map[string][]float64{"edges": edges, "one": {50}}
	for _, n := range []int{10, 1000, 20000} {
		var vs []float64
		for range n {
			vs = append(vs, math.Pow(10, -3.5+rng.Float64()*10)) // 0.3 µs to 10^6.5 ms
		}
		cases[string(rune('a'+len(cases)))] = vs
	}
	for name, vs := range cases {
		h := results.NewHistogram()
		for _, v := range vs {
			h.RecordMS(v)
		}
		s, err := h.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := results.DecodeHistogram(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, hh := range []*results.Histogram{h, back} {
			got, want := hh.Buckets(), results.DistributionBuckets(hh)
			if len(got) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d buckets, want %d (first differences: %v)", name, len(got), len(want), firstDiff(got, want))
			}
		}
	}
	if b := results.NewHistogram().Buckets(); b != nil {
		t.Errorf("empty histogram: %v", b)
	}
}

func firstDiff(a, b []results.Bucket) [2]results.Bucket {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return [2]results.Bucket{a[i], b[i]}
		}
	}
	return [2]results.Bucket{}
}
