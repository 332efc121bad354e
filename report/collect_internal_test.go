package report

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// TestRateBinsExactInAnyOrder: the throughput bins hold the same counts whatever order
// the samples come in (completion order while recording, file order afterwards) and
// however often they widened, and the plot's regrouping keeps every completion of
// the load span, at a bin width the span calls for.
func TestRateBinsExactInAnyOrder(t *testing.T) {
	start := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name               string
		span               time.Duration
		n                  int
		minBins, maxBins   int
		minWidth, maxWidth float64
	}{
		{"5 s", 5 * time.Second, 5000, 14, 40, 0.1, 0.4},
		{"90 s", 90 * time.Second, 5000, 45, 180, 0.7, 1.7},
		{"1 h", time.Hour, 20000, 300, 600, 6, 13},
		{"1 day", 24 * time.Hour, 20000, 300, 600, 144, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			ss := make([]results.Sample, tc.n)
			for i := range ss {
				at := time.Duration(rng.Int64N(int64(tc.span)))
				ss[i] = results.Sample{Start: start.Add(at), LatencyMS: rng.Float64() * 200, InFlight: 1 + rng.IntN(5)}
			}
			inOrder, shuffled := newRateBins(start), newRateBins(start)
			for i := range ss {
				inOrder.add(&ss[i])
			}
			for _, i := range rng.Perm(len(ss)) {
				shuffled.add(&ss[i])
			}
			if inOrder.widthSec != shuffled.widthSec || !slices.Equal(inOrder.done, shuffled.done) ||
				!slices.Equal(inOrder.sent, shuffled.sent) || !slices.Equal(inOrder.inflight, shuffled.inflight) {
				t.Fatalf("bins differ with the order of the samples: width %g and %g", inOrder.widthSec, shuffled.widthSec)
			}
			if len(inOrder.done) > maxRateBins {
				t.Errorf("%d bins kept, cap %d", len(inOrder.done), maxRateBins)
			}
			v := inOrder.view(start, start.Add(tc.span))
			var done, sent float64
			for i := range v.done {
				done, sent = done+v.done[i], sent+v.sent[i]
			}
			var wantDone float64
			for i := range ss {
				if ss[i].End().Before(start.Add(tc.span)) {
					wantDone++
				}
			}
			if sent != float64(tc.n) || done < wantDone || done > float64(tc.n) {
				t.Errorf("view holds %g sends and %g completions; want %d and %g to %d", sent, done, tc.n, wantDone, tc.n)
			}
			if len(v.done) < tc.minBins || len(v.done) > tc.maxBins || v.widthSec < tc.minWidth || v.widthSec > tc.maxWidth {
				t.Errorf("view: %d bins of %g s, want %d to %d bins of %g to %g s", len(v.done), v.widthSec,
					tc.minBins, tc.maxBins, tc.minWidth, tc.maxWidth)
			}
		})
	}
}
