package probes

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/thaw-dev/thaw/results"
)

// Spec names one probe of a chain and its options (one entry of a scenario's
// `probes:` list, e.g. `{instance: {header: X-Instance}}`).
type Spec struct {
	Name    string
	Options map[string]any
}

// DefaultSpecs is the chain used when a scenario lists no probes: marker, instance,
// platform, latency, in that order of precedence.
func DefaultSpecs() []Spec {
	return []Spec{{Name: "marker"}, {Name: "instance"}, {Name: "platform"}, {Name: "latency"}}
}

// Names lists the probe names NewChain accepts, sorted.
func Names() []string {
	out := make([]string, 0, len(builders))
	for k := range builders {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// verdict is one probe's answer on one sample. A probe that abstains leaves Class
// empty (or Unknown) and says why in Reason. Facts (Instance, InitMS, ...) are kept
// even when another probe decides.
type verdict struct {
	Class      results.Class
	Kind       string
	Confidence float64
	Reason     string
	// NoEvidence: the sample holds nothing of this probe's kind (no marker, no
	// instance id, no platform log). RunWide: the reason is the same for every sample
	// of the run (the latency probe's finding). Neither is repeated on every sample:
	// the chain counts them and the run's summary says them once (Summary).
	NoEvidence bool
	RunWide    bool

	Instance      string
	InitMS        float64
	BilledMS      float64
	MaxMemoryMB   float64
	PlatformDurMS float64
	Log           string
}

func (v verdict) decided() bool { return v.Class == results.Cold || v.Class == results.Warm }

// probe judges one sample; judge is called in completion order and may keep state.
type probe interface {
	judge(s *results.Sample) verdict
}

// batchProbe is a probe that, in the whole-run pass, first looks at every sample of
// the run (learn, in order), then decides how to judge (freeze); after freeze, judge
// must not learn from the samples again. learn keeps only a few bytes per sample, so
// a run of millions of samples is judged with flat memory.
type batchProbe interface {
	learn(s *results.Sample)
	freeze()
	// pending is the probe's answer while the run is being recorded, before it has
	// seen the whole run: it decides nothing, and says only whether s holds anything
	// of its kind (NoEvidence) as its frozen judge would.
	pending(s *results.Sample) verdict
	// decides reports, once frozen, whether judge can decide or word anything about a
	// single sample; when it cannot, every answer is pending's (see Chain.Settled).
	decides() bool
}

// noter is a probe with a finding about the whole run (the latency probe's split, or
// why there is none), said once in the run's summary.
type noter interface {
	note() string
}

// headerNamer is a probe that reads response headers named in its options; the
// invoker keeps them as evidence without the user repeating them in keep_headers.
type headerNamer interface {
	evidenceHeaders() []string
}

type builder func(o *opts) (probe, error)

var builders = map[string]builder{
	"marker":   newMarker,
	"instance": newInstance,
	"platform": newPlatform,
	"latency":  newLatency,
}

type namedProbe struct {
	name string
	p    probe
	// plain: an answer of nothing found (NoEvidence, no facts) depends on the
	// sample's evidence alone (see evidenceOnly), so the chain may remember it.
	plain bool
}

// evidenceOnly is a probe whose answer on a sample that holds nothing of its kind
// (NoEvidence and no facts) depends on the sample's evidence (headers, body, log)
// alone: not on the sample's other fields, what the probe saw before, or a file.
type evidenceOnly interface {
	evidenceOnly() bool
}

func newNamedProbe(name string, p probe) namedProbe {
	eo, ok := p.(evidenceOnly)
	return namedProbe{name: name, p: p, plain: ok && eo.evidenceOnly()}
}

// Chain tries its probes in order; the first that decides sets the verdict. It
// implements the runner's Classifier. It is not safe for concurrent use: the runner
// calls Classify from one goroutine, in completion order.
type Chain struct {
	specs       []Spec
	probes      []namedProbe
	provisional bool // online: verdicts only, no reasons (see Provisional)
	counts      []probeCounts
	quiet       quietEvidence
}

// quietEvidence is the evidence of the last sample on which every probe that judges
// one sample at a time found nothing and said so from the evidence alone (plain): a
// sample holding the same evidence gets the same answers without asking them again.
// Invokers share one header map and body among samples while responses repeat them,
// so a run against a function that reports nothing about itself asks once.
type quietEvidence struct {
	set bool
	key results.EvidenceKey
}

// holds reports whether s holds the remembered evidence.
func (q *quietEvidence) holds(s *results.Sample) bool {
	return q.set && q.key.Same(results.KeyOf(s.Evidence))
}

// remember keeps s's evidence, or forgets when the probes found something in it.
func (q *quietEvidence) remember(s *results.Sample, quiet bool) {
	*q = quietEvidence{set: quiet, key: results.KeyOf(s.Evidence)}
}

// foundNothing reports whether v says only "nothing of my kind here": no verdict and
// no facts.
func (v *verdict) foundNothing() bool {
	return v.NoEvidence && v.Class == "" && v.Instance == "" && v.InitMS == 0 && v.BilledMS == 0 &&
		v.MaxMemoryMB == 0 && v.PlatformDurMS == 0 && v.Log == ""
}

// probeCounts is what the chain counted for one probe (Summary).
type probeCounts struct{ decided, noEvidence int64 }

// terser is a probe that can skip the work of wording its reasons.
type terser interface{ terse() }

// Provisional makes the chain cheap enough for the hot path: it still decides each
// sample (for the live progress line, abort_on_fail and the idle search) but records
// no reasons, since the whole-run pass judges every sample again and words them then.
func (c *Chain) Provisional() {
	c.provisional = true
	for _, np := range c.probes {
		if t, ok := np.p.(terser); ok {
			t.terse()
		}
	}
}

// NewChain builds the chain; an empty specs means DefaultSpecs. An unknown probe, a
// repeated probe or a bad option is an error naming the probe and the option.
func NewChain(specs []Spec) (*Chain, error) {
	if len(specs) == 0 {
		specs = DefaultSpecs()
	}
	c := &Chain{specs: specs}
	seen := map[string]bool{}
	var errs []error
	for _, sp := range specs {
		name := strings.ToLower(strings.TrimSpace(sp.Name))
		b, ok := builders[name]
		if !ok {
			errs = append(errs, fmt.Errorf("unknown probe %q (known: %s)", sp.Name, strings.Join(Names(), ", ")))
			continue
		}
		if seen[name] {
			errs = append(errs, fmt.Errorf("probe %q listed twice", name))
			continue
		}
		seen[name] = true
		o := newOpts(name, sp.Options)
		p, err := b(o)
		if err = errors.Join(err, o.done()); err != nil {
			errs = append(errs, err)
			continue
		}
		c.probes = append(c.probes, newNamedProbe(name, p))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// Classify judges s: Class, Kind, DecidedBy, Confidence, Instance, InitMS (and the
// platform figures when a probe finds them). What is about this sample goes in
// s.Evidence.Reasons: the reason of every probe that found something in it (the one
// that decided, later ones that agree or not, and those that abstained on what they
// found). Abstentions with nothing to go on and
// findings that hold for the whole run are counted instead and said once by Summary.
// A failed request without a response stays unknown (its error says why).
func (c *Chain) Classify(s *results.Sample) { c.classify(s, false) }

// classify is Classify; recording, probes that judge from the whole run give their
// pending answer (see Record).
func (c *Chain) classify(s *results.Sample, recording bool) {
	if s.Class == "" {
		s.Class = results.Unknown
	}
	if s.Status == 0 {
		s.Class = results.Unknown
		return
	}
	if n := len(c.probes) - len(c.counts); n > 0 {
		c.counts = append(c.counts, make([]probeCounts, n)...)
	}
	decided := false
	known := c.quiet.holds(s)
	quiet := true
	for i, np := range c.probes {
		var v verdict
		bp, batch := np.p.(batchProbe)
		switch {
		case batch && recording:
			v = bp.pending(s)
		case known && np.plain:
			if !c.provisional {
				c.counts[i].noEvidence++
			}
			continue
		default:
			v = safeJudge(np, s)
			quiet = quiet && (batch || np.plain && v.foundNothing())
		}
		applyFacts(s, &v)
		won := !decided && v.decided()
		if !c.provisional {
			c.note(s, i, &v, won)
		}
		if !won {
			continue
		}
		decided = true
		s.Class, s.Kind, s.DecidedBy, s.Confidence = v.Class, v.Kind, np.name, v.Confidence
	}
	if !known {
		c.quiet.remember(s, quiet)
	}
}

// safeJudge asks one probe, turning a panic inside it into an abstention that says so
// (and counting it, see Panics): one bad probe or hostile response must not stop a
// run or lose its samples.
func safeJudge(np namedProbe, s *results.Sample) (v verdict) {
	defer func() {
		if r := recover(); r != nil {
			panics.Add(1)
			v = verdict{Reason: fmt.Sprintf("abstain: probe %s failed on this sample (panic: %v)", np.name, r)}
		}
	}()
	return np.p.judge(s)
}

// panics counts probe panics recovered by safeJudge, process-wide.
var panics atomic.Int64

// Panics is how many times a probe panicked on a sample and was recovered (the sample
// stays unknown for that probe, with the panic in its reason). Safe for concurrent use.
func Panics() int64 { return panics.Load() }

// note counts probe i's verdict on s and keeps its reason with the sample when the
// reason is about the sample (see Classify).
func (c *Chain) note(s *results.Sample, i int, v *verdict, won bool) {
	switch {
	case won:
		c.counts[i].decided++
	case v.NoEvidence:
		c.counts[i].noEvidence++
		return
	case v.RunWide || v.Reason == "":
		return
	}
	if s.Evidence == nil {
		s.Evidence = &results.Evidence{}
	}
	if s.Evidence.Reasons == nil {
		s.Evidence.Reasons = make(map[string]string, 2)
	}
	s.Evidence.Reasons[c.probes[i].name] = v.Reason
}

// Summary says what each probe did over the samples the chain judged (see
// results.ProbeSummary): how many it decided, how many held nothing of its kind, and
// its finding about the whole run. A provisional chain counts nothing.
func (c *Chain) Summary() []results.ProbeSummary {
	out := make([]results.ProbeSummary, len(c.probes))
	for i, np := range c.probes {
		out[i].Name = np.name
		if i < len(c.counts) {
			out[i].Decided, out[i].NoEvidence = c.counts[i].decided, c.counts[i].noEvidence
		}
		if n, ok := np.p.(noter); ok {
			out[i].Note = n.note()
		}
	}
	return out
}

// applyFacts copies what a probe found about the invocation into s.
func applyFacts(s *results.Sample, v *verdict) {
	if v.Instance != "" && s.Instance == "" {
		s.Instance = v.Instance
	}
	if v.InitMS > 0 && s.InitMS == 0 {
		s.InitMS = v.InitMS
	}
	if v.BilledMS > 0 {
		s.BilledMS = v.BilledMS
	}
	if v.MaxMemoryMB > 0 {
		s.MaxMemoryMB = v.MaxMemoryMB
	}
	if v.PlatformDurMS > 0 {
		s.PlatformDurMS = v.PlatformDurMS
	}
	if v.Log != "" {
		if s.Evidence == nil {
			s.Evidence = &results.Evidence{}
		}
		s.Evidence.Log = v.Log
	}
}

// EvidenceHeaders lists the response headers the chain's probes read beyond
// DefaultEvidenceHeaders (names given in probe options, such as
// `instance: {header: X-Instance}`), so the invoker keeps them as evidence.
func (c *Chain) EvidenceHeaders() []string {
	var out []string
	for _, np := range c.probes {
		if hn, ok := np.p.(headerNamer); ok {
			out = append(out, hn.evidenceHeaders()...)
		}
	}
	return out
}

// Learn shows one sample of a recorded run to the probes that judge with the whole
// run in view (latency), in the order Judge will see them. Call it for every sample,
// then Freeze, then Judge for every sample: the whole-run pass.
func (c *Chain) Learn(s *results.Sample) {
	for _, np := range c.probes {
		if bp, ok := np.p.(batchProbe); ok {
			bp.learn(s)
		}
	}
}

// Record gives s, a sample being written, the verdict the whole-run pass would give
// it unless a probe that judges from the whole run decides (see Settled), and shows
// it to those probes (Learn). Call it for every sample in the order they are written;
// then Freeze. If Settled, every verdict Record gave is final and Summary is the
// run's; otherwise call Restart and Judge every sample again, in the same order.
// It is what thaw run's recorder does, so that the whole-run pass need not rewrite
// a run's samples when the latency probe finds no cold starts to tell apart.
func (c *Chain) Record(s *results.Sample) {
	c.Learn(s)
	if external(s) {
		return
	}
	clearVerdict(s)
	c.classify(s, true)
}

// Settled reports, after Freeze, whether no probe that judges from the whole run
// decides or says anything about a single sample: the verdicts Record gave are then
// the final ones.
func (c *Chain) Settled() bool {
	for _, np := range c.probes {
		if bp, ok := np.p.(batchProbe); ok && bp.decides() {
			return false
		}
	}
	return true
}

// Restart readies a frozen chain to judge a recorded run again from its first
// sample: probes that judge one sample at a time start afresh (the instance probe
// forgets the instances it saw) and the counts behind Summary are cleared, while
// probes that judge from the whole run keep what they learnt.
func (c *Chain) Restart() {
	fresh, err := NewChain(c.specs)
	if err != nil { // the same specs built c
		panic(fmt.Sprintf("probes: rebuilding a chain: %v", err))
	}
	for i, np := range c.probes {
		if _, ok := np.p.(batchProbe); !ok {
			c.probes[i] = fresh.probes[i]
		}
	}
	if c.provisional {
		c.Provisional()
	}
	c.counts = nil
	c.quiet = quietEvidence{}
}

// Learns reports whether any probe of the chain learns from the whole run (so the
// whole-run pass must show it every sample before judging).
func (c *Chain) Learns() bool {
	for _, np := range c.probes {
		if _, ok := np.p.(batchProbe); ok {
			return true
		}
	}
	return false
}

// Freeze ends learning: probes fit what they learnt and judge with it from now on.
func (c *Chain) Freeze() {
	for _, np := range c.probes {
		if bp, ok := np.p.(batchProbe); ok {
			bp.freeze()
		}
	}
}

// Judge gives s its final verdict from its stored evidence: what probes decided before
// is cleared and judged again. A verdict from a judge that is not a probe (DecidedBy
// "k6", say: an ingested run whose requests were tagged by the k6 module) is kept.
func (c *Chain) Judge(s *results.Sample) {
	if external(s) {
		return
	}
	clearVerdict(s)
	c.Classify(s)
}

// external reports whether s was decided by something other than a thaw probe.
func external(s *results.Sample) bool {
	if s.DecidedBy == "" || (s.Class != results.Cold && s.Class != results.Warm) {
		return false
	}
	_, isProbe := builders[s.DecidedBy]
	return !isProbe
}

// Reclassify judges a whole recorded run held in memory again from its stored
// evidence, as the whole-run pass does on a run directory: samples are judged in
// completion order, and probes that use the whole run (latency) learn all of it
// first. samples is modified in place and keeps its order. It returns what each probe
// did (Chain.Summary).
func Reclassify(samples []results.Sample, specs []Spec) ([]results.ProbeSummary, error) {
	c, err := NewChain(specs)
	if err != nil {
		return nil, fmt.Errorf("reclassify: %w", err)
	}
	order := make([]*results.Sample, len(samples))
	for i := range samples {
		order[i] = &samples[i]
	}
	sort.SliceStable(order, func(i, j int) bool {
		ei, ej := order[i].End(), order[j].End()
		if !ei.Equal(ej) {
			return ei.Before(ej)
		}
		return order[i].Seq < order[j].Seq
	})
	for _, s := range order {
		c.Learn(s)
	}
	c.Freeze()
	for _, s := range order {
		c.Judge(s)
	}
	return c.Summary(), nil
}

// clearVerdict resets what probes decide; facts found earlier (instance, init) are
// found again from the evidence.
func clearVerdict(s *results.Sample) {
	s.Class, s.Kind, s.DecidedBy, s.Confidence = results.Unknown, "", "", 0
	s.Instance, s.InitMS = "", 0
	if s.Evidence != nil {
		s.Evidence.Reasons = nil
	}
}
