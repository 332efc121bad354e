package threshold

import (
	"time"

	"github.com/thaw-dev/thaw/results"
)

// Watcher evaluates thresholds marked abort_on_fail during a run, on partial
// summaries, and says when to stop. It is a pure function of the elapsed time and the
// summary (no clock inside), holds no state and is safe for concurrent use.
//
// A threshold can abort the run only once its grace period has elapsed and only when
// its metric is computable and fails: a partial run with no cold sample yet is not a
// reason to stop.
type Watcher struct {
	ts []Threshold
}

// NewWatcher keeps the thresholds of ts that have AbortOnFail set.
func NewWatcher(ts []Threshold) *Watcher {
	w := &Watcher{}
	for _, t := range ts {
		if t.AbortOnFail {
			w.ts = append(w.ts, t)
		}
	}
	return w
}

// Active reports whether any threshold can abort the run.
func (w *Watcher) Active() bool { return len(w.ts) > 0 }

// Check judges the partial summary s taken elapsed after the run started. It returns
// true and the failed verdicts (for the abort reason) when the run should stop.
func (w *Watcher) Check(elapsed time.Duration, s *results.Summary) (abort bool, failed []results.ThresholdResult) {
	for _, t := range w.ts {
		if elapsed < t.Grace {
			continue
		}
		r := t.Evaluate(s)
		if r.Pass || NotComputable(r) {
			continue
		}
		failed = append(failed, r)
	}
	return len(failed) > 0, failed
}
