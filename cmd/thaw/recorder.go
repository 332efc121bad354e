package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/thaw-dev/thaw/analysis"
	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

// unreachableAfter is how many failed connection attempts in a row, before any
// response at all, make a run stop as "target unreachable" (exit 3).
const unreachableAfter = 5

// errUnreachable aborts a run whose target never answered.
var errUnreachable = errors.New("target unreachable")

// errThresholdAbort stops a run whose abort_on_fail threshold failed.
var errThresholdAbort = errors.New("threshold failed")

// watchEvery is how often abort_on_fail thresholds are checked during a run.
const watchEvery = time.Second

// recorder is the run's Sink: it gives every sample the verdict it is written with
// (final unless the latency probe, which judges from the whole run, finds cold starts
// to tell apart), streams it to samples.ndjson and feeds the figures of the whole-run
// pass (analysis.Recording). The runner calls it for one sample at a time.
type recorder struct {
	w         *results.Writer
	pass      *analysis.Recording
	watched   *results.Aggregator // abort_on_fail's view, with the runner's provisional verdicts; nil when nothing is watched
	answered  bool
	failedRun int
	lastErr   string

	watcher   *threshold.Watcher // abort_on_fail thresholds (may watch none)
	started   time.Time
	lastCheck time.Time
	checking  atomic.Bool           // a threshold check is running on a copy
	abort     atomic.Pointer[error] // what a finished check found: the run stops
	checks    sync.WaitGroup
}

func newRecorder(dir string, watcher *threshold.Watcher, pass *analysis.Recording) (*recorder, error) {
	w, err := results.CreateWriter(dir, results.DefaultFlushInterval)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	r := &recorder{w: w, pass: pass, watcher: watcher, started: now, lastCheck: now}
	if watcher != nil && watcher.Active() {
		r.watched = results.NewAggregator()
	}
	return r, nil
}

// Record implements scenarios.Sink. abort_on_fail's thresholds see the sample with
// the runner's provisional verdict, as the live progress line shows it; the file and
// the whole-run pass get the verdict it is written with.
func (r *recorder) Record(s *results.Sample) error {
	if r.watched != nil {
		r.watched.Add(s)
	}
	r.pass.Judge(s)
	if err := r.w.Write(s); err != nil {
		return err
	}
	r.pass.Add(s)
	if err := r.watchReachability(s); err != nil {
		return err
	}
	return r.watchThresholds()
}

// watchThresholds checks abort_on_fail thresholds on the run so far, at most once
// per watchEvery. The check builds a summary (histograms encoded, thresholds judged:
// milliseconds) from a copy of the aggregator on a goroutine of its own, so the
// samples being recorded meanwhile are not held up; what it finds stops the run at the
// next sample.
func (r *recorder) watchThresholds() error {
	if p := r.abort.Load(); p != nil {
		return *p
	}
	if r.watched == nil || time.Since(r.lastCheck) < watchEvery || !r.checking.CompareAndSwap(false, true) {
		return nil
	}
	r.lastCheck = time.Now()
	snap, elapsed := r.watched.Clone(), r.lastCheck.Sub(r.started)
	r.checks.Add(1)
	go func() {
		defer r.checks.Done()
		defer r.checking.Store(false)
		if err := r.check(snap, elapsed); err != nil {
			r.abort.Store(&err)
		}
	}()
	return nil
}

// check judges the abort_on_fail thresholds on snap, the run elapsed after its start.
func (r *recorder) check(snap *results.Aggregator, elapsed time.Duration) error {
	phases, totals, err := snap.Summary()
	if err != nil {
		return err
	}
	partial := &results.Summary{Version: results.SummaryVersion, Started: r.started, Ended: r.started.Add(elapsed),
		Phases: phases, Totals: totals}
	abort, failed := r.watcher.Check(elapsed, partial)
	if !abort {
		return nil
	}
	reasons := make([]string, len(failed))
	for i, f := range failed {
		reasons[i] = fmt.Sprintf("%s (%s)", f.Expr, f.Detail)
	}
	return fmt.Errorf("%w: %s", errThresholdAbort, strings.Join(reasons, "; "))
}

// RecordPhase implements the runner's optional phase-info sink.
func (r *recorder) RecordPhase(name string, info results.PhaseInfo) {
	r.pass.SetPhaseInfo(name, info)
	if r.watched != nil {
		r.watched.SetPhaseInfo(name, info)
	}
}

func (r *recorder) watchReachability(s *results.Sample) error {
	if r.answered {
		return nil
	}
	if s.Status != 0 {
		r.answered = true
		return nil
	}
	switch s.Error {
	case results.ErrRefused, results.ErrDNS, results.ErrTLS:
		r.failedRun++
		r.lastErr = s.ErrorDetail
	}
	if r.failedRun >= unreachableAfter {
		return fmt.Errorf("%w: %d attempts failed, last: %s", errUnreachable, r.failedRun, r.lastErr)
	}
	return nil
}

// close waits for a threshold check still running and flushes the samples file.
func (r *recorder) close() error {
	r.checks.Wait()
	return r.w.Close()
}
