package scenarios

import (
	"math"
	"sync/atomic"
	"time"
)

// Progress is a snapshot of a running Runner, for a live progress line.
type Progress struct {
	Phase          string        // name of the current phase ("" before the first)
	PhaseIndex     int           // 0-based index of the current phase
	Phases         int           // number of phases
	PhaseElapsed   time.Duration // since the current phase started
	PhaseRemaining time.Duration // expected time left in the phase (0 when unknown or over)
	Elapsed        time.Duration // since the run started
	Remaining      time.Duration // expected time left in the run: this phase and the later ones
	Sent           int64         // invocations sent, whole run
	Completed      int64         // invocations completed and recorded
	InFlight       int64         // sent and not yet recorded
	Errors         int64         // completed with a request error
	Cold           int64         // judged cold as they completed: provisional, the whole-run pass decides
	Late           int64         // open-model sends that started late, whole run
	Dropped        int64         // open-model arrivals dropped at max_in_flight, whole run
	RateRPS        float64       // target rate for open-model phases, else sends per second in the phase
}

// progressState holds the counters behind Progress; every field is atomic.
type progressState struct {
	phase      atomic.Value // string
	index      atomic.Int64
	phases     atomic.Int64
	phaseStart atomic.Int64 // unix nanoseconds
	expected   atomic.Int64 // expected phase length, nanoseconds
	runStart   atomic.Int64 // unix nanoseconds
	later      atomic.Int64 // expected length of the phases after this one, nanoseconds
	sentBefore atomic.Int64 // sent when the current phase started
	sent       atomic.Int64
	completed  atomic.Int64
	inFlight   atomic.Int64
	errors     atomic.Int64
	cold       atomic.Int64
	late       atomic.Int64
	dropped    atomic.Int64
	target     atomic.Uint64 // float64 bits of the target rate; NaN when closed model
}

// Progress returns a snapshot of the run. Safe for concurrent use.
func (r *Runner) Progress() Progress {
	s := &r.prog
	p := Progress{
		PhaseIndex: int(s.index.Load()),
		Phases:     int(s.phases.Load()),
		Sent:       s.sent.Load(),
		Completed:  s.completed.Load(),
		InFlight:   s.inFlight.Load(),
		Errors:     s.errors.Load(),
		Cold:       s.cold.Load(),
		Late:       s.late.Load(),
		Dropped:    s.dropped.Load(),
	}
	p.Phase, _ = s.phase.Load().(string)
	if start := s.phaseStart.Load(); start != 0 {
		p.PhaseElapsed = max(r.clock.Now().Sub(time.Unix(0, start)), 0)
		p.PhaseRemaining = max(time.Duration(s.expected.Load())-p.PhaseElapsed, 0)
		p.Remaining = p.PhaseRemaining + time.Duration(s.later.Load())
	}
	if start := s.runStart.Load(); start != 0 {
		p.Elapsed = max(r.clock.Now().Sub(time.Unix(0, start)), 0)
	}
	p.RateRPS = math.Float64frombits(s.target.Load())
	if math.IsNaN(p.RateRPS) {
		p.RateRPS = 0
		if secs := p.PhaseElapsed.Seconds(); secs > 0 {
			p.RateRPS = float64(s.sent.Load()-s.sentBefore.Load()) / secs
		}
	}
	return p
}

func (s *progressState) startPhase(index int, name string, start time.Time, expected, later time.Duration) {
	s.later.Store(int64(later))
	s.phase.Store(name)
	s.index.Store(int64(index))
	s.phaseStart.Store(start.UnixNano())
	s.expected.Store(int64(expected))
	s.sentBefore.Store(s.sent.Load())
	s.target.Store(math.Float64bits(math.NaN()))
}

func (s *progressState) setTarget(rps float64) { s.target.Store(math.Float64bits(rps)) }

// fill copies the run totals into st.
func (s *progressState) fill(st *Stats) {
	st.Sent = s.sent.Load()
	st.Completed = s.completed.Load()
	st.Errors = s.errors.Load()
	st.Late = s.late.Load()
	st.Dropped = s.dropped.Load()
}
