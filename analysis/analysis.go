// Package analysis is the whole-run pass: what thaw does once a run's samples are on
// disk, whoever produced them (`thaw run` at its end, `thaw report --reclassify`,
// `thaw merge`, `thaw ingest`). It judges every sample with all of the run's data in
// view, rewrites samples.ndjson with the final verdicts (a pass that judges nothing
// again, or whose recorded verdicts are already final, only reads it), and feeds the
// same stream of
// final samples to every consumer at once (the summary's histograms and counts,
// keep-alive, cost, plots), then evaluates thresholds and writes summary.json and the
// report.
//
// It reads samples.ndjson at most twice, streaming: once so that probes that judge
// from the whole run (latency) learn a few bytes per sample, and once to judge, write
// and feed. Memory does not grow with the run beyond those few bytes per sample.
//
//	sum, err := analysis.Finish(dir, meta, analysis.Options{Judge: true, Probes: specs, Render: true})
//
// It is not safe to run two passes on one directory at once.
package analysis

import (
	"errors"
	"fmt"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/report/keepalive"
	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

// Options tune Finish.
type Options struct {
	// Judge gives every sample its final verdict with Probes (nil: probes.DefaultSpecs)
	// before anything is computed. Without it the verdicts in the file are kept.
	Judge  bool
	Probes []probes.Spec
	// Recorded, when set with Judge, has seen every sample of the file as it was
	// written, in file order (see Recording): the first read is skipped, and when the
	// verdicts it gave are final the samples are neither judged again nor read.
	Recorded *Recording
	// Catalog prices the run when its summary names a pricing model; nil uses the
	// built-in catalog. MonthlyInvocations, when > 0, overrides the scenario's.
	Catalog            *cost.Catalog
	MonthlyInvocations int64
	// Render writes summary.md, report.html and plots/ besides summary.json.
	Render bool
	// Version of thaw, shown in the report.
	Version string
	// Notice, when set, is told what the user should know but that does not stop the
	// pass (a last line cut short by a crash, ignored).
	Notice func(string)
}

// ErrThresholds wraps the error of a threshold expression that does not parse.
var ErrThresholds = errors.New("threshold")

// Finish runs the whole-run pass over run directory dir. meta holds what the samples
// do not say (scenario, target, times, settings, pricing, threshold expressions, and
// the engine's bookkeeping of each phase: see results.WriteRun); its figures are
// rebuilt from the samples. The complete summary is written to dir/summary.json and
// returned; Summary.Thresholds holds the verdicts (see Passed).
func Finish(dir string, meta *results.Summary, o Options) (*results.Summary, error) {
	ts, err := threshold.ParseAll(meta.ThresholdExprs)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrThresholds, err)
	}
	var chain *probes.Chain
	rewrite := o.Judge
	switch rec := o.Recorded; {
	case o.Judge && rec != nil:
		chain = rec.chain
		chain.Freeze()
		if rewrite = !chain.Settled(); !rewrite && rec.holds(meta, o) {
			// Every verdict was final as written and every figure was fed as the
			// samples were: the file need not even be read.
			rec.ka.Searched(meta)
			sum, err := results.SummarizeAggregate(*meta, rec.agg)
			if err != nil {
				return nil, err
			}
			return complete(dir, sum, parts{chain, rec.ka, rec.price, rec.plots}, ts, o)
		}
		if rewrite {
			chain.Restart()
		}
	case o.Judge:
		if chain, err = learn(dir, o.Probes); err != nil {
			return nil, err
		}
	}
	price, err := newPricer(meta, o)
	if err != nil {
		return nil, err
	}
	ka := keepalive.NewCollector(meta, keepalive.Options{})
	var plots *report.Collector
	if o.Render {
		plots = report.NewCollector(meta)
	}
	src := func(fn func(*results.Sample) error) error {
		tail, err := results.ReadSamplesTail(dir, fn)
		if tail.Truncated && o.Notice != nil {
			o.Notice(fmt.Sprintf("%s: %s", results.SamplesFile, tail))
		}
		return err
	}
	feed := func(yield func(*results.Sample) error) error {
		return src(func(s *results.Sample) error {
			if rewrite {
				chain.Judge(s)
			}
			ka.Add(s)
			price.add(s)
			if plots != nil {
				plots.Add(s)
			}
			return yield(s)
		})
	}
	// Judged samples are written back; otherwise the file already holds them as they
	// are, and rewriting a million lines would be most of the pass.
	var sum *results.Summary
	if rewrite {
		sum, err = results.WriteRun(dir, *meta, feed)
	} else {
		sum, err = results.SummarizeRun(*meta, feed)
	}
	if err != nil {
		return nil, err
	}
	return complete(dir, sum, parts{chain, ka, price, plots}, ts, o)
}

// parts are the consumers of a run's final samples, fed: the chain that judged them
// (nil when none did), keep-alive, cost and the plots (nil without Render).
type parts struct {
	chain *probes.Chain
	ka    *keepalive.Collector
	price *pricer
	plots *report.Collector
}

// complete is sum (the figures of the final samples) with what the parts found and
// the thresholds' verdicts, written to dir/summary.json and, with Render, the report.
func complete(dir string, sum *results.Summary, p parts, ts []threshold.Threshold, o Options) (*results.Summary, error) {
	var err error
	sum.KeepAlive = p.ka.Estimate()
	if p.chain != nil {
		sum.Probes = p.chain.Summary()
	}
	if sum.Cost, err = p.price.close(); err != nil {
		return nil, err
	}
	sum.Thresholds = threshold.Evaluate(sum, ts)
	if err := results.WriteSummary(dir, sum); err != nil {
		return nil, err
	}
	if o.Render {
		if err := report.Write(dir, report.Options{Summary: sum, Version: o.Version, Collected: p.plots}); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	return sum, nil
}

// Passed reports whether every threshold of sum passed.
func Passed(sum *results.Summary) bool {
	for _, r := range sum.Thresholds {
		if !r.Pass {
			return false
		}
	}
	return true
}

// learn builds the chain and shows it every sample of dir (the first read, skipped
// when no probe of the chain learns from the whole run).
func learn(dir string, specs []probes.Spec) (*probes.Chain, error) {
	chain, err := probes.NewChain(specs)
	if err != nil {
		return nil, fmt.Errorf("probes: %w", err)
	}
	if !chain.Learns() {
		return chain, nil
	}
	err = results.ReadSamples(dir, func(s *results.Sample) error {
		chain.Learn(s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	chain.Freeze()
	return chain, nil
}

// pricer feeds the cost estimator when the run names a pricing model.
type pricer struct {
	est   *cost.Estimator
	added int64
}

func newPricer(meta *results.Summary, o Options) (*pricer, error) {
	if meta.Pricing == nil || meta.Pricing.Model == "" {
		return &pricer{}, nil
	}
	cat := o.Catalog
	if cat == nil {
		c, err := cost.DefaultCatalog()
		if err != nil {
			return nil, err
		}
		cat = &c
	}
	p := *meta.Pricing
	if o.MonthlyInvocations > 0 {
		p.MonthlyInvocations = o.MonthlyInvocations
	}
	est, err := cost.NewEstimator(*cat, p)
	if err != nil {
		return nil, fmt.Errorf("cost: %w", err)
	}
	return &pricer{est: est}, nil
}

func (p *pricer) add(s *results.Sample) {
	if p.est != nil {
		p.est.Add(s)
		p.added++
	}
}

// close is the cost estimate (timeouts billed, throttled and unreached requests not:
// the estimator's rules); nil when nothing is priced or the run has no samples.
func (p *pricer) close() (*results.Cost, error) {
	if p.est == nil || p.added == 0 {
		return nil, nil
	}
	return p.est.Close()
}
