package scenarios

import (
	"time"

	"github.com/thaw-dev/thaw/results"
)

// maxUndecidedRounds is how many times the search probes the same gap again when no
// sample at it could be classified, before it gives up.
const maxUndecidedRounds = 3

// Bisector bisects on the idle gap to find the keep-alive boundary: the idle time
// after which the platform has dropped the instance, so the next invocation is cold.
// It starts with [Min, Max]; each round waits the middle gap `samples` times; if the
// cold verdicts are at least as many as the warm ones the boundary is below the gap
// (hi = gap), otherwise above it (lo = gap). It stops when hi − lo ≤ precision. Samples
// that failed or were not classified count for neither side; a round with no verdict
// at all is repeated, up to maxUndecidedRounds times, then the search gives up.
// Not safe for concurrent use: the Runner shows it samples under its recording lock.
type Bisector struct {
	lo, hi, precision time.Duration
	samples           int
	cold, warm, seen  int
	undecidedRounds   int
	gaveUp            bool
	probes            []SearchProbe
}

// SearchProbe is one round of an idle search: the gap tried and its verdicts.
type SearchProbe = results.SearchProbe

// NewBisector returns a search over [lo, hi] to the given precision, with samples
// invocations per round (at least 1).
func NewBisector(lo, hi, precision time.Duration, samples int) *Bisector {
	return &Bisector{lo: lo, hi: hi, precision: max(precision, 1), samples: max(samples, 1)}
}

// Next returns the idle gap to wait before the next invocation, or ok false when the
// search is over.
func (s *Bisector) Next() (gap time.Duration, ok bool) {
	if s.Done() {
		return 0, false
	}
	return s.gap(), true
}

func (s *Bisector) gap() time.Duration { return s.lo + (s.hi-s.lo)/2 }

// Done reports whether the boundary is known to the precision (or the search gave up).
func (s *Bisector) Done() bool { return s.gaveUp || s.hi-s.lo <= s.precision }

// GaveUp reports whether the search stopped because samples could not be classified.
func (s *Bisector) GaveUp() bool { return s.gaveUp }

// Bounds returns the current interval known to contain the boundary.
func (s *Bisector) Bounds() (lo, hi time.Duration) { return s.lo, s.hi }

// Probes returns the rounds so far, in order.
func (s *Bisector) Probes() []SearchProbe { return append([]SearchProbe(nil), s.probes...) }

// Observe feeds back the classified sample of the invocation sent after the gap that
// Next returned. It moves the bounds when a round is complete.
func (s *Bisector) Observe(smp *results.Sample) {
	if s.Done() {
		return
	}
	switch {
	case smp.OK() && smp.Class == results.Cold:
		s.cold++
	case smp.OK() && smp.Class == results.Warm:
		s.warm++
	}
	s.seen++
	if s.seen < s.samples {
		return
	}
	gap := s.gap()
	s.probes = append(s.probes, SearchProbe{GapMS: durMS(gap), Cold: s.cold, Warm: s.warm, Other: s.seen - s.cold - s.warm})
	switch {
	case s.cold+s.warm == 0:
		s.undecidedRounds++
		s.gaveUp = s.undecidedRounds >= maxUndecidedRounds
	case s.cold >= s.warm:
		s.hi = gap
	default:
		s.lo = gap
	}
	s.cold, s.warm, s.seen = 0, 0, 0
}

func durMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
