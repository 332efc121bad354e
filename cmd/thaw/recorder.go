package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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

// recorder is the run's Sink: it gives every sample the verdict of the whole-run
// pass's chain (final unless the latency probe, which judges from the whole run,
// finds cold starts to tell apart: probes.Chain.Record), streams it to
// samples.ndjson and folds it into the Aggregator. The runner calls it for one sample
// at a time.
type recorder struct {
	w         *results.Writer
	agg       *results.Aggregator
	answered  bool
	failedRun int
	lastErr   string

	watcher   *threshold.Watcher // abort_on_fail thresholds (may watch none)
	judge     sampleRecorder     // the whole-run pass's chain: final verdicts where it can, learning the rest
	started   time.Time
	lastCheck time.Time
	checking  atomic.Bool           // a threshold check is running on a copy
	abort     atomic.Pointer[error] // what a finished check found: the run stops
	checks    sync.WaitGroup
}

// sampleRecorder judges each sample as it is written (probes.Chain.Record).
type sampleRecorder interface{ Record(*results.Sample) }

func newRecorder(dir string, watcher *threshold.Watcher, judge sampleRecorder) (*recorder, error) {
	w, err := results.CreateWriter(dir, results.DefaultFlushInterval)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	return &recorder{w: w, agg: results.NewAggregator(), watcher: watcher, judge: judge, started: now, lastCheck: now}, nil
}

// Record implements scenarios.Sink. The aggregator (abort_on_fail's view, and the
// summary kept if the whole-run pass fails) takes the sample with the runner's
// provisional verdict, as the live progress line shows it.
func (r *recorder) Record(s *results.Sample) error {
	r.agg.Add(s)
	r.judge.Record(s)
	if err := r.w.Write(s); err != nil {
		return err
	}
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
	if r.watcher == nil || !r.watcher.Active() || time.Since(r.lastCheck) < watchEvery || !r.checking.CompareAndSwap(false, true) {
		return nil
	}
	r.lastCheck = time.Now()
	snap, elapsed := r.agg.Clone(), r.lastCheck.Sub(r.started)
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
	r.agg.SetPhaseInfo(name, info)
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

// meta is the run's summary without figures: what the run and its phases were (the
// engine's bookkeeping), for the whole-run pass to complete from the samples.
func (r *recorder) meta(name, target string, started, ended time.Time) *results.Summary {
	return &results.Summary{
		Version:  results.SummaryVersion,
		Scenario: name,
		Target:   target,
		Started:  started,
		Ended:    ended,
		Phases:   r.agg.Phases(),
	}
}

// withFigures is meta with the figures of agg (phases and totals).
func withFigures(meta *results.Summary, agg *results.Aggregator) (*results.Summary, error) {
	phases, totals, err := agg.Summary()
	if err != nil {
		return nil, err
	}
	out := *meta
	out.Phases, out.Totals = phases, totals
	return &out, nil
}
