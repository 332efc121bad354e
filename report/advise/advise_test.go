package advise_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report/advise"
	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
)

func TestErlangB(t *testing.T) {
	tests := []struct {
		n    int
		a    float64
		want float64
	}{
		{0, 3, 1},
		{1, 1, 0.5},      // a / (1 + a)
		{2, 1, 0.2},      // (a²/2) / (1 + a + a²/2)
		{3, 2, 4.0 / 19}, // (8/6) / (1 + 2 + 2 + 8/6)
	}
	for _, tt := range tests {
		if got := advise.ErlangB(tt.n, tt.a); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("B(%d, %g) = %g, want %g", tt.n, tt.a, got, tt.want)
		}
	}
}

// simulate replays Poisson arrivals against a pool: n warm instances that never
// expire, and on-demand instances that expire keepAlive after their last request ended;
// a request takes a free warm instance, else the most recently used free on-demand one,
// else starts a new one (cold, busy for coldS).
func simulate(rps, keepAlive, warmS, coldS float64, n, arrivals int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	reserved := make([]float64, n) // busy until
	var onDemand []float64         // busy until (idle since, once past)
	t, cold := 0.0, 0
	for i := 0; i < arrivals; i++ {
		t += rng.ExpFloat64() / rps
		served := false
		for k := range reserved {
			if reserved[k] <= t {
				reserved[k], served = t+warmS, true
				break
			}
		}
		if !served {
			live := onDemand[:0]
			for _, b := range onDemand {
				if t-b < keepAlive {
					live = append(live, b)
				}
			}
			onDemand = live
			best := -1
			for k, b := range onDemand {
				if b <= t && (best < 0 || b > onDemand[best]) {
					best = k
				}
			}
			if best >= 0 {
				onDemand[best] = t + warmS
			} else {
				onDemand = append(onDemand, t+coldS)
				cold++
			}
		}
	}
	return float64(cold) / float64(arrivals)
}

// TestColdShareAgainstSimulation checks the closed form against a simulated pool.
func TestColdShareAgainstSimulation(t *testing.T) {
	tests := []struct {
		name                    string
		rps, keep, warmS, coldS float64
		n                       int
	}{
		{"sparse, no warm", 0.05, 10, 0.05, 1, 0},
		{"sparse, instant", 0.05, 10, 0, 0, 0},
		{"slow cold starts", 0.1, 5, 0.1, 3, 0},
		{"one warm instance", 0.5, 60, 0.3, 1, 1},
		{"two warm, busy", 5, 30, 0.2, 1, 2},
		{"dense, no warm", 2, 20, 0.3, 1.5, 0},
		{"one warm, sparse overflow", 0.2, 10, 1, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := simulate(tt.rps, tt.keep, tt.warmS, tt.coldS, tt.n, 200_000, 7)
			got := advise.ColdShare(tt.rps, tt.keep, tt.warmS, tt.coldS, tt.n)
			t.Logf("closed form %.4f, simulation %.4f", got, want)
			if math.Abs(got-want) > 0.025 {
				t.Errorf("closed form %.4f, simulation %.4f", got, want)
			}
		})
	}
	if got, want := advise.ColdShare(0.05, 10, 0, 0, 0), math.Exp(-0.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("instant service: %g, want e^-λK = %g", got, want)
	}
}

func lambda(t *testing.T) *cost.Entry {
	t.Helper()
	cat, err := cost.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	e, err := cat.Lookup("aws-lambda")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestAdviseTable(t *testing.T) {
	e := lambda(t)
	in := advise.Inputs{KeepAliveMS: 600_000, WarmLatencyMS: 50, ColdLatencyMS: 800,
		Pricing: results.Pricing{Model: "aws-lambda", MemoryMB: 1024}}
	a, err := advise.Advise(e, in, advise.Traffic{RPS: 0.002}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rows) != 4 {
		t.Fatalf("%d rows, want 0..3", len(a.Rows))
	}
	// One provisioned-concurrency instance of 1 GB, x86: 2,628,000 s × $0.0000041667.
	if want := 2_628_000 * 0.0000041667; math.Abs(a.PerWarmUSD-want) > 1e-6 {
		t.Errorf("per warm instance = $%.4f, want $%.4f", a.PerWarmUSD, want)
	}
	for i := 1; i < len(a.Rows); i++ {
		r, prev := a.Rows[i], a.Rows[i-1]
		if r.ColdShare >= prev.ColdShare || r.ColdRemoved <= 0 || r.AddedUSD <= 0 {
			t.Errorf("row %d: cold %.4f (prev %.4f), removed %.1f, added $%.2f: want fewer cold starts for more money",
				i, r.ColdShare, prev.ColdShare, r.ColdRemoved, r.AddedUSD)
		}
		if math.Abs(r.USDPerColdSaved-r.AddedUSD/r.ColdRemoved) > 1e-9 {
			t.Errorf("row %d: break-even %.6f inconsistent", i, r.USDPerColdSaved)
		}
	}
	var out bytes.Buffer
	if err := a.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"each warm instance costs $10.95 a month", "cold share", "note: warm capacity priced as provisioned concurrency"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, out.String())
		}
	}
	svg, err := a.SVG()
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(svg), []byte("<?xml")) {
		t.Errorf("svg: %v (%d bytes)", err, len(svg))
	}
}

func TestAdviseRejects(t *testing.T) {
	e := lambda(t)
	good := advise.Inputs{KeepAliveMS: 1000, WarmLatencyMS: 10, Pricing: results.Pricing{Model: "aws-lambda"}}
	tests := []struct {
		name string
		in   advise.Inputs
		tr   advise.Traffic
		want string
	}{
		{"no rate", good, advise.Traffic{}, "--rps"},
		{"short profile", good, advise.Traffic{Profile: []float64{1, 2}}, "24"},
		{"no keep-alive", advise.Inputs{WarmLatencyMS: 10, Pricing: results.Pricing{Model: "aws-lambda"}}, advise.Traffic{RPS: 1}, "keep-alive"},
	}
	for _, tt := range tests {
		if _, err := advise.Advise(e, tt.in, tt.tr, 2); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}
