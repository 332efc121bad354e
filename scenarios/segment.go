package scenarios

import (
	"fmt"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// Segments: `thaw run --segment i/n` sends the i-th of n parts of every phase, so that
// n load generators started at one time send, together, exactly the whole scenario.
// Open-model arrivals (rate, ramp, trace) are partitioned by index: segment i sends
// arrivals i−1, i−1+n, i−1+2n, … of the one schedule all segments compute, so none is
// lost or doubled at any boundary and each segment's rate is the n-th part. A burst's
// size, a closed model's workers and iterations, and an idle sweep's list of gaps are
// split the same way; an adaptive idle search, which is sequential, runs in segment 1.

// SplitCount returns the part of total that seg gets: total/n, plus one for the first
// total mod n segments, so the parts add up to total. A zero seg is the whole. Pure.
func SplitCount(total int64, seg results.Segment) int64 {
	if seg.Count <= 1 {
		return total
	}
	n, i := int64(seg.Count), int64(seg.Index-1)
	part := total / n
	if i < total%n {
		part++
	}
	return part
}

// SegmentSchedule is the segment's part of an open-model schedule: arrival k of the
// segment is arrival k·n + i − 1 of Base. It is as safe for concurrent use as Base.
type SegmentSchedule struct {
	Base    Schedule
	Segment results.Segment
}

var _ Schedule = SegmentSchedule{}

// Arrival returns the time of the segment's arrival k.
func (s SegmentSchedule) Arrival(k int64) (time.Duration, bool) {
	if k < 0 {
		return 0, false
	}
	if s.Segment.Count <= 1 {
		return s.Base.Arrival(k)
	}
	return s.Base.Arrival(k*int64(s.Segment.Count) + int64(s.Segment.Index-1))
}

// RateAt returns the segment's share of Base's rate.
func (s SegmentSchedule) RateAt(t time.Duration) float64 {
	return s.Base.RateAt(t) / float64(max(s.Segment.Count, 1))
}

// SegmentGaps keeps the idle gaps of an idle sweep that belong to seg: gap j goes to
// segment j mod n + 1. Pure function.
func SegmentGaps(gaps []time.Duration, seg results.Segment) []time.Duration {
	if seg.Count <= 1 {
		return gaps
	}
	var out []time.Duration
	for j, g := range gaps {
		if j%seg.Count == seg.Index-1 {
			out = append(out, g)
		}
	}
	return out
}

// SegmentClosed returns seg's part of a closed model: its share of the workers and,
// when iterations are set, of the iterations, split among the segments that have a
// worker so none is left unsent. Pure function.
func SegmentClosed(p ClosedPlan, seg results.Segment) ClosedPlan {
	if seg.Count <= 1 {
		return p
	}
	out := p
	out.Workers = int(SplitCount(int64(p.Workers), seg))
	if p.Iterations > 0 {
		out.Iterations = 0
		if busy := min(seg.Count, p.Workers); seg.Index <= busy {
			out.Iterations = SplitCount(p.Iterations, results.Segment{Index: seg.Index, Count: busy})
		}
	}
	return out
}

// MaxClockSkew is how far in the past a --start-at time may be when a segment starts
// before it counts as missed (clocks disagree, or the segment started late).
const MaxClockSkew = 2 * time.Second

// MaxStartAhead is how far in the future a --start-at time may be.
const MaxStartAhead = 24 * time.Hour

// CheckStartAt reports whether a run may wait for start time at, given this machine's
// clock now. Pure function.
func CheckStartAt(now, at time.Time) error {
	switch {
	case now.Sub(at) > MaxClockSkew:
		return fmt.Errorf("start time %s passed %s ago: this segment started late or its clock is ahead of the others' (keep clocks in sync with NTP; choose a later --start-at)",
			at.UTC().Format(time.RFC3339), now.Sub(at).Round(time.Millisecond))
	case at.Sub(now) > MaxStartAhead:
		return fmt.Errorf("start time %s is %s ahead, more than %s: is this machine's clock behind?",
			at.UTC().Format(time.RFC3339), at.Sub(now).Round(time.Second), MaxStartAhead)
	}
	return nil
}
