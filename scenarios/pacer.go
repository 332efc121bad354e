package scenarios

import (
	"math"
	"math/rand/v2"
	"time"
)

// Schedule plans the arrivals of an open-model phase ahead of time: arrival n is due at
// a fixed offset from the phase start, whatever happened to earlier requests (no
// coordinated omission).
type Schedule interface {
	// Arrival returns the planned offset of arrival n (0-based) from the phase start,
	// or ok false when the phase plans no arrival n (nor any later one).
	Arrival(n int64) (at time.Duration, ok bool)
	// RateAt returns the target arrival rate (per second) at offset t.
	RateAt(t time.Duration) float64
}

// countInverse is a Schedule whose arrivals come from the inverse of its cumulative
// count N(t): the time at which N(t) = u. Poisson arrivals reuse it (time change).
type countInverse interface {
	Schedule
	at(u float64) (time.Duration, bool)
}

// Pace is vegeta's pacer shape over a Schedule: given the time elapsed since the phase
// started and the number of arrivals already sent, it returns how long to wait before
// sending the next one (0 when it is due or late), or stop when there is none.
func Pace(s Schedule, elapsed time.Duration, count int64) (wait time.Duration, stop bool) {
	at, ok := s.Arrival(count)
	if !ok {
		return 0, true
	}
	return max(at-elapsed, 0), false
}

// ConstantSchedule is a constant arrival rate: arrival n at n/RPS seconds, for as long
// as that is before Duration. It is a pure value, safe for concurrent use.
type ConstantSchedule struct {
	RPS      float64
	Duration time.Duration
}

var _ Schedule = ConstantSchedule{}

// Arrival returns n/RPS, if it falls before Duration.
func (c ConstantSchedule) Arrival(n int64) (time.Duration, bool) { return c.at(float64(n)) }

// RateAt returns RPS during the phase and 0 after it.
func (c ConstantSchedule) RateAt(t time.Duration) float64 {
	if t < 0 || t >= c.Duration {
		return 0
	}
	return c.RPS
}

func (c ConstantSchedule) at(u float64) (time.Duration, bool) {
	if c.RPS <= 0 || u < 0 {
		return 0, false
	}
	secs := u / c.RPS
	if secs >= c.Duration.Seconds() {
		return 0, false
	}
	return time.Duration(math.Round(secs * 1e9)), true
}

// PoissonSchedule turns a rate into a Poisson process with the same expected arrivals:
// in "count space" the gaps are exponential with mean 1 (seeded), and each point u is
// mapped back to the time where the base schedule's cumulative count reaches u. For a
// constant rate this gives exponential gaps with mean 1/RPS; for a ramp it gives a
// non-homogeneous Poisson process that follows the ramp. Arrival is deterministic for
// a seed; it is fastest when called with n increasing. Not safe for concurrent use.
type PoissonSchedule struct {
	base countInverse
	seed uint64
	rng  *rand.Rand
	n    int64   // index of the last arrival computed, -1 before the first
	u    float64 // its point in count space
}

var _ Schedule = (*PoissonSchedule)(nil)

// NewPoissonSchedule returns Poisson arrivals following base (a ConstantSchedule or a
// *RampSchedule), seeded with seed.
func NewPoissonSchedule(base Schedule, seed int64) *PoissonSchedule {
	ci, ok := base.(countInverse)
	if !ok {
		ci = ConstantSchedule{}
	}
	p := &PoissonSchedule{base: ci, seed: uint64(seed)}
	p.reset()
	return p
}

func (p *PoissonSchedule) reset() {
	p.rng = rand.New(rand.NewPCG(p.seed, 0x7468617770))
	p.n, p.u = -1, 0
}

// Arrival returns the time of arrival n of the Poisson process.
func (p *PoissonSchedule) Arrival(n int64) (time.Duration, bool) {
	if n < 0 {
		return 0, false
	}
	if n < p.n {
		p.reset()
	}
	for p.n < n {
		p.u += p.rng.ExpFloat64()
		p.n++
	}
	return p.base.at(p.u)
}

// RateAt returns the target (expected) rate of the base schedule.
func (p *PoissonSchedule) RateAt(t time.Duration) float64 { return p.base.RateAt(t) }
