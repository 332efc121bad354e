package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// unreachableAfter is how many failed connection attempts in a row, before any
// response at all, make a run stop as "target unreachable" (exit 3).
const unreachableAfter = 5

// errUnreachable aborts a run whose target never answered.
var errUnreachable = errors.New("target unreachable")

// recorder is the run's Sink: it streams every sample to samples.ndjson and folds it
// into the Aggregator. The runner calls it from one goroutine.
type recorder struct {
	w         *results.Writer
	agg       *results.Aggregator
	answered  bool
	failedRun int
	lastErr   string
}

func newRecorder(dir string) (*recorder, error) {
	w, err := results.CreateWriter(dir, results.DefaultFlushInterval)
	if err != nil {
		return nil, err
	}
	return &recorder{w: w, agg: results.NewAggregator()}, nil
}

// Record implements scenarios.Sink.
func (r *recorder) Record(s *results.Sample) error {
	r.agg.Add(s)
	if err := r.w.Write(s); err != nil {
		return err
	}
	return r.watchReachability(s)
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

// close flushes the samples file.
func (r *recorder) close() error { return r.w.Close() }

// summary builds the run's summary from what was recorded.
func (r *recorder) summary(name, target string, started, ended time.Time) (*results.Summary, error) {
	phases, totals, err := r.agg.Summary()
	if err != nil {
		return nil, err
	}
	return &results.Summary{
		Version:  results.SummaryVersion,
		Scenario: name,
		Target:   target,
		Started:  started,
		Ended:    ended,
		Phases:   phases,
		Totals:   totals,
	}, nil
}
