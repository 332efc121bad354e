package analysis

import (
	"fmt"
	"reflect"
	"time"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/report/keepalive"
	"github.com/thaw-dev/thaw/results"
)

// Recording is the whole-run pass done as thaw run writes its samples, for the runs
// where the pass has nothing left to decide. Each sample gets the verdict of the
// probes that need no view of the whole run (Judge, before it is written; see
// probes.Chain.Record), and, once written, feeds every figure the pass would feed
// (Add). When the run ends, Finish asks the latency probe, which has learnt every
// sample, whether it finds two groups: if not, those verdicts are final and Finish
// takes the figures from here without reading samples.ndjson; if so, it judges and
// rewrites the file as usual, and only what the chain learnt is used.
//
// Fed the samples in file order, a Recording holds exactly what a pass reading the
// file would. It is not safe for concurrent use.
type Recording struct {
	chain *probes.Chain
	agg   *results.Aggregator
	ka    *keepalive.Collector
	price *pricer
	plots *report.Collector // nil without Render

	started time.Time
	pricing *results.Pricing
}

// NewRecording starts a Recording for a run described by meta as it is known before
// it starts: Started, the phases' names and workloads, Pricing. o is what Finish will
// be given (Probes, Catalog, MonthlyInvocations, Render).
func NewRecording(meta *results.Summary, o Options) (*Recording, error) {
	chain, err := probes.NewChain(o.Probes)
	if err != nil {
		return nil, fmt.Errorf("probes: %w", err)
	}
	price, err := newPricer(meta, o)
	if err != nil {
		return nil, err
	}
	r := &Recording{chain: chain, agg: results.NewAggregator(), ka: keepalive.NewCollector(meta, keepalive.Options{}),
		price: price, started: meta.Started, pricing: meta.Pricing}
	if o.Render {
		r.plots = report.NewCollector(meta)
	}
	return r, nil
}

// Judge gives s the verdict it is written with (probes.Chain.Record); call it for
// each sample, in the order they are written, before writing it.
func (r *Recording) Judge(s *results.Sample) { r.chain.Record(s) }

// Add feeds a sample that reached the file to every figure.
func (r *Recording) Add(s *results.Sample) {
	r.agg.Add(s)
	r.ka.Add(s)
	r.price.add(s)
	if r.plots != nil {
		r.plots.Add(s)
	}
}

// SetPhaseInfo records what the engine knows about a phase that ended.
func (r *Recording) SetPhaseInfo(name string, info results.PhaseInfo) { r.agg.SetPhaseInfo(name, info) }

// Figures is what was written so far, with the record-time verdicts: the run's
// phases and their figures.
func (r *Recording) Figures() *results.Aggregator { return r.agg }

// holds reports whether the figures gathered while recording are those Finish would
// gather for meta with o: the same start, pricing and plots.
func (r *Recording) holds(meta *results.Summary, o Options) bool {
	return meta.Started.Equal(r.started) && reflect.DeepEqual(meta.Pricing, r.pricing) && (r.plots != nil || !o.Render)
}
