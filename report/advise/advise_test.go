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

// simulate replays Poisson arrivals at rps through advise.Simulate's pool.
func simulate(rps, keepAlive, warmS, coldS float64, n, arrivals int, seed uint64) float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	trace := make([]float64, arrivals)
	t := 0.0
	for i := range trace {
		t += rng.ExpFloat64() / rps
		trace[i] = t
	}
	return advise.Simulate(trace, keepAlive, warmS, []float64{coldS}, n)
}

// TestSimulateByHand: keep-alive 10 s, warm 0.5 s, cold 1 s. Arrivals 0 (cold), 5 (warm:
// idle 4 s), 20 (cold: idle 14.5 s), 20.1 (cold: the only instance is busy), 21 (warm:
// the first is free again). With one warm instance only 20.1 is cold.
func TestSimulateByHand(t *testing.T) {
	trace := []float64{0, 5, 20, 20.1, 21}
	for n, want := range []float64{0.6, 0.2} {
		if got := advise.Simulate(trace, 10, 0.5, []float64{1}, n); math.Abs(got-want) > 1e-12 {
			t.Errorf("%d warm: cold share %g, want %g", n, got, want)
		}
	}
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
	// Fonts embedded, cut to the text: whole fonts made it about 600 KB.
	if n := bytes.Count(svg, []byte("@font-face")); n != 1 || len(svg) > 100_000 {
		t.Errorf("svg: %d @font-face rules, %d bytes; want 1 font and under 100 KB", n, len(svg))
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

// TestTraceAdvice replays a trace: the same arrivals fed as a trace and, for
// comparison, as their mean Poisson rate agree within two points.
func TestTraceAdvice(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var trace []float64
	for at := 0.0; len(trace) < 20_000; {
		at += rng.ExpFloat64() / 0.05
		trace = append(trace, at)
	}
	in := advise.Inputs{KeepAliveMS: 10_000, WarmLatencyMS: 40, ColdLatencyMS: 900,
		Pricing: results.Pricing{Model: "aws-lambda", MemoryMB: 512}}
	byTrace, err := advise.Advise(lambda(t), in, advise.Traffic{Trace: trace}, 1)
	if err != nil {
		t.Fatal(err)
	}
	byRate, err := advise.Advise(lambda(t), in, advise.Traffic{RPS: 0.05}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := byTrace.Rows[0].ColdShare - byRate.Rows[0].ColdShare; math.Abs(d) > 0.02 {
		t.Errorf("trace %.4f vs rate %.4f", byTrace.Rows[0].ColdShare, byRate.Rows[0].ColdShare)
	}
	if r := byTrace.RequestsMonthly / (0.05 * 2_628_000); r < 0.95 || r > 1.05 {
		t.Errorf("monthly requests from the trace %.0f, want about %.0f", byTrace.RequestsMonthly, 0.05*2_628_000)
	}
}

// TestColdTail: one cold start in four takes 8 s instead of 0.5 s. Arrivals during a
// slow start are cold too, which the mean cold time (2.4 s) understates; the
// distribution form follows the simulated pool.
func TestColdTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	trace := make([]float64, 100_000)
	at := 0.0
	for i := range trace {
		at += rng.ExpFloat64() / 0.1
		trace[i] = at
	}
	tail := []float64{0.5, 0.5, 0.5, 8}
	sim := advise.Simulate(trace, 10, 0.05, tail, 0)
	dist := advise.ColdShareDist(0.1, 10, 0.05, tail, 0)
	t.Logf("simulated %.4f, distribution %.4f, mean only %.4f", sim, dist, advise.ColdShare(0.1, 10, 0.05, 2.375, 0))
	if math.Abs(dist-sim) > 0.025 {
		t.Errorf("distribution form %.4f, simulation %.4f", dist, sim)
	}
}
