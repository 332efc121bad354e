package synth_test

import (
	"math"
	"testing"

	"github.com/thaw-dev/thaw/internal/synth"
	"github.com/thaw-dev/thaw/results"
)

// TestSummarizeShares: a synthetic run has the documented shares of cold, unknown and
// failed invocations, an open-model phase with a send lag for every arrival, and is
// the same every time for a seed.
func TestSummarizeShares(t *testing.T) {
	tests := []struct {
		name string
		o    synth.Options
	}{
		{"default rate", synth.Options{N: 50_000}},
		{"slow rate, other seed", synth.Options{N: 20_000, RPS: 100, Seed: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := 0
			s, err := synth.Summarize(synth.Meta(tt.o), synth.Samples(tt.o), func(*results.Sample) { seen++ })
			if err != nil {
				t.Fatal(err)
			}
			tot := s.Totals
			n := float64(tt.o.N)
			if seen != tt.o.N || tot.Count != int64(tt.o.N) {
				t.Fatalf("%d samples passed on, %d counted, want %d", seen, tot.Count, tt.o.N)
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"cold", float64(tot.Cold) / n, synth.ColdShare},
				{"unknown", float64(tot.Unknown) / n, synth.UnknownShare},
				{"errors", float64(tot.Errors) / n, synth.ErrorShare},
			} {
				// Four binomial standard deviations.
				if tol := 4 * math.Sqrt(c.want*(1-c.want)/n); math.Abs(c.got-c.want) > tol {
					t.Errorf("%s share %.4f, want %.4f ± %.4f", c.name, c.got, c.want, tol)
				}
			}
			if lag := s.Phases[0].SendLag; lag == nil || lag.Count != tot.Count || lag.P50 <= 0 || lag.P50 > 0.2 {
				t.Errorf("send lag %+v", lag)
			}
			again, err := synth.Summarize(synth.Meta(tt.o), synth.Samples(tt.o), nil)
			if err != nil {
				t.Fatal(err)
			}
			if again.Totals.Latency != tot.Latency || again.Totals.Cold != tot.Cold {
				t.Errorf("not deterministic: %+v then %+v", tot.Latency, again.Totals.Latency)
			}
		})
	}
}
