package probes

import (
	"errors"
	"fmt"
	"sort"
	"strings"

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

// batchProbe is a probe that, offline, first looks at the whole run (Reclassify).
// After prepare, judge must not learn from the samples again.
type batchProbe interface {
	prepare(all []*results.Sample)
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
}

// Chain tries its probes in order; the first that decides sets the verdict. It
// implements the runner's Classifier. It is not safe for concurrent use: the runner
// calls Classify from one goroutine, in completion order.
type Chain struct {
	probes []namedProbe
}

// NewChain builds the chain; an empty specs means DefaultSpecs. An unknown probe, a
// repeated probe or a bad option is an error naming the probe and the option.
func NewChain(specs []Spec) (*Chain, error) {
	if len(specs) == 0 {
		specs = DefaultSpecs()
	}
	c := &Chain{}
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
		c.probes = append(c.probes, namedProbe{name: name, p: p})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// Classify judges s: Class, Kind, DecidedBy, Confidence, Instance, InitMS (and the
// platform figures when a probe finds them); every probe's reason is kept in
// s.Evidence.Reasons. A failed request without a response stays unknown.
func (c *Chain) Classify(s *results.Sample) {
	if s.Evidence == nil {
		s.Evidence = &results.Evidence{}
	}
	if s.Evidence.Reasons == nil {
		s.Evidence.Reasons = map[string]string{}
	}
	if s.Class == "" {
		s.Class = results.Unknown
	}
	if s.Status == 0 {
		kind := s.Error
		if kind == "" {
			kind = "no status"
		}
		for _, np := range c.probes {
			s.Evidence.Reasons[np.name] = "no response (" + kind + ")"
		}
		s.Class = results.Unknown
		return
	}
	decided := false
	for _, np := range c.probes {
		v := np.p.judge(s)
		s.Evidence.Reasons[np.name] = v.Reason
		applyFacts(s, v)
		if decided || !v.decided() {
			continue
		}
		decided = true
		s.Class, s.Kind, s.DecidedBy, s.Confidence = v.Class, v.Kind, np.name, v.Confidence
	}
}

// applyFacts copies what a probe found about the invocation into s.
func applyFacts(s *results.Sample, v verdict) {
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
		s.Evidence.Log = v.Log
	}
}

// Reclassify judges a whole recorded run again from its stored evidence (thaw report
// --reclassify): verdicts and reasons are cleared, samples are judged in completion
// order, and probes that can use the whole run (latency) fit on all of it first.
// samples is modified in place and keeps its order.
func Reclassify(samples []results.Sample, specs []Spec) error {
	c, err := NewChain(specs)
	if err != nil {
		return fmt.Errorf("reclassify: %w", err)
	}
	order := make([]*results.Sample, len(samples))
	for i := range samples {
		s := &samples[i]
		clearVerdict(s)
		order[i] = s
	}
	sort.SliceStable(order, func(i, j int) bool {
		ei, ej := order[i].End(), order[j].End()
		if !ei.Equal(ej) {
			return ei.Before(ej)
		}
		return order[i].Seq < order[j].Seq
	})
	for _, np := range c.probes {
		if bp, ok := np.p.(batchProbe); ok {
			bp.prepare(order)
		}
	}
	for _, s := range order {
		c.Classify(s)
	}
	return nil
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
