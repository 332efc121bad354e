package gate

import (
	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

// Report is everything a CI step decided about a run: its thresholds and, when it
// was compared with a baseline, the gate's result. `thaw run --junit` fills only
// Thresholds.
type Report struct {
	Run        string                    // the new run (directory or scenario name)
	Baseline   string                    // the baseline directory; "" without one
	Thresholds []results.ThresholdResult // the run's own thresholds
	Gate       *Result                   // nil without a baseline
	Strict     bool                      // inconclusive counts as a failure
	DurationS  float64                   // run duration in seconds, for JUnit time
}

// Outcome is Fail when a threshold or a budget item failed (or, with Strict, was
// inconclusive), Inconclusive when an item was, and Pass otherwise.
func (r Report) Outcome() Outcome {
	out := Pass
	for _, t := range r.Thresholds {
		if !t.Pass {
			out = Fail
		}
	}
	if r.Gate != nil {
		out = worse(out, r.Gate.Outcome)
	}
	if r.Strict && out == Inconclusive {
		return Fail
	}
	return out
}

// thresholdVerdict names a threshold result: pass, fail or "not computable".
func thresholdVerdict(t results.ThresholdResult) string {
	switch {
	case t.Pass:
		return "pass"
	case threshold.NotComputable(t):
		return "fail (not computable)"
	}
	return "fail"
}

// CheckThresholds evaluates the run's own thresholds (s.ThresholdExprs) and extra
// expressions (from --threshold flags), in that order. Expressions that do not parse
// are an error naming each of them (a usage error: exit 2); nothing is evaluated then.
// It is what `thaw run --threshold` and `thaw gate` share.
func CheckThresholds(s *results.Summary, extra []string) ([]results.ThresholdResult, error) {
	exprs := append(append([]string(nil), s.ThresholdExprs...), extra...)
	ts, err := threshold.ParseAll(exprs)
	if err != nil {
		return nil, err
	}
	return threshold.Evaluate(s, ts), nil
}
