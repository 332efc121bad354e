package keepalive_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report/keepalive"
	"github.com/thaw-dev/thaw/results"
)

// run builds sequential samples after the given idle gaps; an instance survives an
// idle gap shorter than keepAliveMS(i) (the truth, possibly jittered per trial).
func run(gaps []float64, keepAliveMS func(i int) float64) []results.Sample {
	out := make([]results.Sample, len(gaps))
	for i, g := range gaps {
		c := results.Warm
		if g >= keepAliveMS(i) {
			c = results.Cold
		}
		out[i] = results.Sample{Seq: int64(i), Phase: "idle", Status: 200, IdleBeforeMS: g, InFlight: 1, Class: c}
	}
	return out
}

func repeat(sec []float64, times int, rng *rand.Rand) []float64 {
	var out []float64
	for _, s := range sec {
		for range times {
			out = append(out, s*1000+rng.Float64()*30) // scheduling jitter of the gaps
		}
	}
	return out
}

func TestEstimate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sharp := func(int) float64 { return 20_000 }
	jit := rand.New(rand.NewPCG(3, 4))
	jittered := func(int) float64 { return 17_000 + 6_000*jit.Float64() } // median 20 s
	var spread []float64
	for range 300 {
		spread = append(spread, 8_000+rng.Float64()*24_000)
	}
	tests := []struct {
		name       string
		samples    []results.Sample
		truthMS    float64 // 0: no check of the estimate
		wantMethod string
		wantHigh0  bool
	}{
		{"sharp boundary, bisected near 20 s", run(repeat([]float64{5, 10, 15, 18, 19, 21, 22, 25, 30}, 3, rng), sharp), 20_000, "sharp boundary", false},
		{"jittered keep-alive 17-23 s", run(spread, jittered), 20_000, "logistic", false},
		{"never cold", run(repeat([]float64{1, 2, 5}, 2, rng), sharp), 0, "warm after every", true},
		{"always cold", run(repeat([]float64{30, 60}, 2, rng), sharp), 0, "cold after every", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka := keepalive.Estimate(tc.samples)
			if ka == nil {
				t.Fatal("nil estimate")
			}
			t.Logf("estimate %.0f ms [%.0f, %.0f] %s", ka.EstimateMS, ka.LowMS, ka.HighMS, ka.Method)
			if !strings.Contains(ka.MethodDetail, tc.wantMethod) {
				t.Errorf("method detail %q, want %q", ka.MethodDetail, tc.wantMethod)
			}
			if ka.Method != keepalive.MethodBoundary && ka.Method != keepalive.MethodLogistic {
				t.Errorf("method %q is not a short code", ka.Method)
			}
			if tc.truthMS > 0 {
				if math.Abs(ka.EstimateMS-tc.truthMS) > 0.1*tc.truthMS {
					t.Errorf("estimate %.0f not within 10%% of %.0f", ka.EstimateMS, tc.truthMS)
				}
				if ka.LowMS > tc.truthMS || ka.HighMS < tc.truthMS {
					t.Errorf("interval [%.0f, %.0f] misses %.0f", ka.LowMS, ka.HighMS, tc.truthMS)
				}
			}
			if (ka.HighMS == 0) != tc.wantHigh0 {
				t.Errorf("HighMS %v", ka.HighMS)
			}
			if !(ka.LowMS <= ka.EstimateMS && (ka.HighMS == 0 || ka.EstimateMS <= ka.HighMS)) {
				t.Errorf("estimate outside its interval: %+v", ka)
			}
			checkPoints(t, ka.Points, len(tc.samples))
		})
	}
}

// checkPoints: sorted by idle, counts add up, P inside its Wilson interval.
func checkPoints(t *testing.T, pts []results.KeepAlivePoint, n int) {
	t.Helper()
	total := int64(0)
	for i, p := range pts {
		total += p.N
		if i > 0 && p.IdleMS <= pts[i-1].IdleMS {
			t.Errorf("points not sorted: %v", pts)
		}
		if p.P < p.Low || p.P > p.High || p.P != float64(p.Cold)/float64(p.N) {
			t.Errorf("point %+v inconsistent", p)
		}
	}
	if total != int64(n) {
		t.Errorf("points hold %d samples, want %d", total, n)
	}
}

// Gaps a few ms apart are one point; the sharp sweep has 9 scheduled intervals.
func TestPointsMergeJitter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ka := keepalive.Estimate(run(repeat([]float64{5, 10, 15, 18, 19, 21, 22, 25, 30}, 3, rng), func(int) float64 { return 20_000 }))
	if len(ka.Points) != 9 {
		t.Fatalf("%d points, want 9: %+v", len(ka.Points), ka.Points)
	}
	if p := ka.Points[5]; p.Cold != 3 || p.N != 3 || math.Abs(p.IdleMS-21_015) > 20 {
		t.Errorf("21 s point %+v", p)
	}
}

func TestNoEvidence(t *testing.T) {
	busy := run([]float64{30_000, 40_000}, func(int) float64 { return 1 })
	busy[0].InFlight, busy[1].Class = 5, results.Unknown
	first := run([]float64{-1}, func(int) float64 { return 1 })
	failed := run([]float64{30_000}, func(int) float64 { return 1 })
	failed[0].Error = results.ErrTimeout
	for name, ss := range map[string][]results.Sample{"busy or unknown": busy, "first sample": first, "failed": failed, "empty": nil} {
		if ka := keepalive.Estimate(ss); ka != nil {
			t.Errorf("%s: got %+v, want nil", name, ka)
		}
	}
	other := run([]float64{30_000}, func(int) float64 { return 1 })
	if ka := keepalive.EstimateWith(other, keepalive.Options{Phases: []string{"burst"}}); ka != nil {
		t.Errorf("phase filter ignored: %+v", ka)
	}
}

func TestWilson(t *testing.T) {
	tests := []struct {
		k, n    int64
		low, hi float64
	}{
		{0, 10, 0, 0.2775},
		{5, 10, 0.2366, 0.7634},
		{10, 10, 0.7225, 1},
		{0, 0, 0, 1},
	}
	for _, tc := range tests {
		lo, hi := keepalive.Wilson(tc.k, tc.n)
		if math.Abs(lo-tc.low) > 1e-4 || math.Abs(hi-tc.hi) > 1e-4 {
			t.Errorf("Wilson(%d,%d) = [%.4f, %.4f], want [%.4f, %.4f]", tc.k, tc.n, lo, hi, tc.low, tc.hi)
		}
	}
}

// The instance idles a little longer than the client's gap (response and request in
// transit), so a cold start after a gap g bounds the keep-alive by g plus the shortest
// latency, not by g.
func TestUpperBoundAddsTransit(t *testing.T) {
	ss := run([]float64{10_000, 19_990, 19_980}, func(i int) float64 { return []float64{1e9, 0, 1e9}[i] })
	ss[0].LatencyMS, ss[1].LatencyMS, ss[2].LatencyMS = 30, 50, 40
	ka := keepalive.Estimate(ss)
	if ka.LowMS != 19_980 || ka.HighMS != 19_990+30 {
		t.Errorf("interval [%v, %v], want [19980, 20020]", ka.LowMS, ka.HighMS)
	}
}
