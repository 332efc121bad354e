package threshold_test

import (
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

func TestWatcher(t *testing.T) {
	s := fixture(t) // error_rate 8.3%, no intended latency, cost 0.35
	ts, err := threshold.ParseAll([]string{
		"error_rate < 1% abort_on_fail grace=30s", // fails once past grace
		"p(95) < 1ms",                                 // fails but cannot abort
		"intended.p(95) < 1s abort_on_fail",           // not computable: never aborts
		"cost_per_million < 1 abort_on_fail grace=1s", // passes
	})
	if err != nil {
		t.Fatal(err)
	}
	w := threshold.NewWatcher(ts)
	if !w.Active() {
		t.Fatal("watcher with abort_on_fail thresholds is not active")
	}
	cases := []struct {
		elapsed time.Duration
		abort   bool
	}{
		{0, false},
		{29 * time.Second, false},
		{30 * time.Second, true},
		{time.Hour, true},
	}
	for _, c := range cases {
		abort, failed := w.Check(c.elapsed, s)
		if abort != c.abort {
			t.Errorf("Check(%v) abort = %v, want %v (%+v)", c.elapsed, abort, c.abort, failed)
		}
		if abort && (len(failed) != 1 || failed[0].Expr != ts[0].Expr) {
			t.Errorf("Check(%v) failed = %+v, want only %q", c.elapsed, failed, ts[0].Expr)
		}
	}
	if threshold.NewWatcher(ts[1:2]).Active() {
		t.Error("watcher without abort_on_fail thresholds is active")
	}
	if abort, _ := threshold.NewWatcher(ts).Check(time.Hour, &results.Summary{}); abort {
		t.Error("an empty partial summary aborted the run")
	}
}
