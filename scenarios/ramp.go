package scenarios

import (
	"math"
	"time"
)

// RampSchedule is an arrival rate that moves linearly from stage to stage. Arrival n is
// due when the integral of the rate, N(t), reaches n. Within a stage that starts at rate
// r0, ends at r1 and lasts T seconds, N(t) = N0 + r0·t + (r1−r0)·t²/(2T), so the offset
// m = n − N0 is reached at the positive root of a·t² + r0·t − m = 0 with a = (r1−r0)/(2T),
// written t = 2m / (r0 + √(r0² + 4am)) to stay exact when a is 0 or r0 is 0. No
// stepping: every arrival time is computed directly. Safe for concurrent use.
type RampSchedule struct {
	stages []rampStage
	total  float64 // N at the end of the last stage
}

type rampStage struct {
	start      time.Duration
	length     time.Duration
	r0, r1, n0 float64
}

var _ Schedule = (*RampSchedule)(nil)

// NewRampSchedule returns the ramp that starts at rate from (per second) and moves to
// each stage's To over its Over.
func NewRampSchedule(from float64, stages []Stage) *RampSchedule {
	r := &RampSchedule{}
	var start time.Duration
	rate := from
	for _, st := range stages {
		length := st.Over.D()
		if length <= 0 {
			continue
		}
		r.stages = append(r.stages, rampStage{start: start, length: length, r0: rate, r1: st.To, n0: r.total})
		r.total += (rate + st.To) / 2 * length.Seconds()
		start += length
		rate = st.To
	}
	return r
}

// Arrival returns the time at which the cumulative count reaches n.
func (r *RampSchedule) Arrival(n int64) (time.Duration, bool) { return r.at(float64(n)) }

// Total is the expected number of arrivals over the whole ramp.
func (r *RampSchedule) Total() float64 { return r.total }

func (r *RampSchedule) at(u float64) (time.Duration, bool) {
	if u < 0 || u >= r.total {
		return 0, false
	}
	for i := range r.stages {
		st := &r.stages[i]
		count := (st.r0 + st.r1) / 2 * st.length.Seconds()
		if u >= st.n0+count && i < len(r.stages)-1 {
			continue
		}
		secs := st.solve(u - st.n0)
		off := time.Duration(math.Round(secs * 1e9))
		return st.start + min(off, st.length), true
	}
	return 0, false
}

// solve returns the seconds into the stage at which m arrivals of it have been due.
func (st *rampStage) solve(m float64) float64 {
	if m <= 0 {
		return 0
	}
	a := (st.r1 - st.r0) / (2 * st.length.Seconds())
	disc := math.Max(st.r0*st.r0+4*a*m, 0)
	den := st.r0 + math.Sqrt(disc)
	if den <= 0 {
		return st.length.Seconds()
	}
	return 2 * m / den
}

// RateAt returns the target rate at offset t, interpolated within its stage.
func (r *RampSchedule) RateAt(t time.Duration) float64 {
	for _, st := range r.stages {
		if t >= st.start && t < st.start+st.length {
			f := float64(t-st.start) / float64(st.length)
			return st.r0 + (st.r1-st.r0)*f
		}
	}
	return 0
}
