package probes_test

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// synth describes a synthetic run with known truth: warm server time is log-normal
// around warmMS; a cold sample adds initMS. Cold samples follow a long idle gap.
type synth struct {
	n, cold        int
	warmMS, initMS float64
	sigma          float64 // log-normal spread of both groups
	outliers       int     // warm samples slowed 5–20× (scheduler noise), not cold
	fresh          bool    // every request opens a new connection (connect 20–60 ms)
	seed           uint64
}

// samples returns the run in completion order and the truth per sample.
func (c synth) samples() ([]results.Sample, []bool) {
	rng := rand.New(rand.NewPCG(c.seed, 7))
	truth := make([]bool, c.n)
	for _, i := range rng.Perm(c.n)[:c.cold] {
		truth[i] = true
	}
	out := make([]results.Sample, c.n)
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	outl := map[int]bool{}
	for len(outl) < c.outliers {
		if i := rng.IntN(c.n); !truth[i] {
			outl[i] = true
		}
	}
	for i := range out {
		srv := c.warmMS * math.Exp(rng.NormFloat64()*c.sigma)
		idle := 5 + rng.Float64()*50
		if truth[i] {
			srv += c.initMS * math.Exp(rng.NormFloat64()*c.sigma)
			idle = 60_000 + rng.Float64()*60_000
		}
		if outl[i] {
			srv *= 5 + 15*rng.Float64()
		}
		s := results.Sample{Seq: int64(i), RequestID: "r" + itoa(i), Start: at, Status: 200,
			IdleBeforeMS: idle, ConnReused: !c.fresh, Class: results.Unknown}
		if c.fresh {
			s.ConnectMS = 20 + 40*rng.Float64()
			s.DNSMS = 0.1
		}
		s.TTFBMS = s.DNSMS + s.ConnectMS + srv
		s.LatencyMS = s.TTFBMS + 0.2
		out[i] = s
		at = at.Add(time.Duration((s.LatencyMS + idle) * float64(time.Millisecond)))
	}
	return out, truth
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}

// score counts samples whose class matches the truth, and cold verdicts made.
func score(ss []results.Sample, truth []bool) (correct, cold, unknown int) {
	for i, s := range ss {
		switch {
		case s.Class == results.Unknown:
			unknown++
		case (s.Class == results.Cold) == truth[i]:
			correct++
		}
		if s.Class == results.Cold {
			cold++
		}
	}
	return correct, cold, unknown
}
