package scenarios

import (
	"github.com/thaw-dev/thaw/results"
)

// deliver records one completed sample from the goroutine that sent it: classified,
// shown to the idle search (when one is given), handed to the Sink. Samples are
// recorded one at a time, in the order they are delivered, which is completion order.
// After a Sink error the samples still in flight are offered too: a run stopped by
// its sink (target unreachable, a threshold) loses nothing that was sent. Only the
// first error counts; it stops the run. A nil s (a send a guard refused) is ignored.
func (r *Runner) deliver(s *results.Sample, search *Bisector) {
	if s == nil {
		return
	}
	// Times are judged and summed from here on as the file holds them: wall clock, no
	// monotonic reading, so what is computed now and from the file later agree.
	s.Start, s.Scheduled = s.Start.Round(0), s.Scheduled.Round(0)
	r.recMu.Lock()
	defer r.recMu.Unlock()
	r.prog.completed.Add(1)
	if !s.OK() {
		r.prog.errors.Add(1)
	}
	if r.cls != nil && (search != nil || !r.lazy) {
		r.cls.Classify(s)
	}
	if s.Class == "" {
		s.Class = results.Unknown
	}
	if search != nil {
		search.Observe(s)
	}
	if s.Class == results.Cold {
		r.prog.cold.Add(1)
	}
	if err := r.sink.Record(s); err != nil && r.sinkErr == nil {
		r.sinkErr = err
		r.abort(errSink)
	}
}

// recordPhase tells the Sink what the engine knows about a phase that ended, once all
// of its samples are recorded (unless the Sink already failed).
func (r *Runner) recordPhase(ps *PhaseStats) {
	pr, ok := r.sink.(phaseRecorder)
	if !ok {
		return
	}
	r.recMu.Lock()
	defer r.recMu.Unlock()
	if r.sinkErr == nil {
		info := ps.PhaseInfo
		info.Started, info.Ended = info.Started.Round(0), info.Ended.Round(0) // as the file holds them
		pr.RecordPhase(ps.Name, info)
	}
}
