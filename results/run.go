package results

import (
	"fmt"
	"os"
	"path/filepath"
)

// Samples streams a run's samples: it calls yield once per sample, in order, and
// returns yield's first error or its own. ReadSamples(dir, yield) has this shape.
type Samples func(yield func(*Sample) error) error

// SliceSamples streams samples held in memory (tests, small fixtures).
func SliceSamples(ss []Sample) Samples {
	return func(yield func(*Sample) error) error {
		for i := range ss {
			if err := yield(&ss[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// WriteRun is the one way a run directory's samples and figures are written, whoever
// made the run (thaw run's final pass, reclassify, merge, ingest, test fixtures): every
// sample of next is appended to a new samples.ndjson in dir and folded into the
// summary's figures. The file is written beside the old one and renamed over it when
// complete, so a reader never sees half a file, and next may be reading the old one.
//
// meta gives what the samples do not say: scenario, target, times, settings, and the
// engine's bookkeeping of each phase in meta.Phases (workload, span, planned, late and
// dropped arrivals, target rate, search rounds), kept in that order; its figures are
// replaced, and derived results (cost, keep-alive, thresholds) cleared. The returned
// summary is not written: the caller completes it and calls WriteSummary. Memory does
// not grow with the number of samples.
func WriteRun(dir string, meta Summary, next Samples) (*Summary, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".run-")
	if err != nil {
		return nil, fmt.Errorf("write run: %w", err)
	}
	defer os.RemoveAll(tmp)
	w, err := CreateWriter(tmp, 0)
	if err != nil {
		return nil, err
	}
	agg := runAggregator(meta)
	err = next(func(s *Sample) error {
		agg.Add(s)
		return w.Write(s)
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(tmp, SamplesFile), filepath.Join(dir, SamplesFile)); err != nil {
		return nil, fmt.Errorf("replace samples: %w", err)
	}
	return runSummary(meta, agg)
}

// SummarizeRun is WriteRun without writing: the summary of the samples next yields,
// when they are already on disk as they should be (a report that judges nothing
// again). The same meta rules apply.
func SummarizeRun(meta Summary, next Samples) (*Summary, error) {
	agg := runAggregator(meta)
	if err := next(func(s *Sample) error { agg.Add(s); return nil }); err != nil {
		return nil, err
	}
	return runSummary(meta, agg)
}

// SummarizeAggregate is the summary of the samples agg was fed, when they were fed as
// they were written (thaw run's record-time figures): the same meta rules apply, and
// meta's phase bookkeeping is set on agg.
func SummarizeAggregate(meta Summary, agg *Aggregator) (*Summary, error) {
	for _, p := range meta.Phases {
		agg.SetPhaseInfo(p.Name, p.Info())
	}
	return runSummary(meta, agg)
}

// runAggregator is an Aggregator that knows meta's phases.
func runAggregator(meta Summary) *Aggregator {
	agg := NewAggregator()
	for _, p := range meta.Phases {
		agg.SetPhaseInfo(p.Name, p.Info())
	}
	return agg
}

// runSummary is meta with agg's figures, derived results cleared.
func runSummary(meta Summary, agg *Aggregator) (*Summary, error) {
	phases, totals, err := agg.Summary()
	if err != nil {
		return nil, err
	}
	meta.Phases, meta.Totals = phases, totals
	meta.Cost, meta.KeepAlive, meta.Thresholds = nil, nil, nil
	if meta.Version == 0 {
		meta.Version = SummaryVersion
	}
	return &meta, nil
}
