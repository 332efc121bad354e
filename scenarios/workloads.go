package scenarios

import (
	"math/rand/v2"
	"time"
)

// IdleGaps returns the idle gap to wait before each invocation of an idle phase: every
// interval `samples` times, in the order given, or (shuffled) the whole list permuted
// with a generator seeded by seed, so a run can be repeated exactly. Pure function.
func IdleGaps(intervals []time.Duration, samples int, shuffled bool, seed int64) []time.Duration {
	gaps := make([]time.Duration, 0, len(intervals)*max(samples, 0))
	for _, d := range intervals {
		for range samples {
			gaps = append(gaps, d)
		}
	}
	if shuffled {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x69646c65))
		rng.Shuffle(len(gaps), func(i, j int) { gaps[i], gaps[j] = gaps[j], gaps[i] })
	}
	return gaps
}

// BurstPlan releases Size invocations at one instant, AfterIdle after the previous
// response ended, Repeat times. It is a pure value, safe for concurrent use.
type BurstPlan struct {
	AfterIdle time.Duration
	Size      int
	Repeat    int
}

// Release returns the quiet time to wait before burst k (0-based) and its size, or ok
// false when there is no burst k.
func (b BurstPlan) Release(k int) (quiet time.Duration, size int, ok bool) {
	if k < 0 || k >= b.Repeat || b.Size <= 0 {
		return 0, 0, false
	}
	return b.AfterIdle, b.Size, true
}

// ClosedPlan is the closed model: Workers loops, each sending as soon as its previous
// response ended, until Duration has elapsed (if set) and until Iterations invocations
// have been started in total across all workers (if set), as k6's shared-iterations.
// It is a pure value, safe for concurrent use.
type ClosedPlan struct {
	Workers    int
	Duration   time.Duration
	Iterations int64
}

// Continue reports whether a worker may start another invocation at elapsed, when
// started invocations (0-based index of the one it claims) have already been claimed.
func (c ClosedPlan) Continue(elapsed time.Duration, started int64) bool {
	if c.Duration > 0 && elapsed >= c.Duration {
		return false
	}
	if c.Iterations > 0 && started >= c.Iterations {
		return false
	}
	return c.Duration > 0 || c.Iterations > 0
}
