package gate_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report/gate"
	"github.com/thaw-dev/thaw/results"
)

// runSpec describes a synthetic run: n invocations, a share of them cold, latencies
// log-normal around the given medians, some of them failing.
type runSpec struct {
	n         int
	coldShare float64
	coldMS    float64 // median cold latency
	warmMS    float64 // median warm latency
	sigma     float64 // log-normal shape
	errShare  float64 // share of invocations refused
	seed      uint64
}

func defaultSpec(seed uint64) runSpec {
	return runSpec{n: 4000, coldShare: 0.25, coldMS: 800, warmMS: 20, sigma: 0.25, seed: seed}
}

// writeRun writes a real run directory (samples through results.CreateWriter, the
// summary through results.NewAggregator and results.WriteSummary) and returns it.
func writeRun(t testing.TB, spec runSpec) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	w, err := results.CreateWriter(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	agg := results.NewAggregator()
	rng := rand.New(rand.NewPCG(spec.seed, 0x7e57))
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for i := 0; i < spec.n; i++ {
		s := sample(rng, spec, i, t0)
		if err := w.Write(&s); err != nil {
			t.Fatal(err)
		}
		agg.Add(&s)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	phases, totals, err := agg.Summary()
	if err != nil {
		t.Fatal(err)
	}
	sum := &results.Summary{Scenario: "synthetic", Target: "http://127.0.0.1/fn", Started: t0,
		Ended: t0.Add(time.Duration(spec.n) * time.Millisecond), Phases: phases, Totals: totals,
		ThresholdExprs: []string{"cold_rate < 50%"}}
	if err := results.WriteSummary(dir, sum); err != nil {
		t.Fatal(err)
	}
	return dir
}

func sample(rng *rand.Rand, spec runSpec, i int, t0 time.Time) results.Sample {
	s := results.Sample{Seq: int64(i + 1), Phase: "steady", Start: t0.Add(time.Duration(i) * time.Millisecond),
		Status: 200, Class: results.Warm}
	median := spec.warmMS
	if rng.Float64() < spec.coldShare {
		s.Class, median = results.Cold, spec.coldMS
		s.InitMS = median / 2
	}
	s.LatencyMS = median * math.Exp(spec.sigma*rng.NormFloat64())
	s.TTFBMS = s.LatencyMS
	if rng.Float64() < spec.errShare {
		s.Status, s.Error, s.LatencyMS, s.TTFBMS = 0, results.ErrRefused, 0, 0
	}
	return s
}

func load(t testing.TB, dir string) gate.RunData {
	t.Helper()
	r, err := gate.LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustBudget(t testing.TB, s string) gate.Budget {
	t.Helper()
	b, err := gate.ParseBudget(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
