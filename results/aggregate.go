package results

import (
	"fmt"
	"sort"
	"time"
)

// PhaseInfo is what the load engine knows about a phase beyond its samples.
type PhaseInfo struct {
	Workload   string
	Started    time.Time
	Ended      time.Time
	Planned    int64
	Late       int64
	Dropped    int64
	RateTarget float64
	OpenModel  bool    // latency from the intended send time is reported
	Search     *Search // the adaptive idle search's rounds and bounds (idle-search phases)
}

// Info is the engine's bookkeeping of a phase as a summary recorded it, so a run
// directory can be rebuilt from its samples (WriteRun) without losing what the
// samples do not say (planned, late and dropped arrivals, the target rate, the span).
// Only open-model phases have send_lag (closed ones report intended latency too).
func (p PhaseSummary) Info() PhaseInfo {
	return PhaseInfo{Workload: p.Workload, Started: p.Started, Ended: p.Ended, Planned: p.Planned,
		Late: p.Late, Dropped: p.Dropped, RateTarget: p.RateTarget, OpenModel: p.SendLag != nil,
		Search: p.Search}
}

// PhaseOf is a phase summary holding only the engine's bookkeeping (the inverse of
// Info): what WriteRun's meta needs for a phase the samples cannot describe.
func PhaseOf(name string, info PhaseInfo) PhaseSummary {
	p := PhaseSummary{Name: name, Workload: info.Workload, Started: info.Started, Ended: info.Ended,
		Planned: info.Planned, Late: info.Late, Dropped: info.Dropped, RateTarget: info.RateTarget,
		Search: info.Search}
	if info.OpenModel {
		p.IntendedLatency, p.SendLag = &Percentiles{}, &Percentiles{}
	}
	return p
}

// Search is the outcome of an adaptive idle search, in real milliseconds: the bounds
// it narrowed the keep-alive to (by the verdicts it saw while running) and its rounds.
type Search struct {
	LowMS  float64       `json:"low_ms"`  // longest gap seen warm (or the lower bound)
	HighMS float64       `json:"high_ms"` // shortest gap seen cold (or the upper bound)
	GaveUp bool          `json:"gave_up"` // samples could not be classified
	Probes []SearchProbe `json:"probes"`
}

// SearchProbe is one round of an idle search: the gap tried and its verdicts.
type SearchProbe struct {
	GapMS float64 `json:"gap_ms"`
	Cold  int     `json:"cold"`
	Warm  int     `json:"warm"`
	Other int     `json:"other"` // failed or unclassified
}

// Aggregator folds samples into per-phase HDR histograms and counters. Memory does not
// grow with the number of samples. It is not safe for concurrent use: feed it from one
// goroutine (the runner's collector) or merge several with Merge.
type Aggregator struct {
	order  []string
	phases map[string]*phaseAgg
	last   *phaseAgg // the phase of the last sample added: samples come in runs
}

type phaseAgg struct {
	name    string
	info    PhaseInfo
	count   int64
	errors  int64
	retries int64
	byKind  map[string]int64
	classes classCounts
	first   time.Time // earliest send
	lastTx  time.Time // latest send
	last    time.Time // latest response end
	hists   map[string]*Histogram
	hot     hotHists // the histograms of hists that every sample may touch
}

// classCounts counts samples by verdict. A class that is none of the three (a judge
// other than thaw's with a verdict of its own) is in the count but in no class.
type classCounts struct{ cold, warm, unknown int64 }

func (c *classCounts) add(class Class) {
	switch class {
	case Cold:
		c.cold++
	case Warm:
		c.warm++
	case Unknown:
		c.unknown++
	}
}

// hotHists points at a phase's histograms by field, so that adding a sample does not
// look each one up by name.
type hotHists struct{ all, server, intended, cold, warm, init, sendLag *Histogram }

// bind points p.hot at p.hists.
func (p *phaseAgg) bind() {
	h := p.hists
	p.hot = hotHists{all: h[HistAll], server: h[HistServer], intended: h[HistIntended],
		cold: h[HistCold], warm: h[HistWarm], init: h[HistInit], sendLag: h[HistSendLag]}
}

// NewAggregator returns an empty Aggregator.
func NewAggregator() *Aggregator {
	return &Aggregator{phases: map[string]*phaseAgg{}}
}

func newPhaseAgg() *phaseAgg {
	p := &phaseAgg{byKind: map[string]int64{}, hists: map[string]*Histogram{}}
	for _, k := range []string{HistAll, HistCold, HistWarm, HistIntended, HistServer, HistInit, HistSendLag} {
		p.hists[k] = NewHistogram()
	}
	p.bind()
	return p
}

func (a *Aggregator) phase(name string) *phaseAgg {
	p, ok := a.phases[name]
	if !ok {
		p = newPhaseAgg()
		p.name = name
		a.phases[name] = p
		a.order = append(a.order, name)
	}
	return p
}

// SetPhaseInfo records what the engine knows about a phase; phases appear in the
// summary in the order they were first seen (by SetPhaseInfo or Add).
func (a *Aggregator) SetPhaseInfo(name string, info PhaseInfo) {
	a.phase(name).info = info
}

// Add folds one sample in.
func (a *Aggregator) Add(s *Sample) {
	p := a.last
	if p == nil || p.name != s.Phase {
		p = a.phase(s.Phase)
		a.last = p
	}
	p.add(s)
}

func (p *phaseAgg) add(s *Sample) {
	p.count++
	p.retries += int64(s.Retries)
	if p.first.IsZero() || s.Start.Before(p.first) {
		p.first = s.Start
	}
	if s.Start.After(p.lastTx) {
		p.lastTx = s.Start
	}
	if end := s.End(); end.After(p.last) {
		p.last = end
	}
	if !s.OK() {
		p.errors++
		p.byKind[s.Error]++
	}
	class := s.Class
	if class == "" {
		class = Unknown
	}
	p.classes.add(class)
	p.addSendLag(s)
	if !s.Measured() {
		// Never reached the server (refused, DNS, TLS): no latency to report (a
		// refused connection would otherwise pull every percentile down).
		return
	}
	p.hot.all.RecordMS(s.LatencyMS)
	if s.TTFBMS > 0 {
		p.hot.server.RecordMS(s.ServerMS())
	}
	if s.IntendedLatencyMS > 0 {
		p.hot.intended.RecordMS(s.IntendedLatencyMS)
	}
	switch class {
	case Cold:
		p.hot.cold.RecordMS(s.LatencyMS)
	case Warm:
		p.hot.warm.RecordMS(s.LatencyMS)
	}
	if s.InitMS > 0 {
		p.hot.init.RecordMS(s.InitMS)
	}
}

// addSendLag records how late a send left after its intended time: Start − Scheduled.
// Every sample is recorded, since whether the phase planned its sends ahead may be
// known only at its end; a closed-model phase's figure (the harness's own time
// between claiming an iteration and sending) is neither reported nor totalled.
func (p *phaseAgg) addSendLag(s *Sample) {
	if s.Scheduled.IsZero() {
		return
	}
	p.hot.sendLag.RecordMS(max(float64(s.Start.Sub(s.Scheduled))/float64(time.Millisecond), 0))
}

// Summary builds the per-phase and total summaries. Totals merge every phase's
// histograms, so total percentiles are exact to histogram precision.
func (a *Aggregator) Summary() (phases []PhaseSummary, totals PhaseSummary, err error) {
	total := newPhaseAgg()
	total.info.Workload = ""
	for _, name := range a.order {
		p := a.phases[name]
		ps, err := p.summary(name)
		if err != nil {
			return nil, PhaseSummary{}, err
		}
		phases = append(phases, ps)
		if err := total.merge(p); err != nil {
			return nil, PhaseSummary{}, err
		}
	}
	totals, err = total.summary("total")
	return phases, totals, err
}

// Phases lists the phases in summary order with only the engine's bookkeeping
// (PhaseOf), each span completed from the samples as Summary does: the meta WriteRun
// and SummarizeRun need, without encoding a histogram.
func (a *Aggregator) Phases() []PhaseSummary {
	out := make([]PhaseSummary, 0, len(a.order))
	for _, name := range a.order {
		p := a.phases[name]
		info := p.info
		info.Started, info.Ended = p.span()
		out = append(out, PhaseOf(name, info))
	}
	return out
}

// Clone is a deep copy of a, for a reader that must not hold up the one feeding it (a
// threshold check during a run builds its Summary from the copy, off the hot path):
// copying the counters and histograms costs a small part of building a Summary.
func (a *Aggregator) Clone() *Aggregator {
	c := &Aggregator{order: append([]string(nil), a.order...), phases: make(map[string]*phaseAgg, len(a.phases))}
	for name, p := range a.phases {
		q := *p
		q.byKind = make(map[string]int64, len(p.byKind))
		for k, v := range p.byKind {
			q.byKind[k] = v
		}
		q.hists = make(map[string]*Histogram, len(p.hists))
		for k, h := range p.hists {
			q.hists[k] = h.Clone()
		}
		q.bind()
		c.phases[name] = &q
	}
	return c
}

// merge folds o into p (used for totals).
func (p *phaseAgg) merge(o *phaseAgg) error {
	p.count += o.count
	p.errors += o.errors
	p.retries += o.retries
	if !o.first.IsZero() && (p.first.IsZero() || o.first.Before(p.first)) {
		p.first = o.first
	}
	if o.lastTx.After(p.lastTx) {
		p.lastTx = o.lastTx
	}
	if o.last.After(p.last) {
		p.last = o.last
	}
	for k, v := range o.byKind {
		p.byKind[k] += v
	}
	p.classes.cold += o.classes.cold
	p.classes.warm += o.classes.warm
	p.classes.unknown += o.classes.unknown
	for k, h := range o.hists {
		if k == HistSendLag && !o.info.OpenModel {
			continue
		}
		if err := p.hists[k].Merge(h); err != nil {
			return err
		}
	}
	p.info.Planned += o.info.Planned
	p.info.Late += o.info.Late
	p.info.Dropped += o.info.Dropped
	p.info.OpenModel = p.info.OpenModel || o.info.OpenModel
	start, end := o.span()
	if !start.IsZero() && (p.info.Started.IsZero() || start.Before(p.info.Started)) {
		p.info.Started = start
	}
	if end.After(p.info.Ended) {
		p.info.Ended = end
	}
	return nil
}

// span is the phase's time span: as the engine reported it, else from the samples.
func (p *phaseAgg) span() (time.Time, time.Time) {
	start, end := p.info.Started, p.info.Ended
	if start.IsZero() {
		start = p.first
	}
	if end.IsZero() {
		end = p.last
	}
	return start, end
}

func (p *phaseAgg) summary(name string) (PhaseSummary, error) {
	start, end := p.span()
	ps := PhaseSummary{
		Name:          name,
		Workload:      p.info.Workload,
		Started:       start,
		Ended:         end,
		Count:         p.count,
		Errors:        p.errors,
		Retries:       p.retries,
		ErrorsByKind:  map[string]int64{},
		Cold:          p.classes.cold,
		Warm:          p.classes.warm,
		Unknown:       p.classes.unknown,
		Planned:       p.info.Planned,
		Late:          p.info.Late,
		Dropped:       p.info.Dropped,
		RateTarget:    p.info.RateTarget,
		Latency:       p.hists[HistAll].Percentiles(),
		ServerLatency: p.hists[HistServer].Percentiles(),
		ColdLatency:   p.hists[HistCold].Percentiles(),
		WarmLatency:   p.hists[HistWarm].Percentiles(),
		Histograms:    map[string]string{},
	}
	for k, v := range p.byKind {
		ps.ErrorsByKind[k] = v
	}
	// Achieved rate is the send rate: n sends span n−1 gaps, so a constant rate is
	// measured exactly whatever the latency. Throughput counts successful responses
	// over the phase's whole span, responses included.
	if d := p.lastTx.Sub(p.first).Seconds(); d > 0 && p.count > 1 {
		ps.RateAchieved = float64(p.count-1) / d
	}
	if d := end.Sub(start).Seconds(); d > 0 {
		ps.Throughput = float64(p.count-p.errors) / d
	}
	if p.info.OpenModel || p.hists[HistIntended].Count() > 0 {
		iv := p.hists[HistIntended].Percentiles()
		ps.IntendedLatency = &iv
	}
	if p.hists[HistInit].Count() > 0 {
		iv := p.hists[HistInit].Percentiles()
		ps.InitLatency = &iv
	}
	if p.info.OpenModel {
		lag := p.hists[HistSendLag].Percentiles()
		ps.SendLag = &lag
	}
	ps.Search = p.info.Search
	for _, h := range p.hists {
		ps.Overflow += h.Overflow()
	}
	keys := make([]string, 0, len(p.hists))
	for k := range p.hists {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if p.hists[k].Count() == 0 || (k == HistSendLag && !p.info.OpenModel) {
			continue
		}
		enc, err := p.hists[k].Encode()
		if err != nil {
			return PhaseSummary{}, fmt.Errorf("phase %s: %w", name, err)
		}
		ps.Histograms[k] = enc
	}
	return ps, nil
}
