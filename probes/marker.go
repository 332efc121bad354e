package probes

import (
	"fmt"

	"github.com/thaw-dev/thaw/results"
)

// Default marker names: thaw's emulator (X-Thaw-*) and the function snippets in
// extensions/functions (X-Function-* headers, or the same facts as JSON body fields).
var (
	DefaultColdHeaders      = []string{"X-Thaw-Cold", "X-Function-Cold"}
	DefaultInstanceHeaders  = []string{"X-Thaw-Instance", "X-Function-Instance"}
	DefaultInitHeaders      = []string{"X-Thaw-Init-Ms", "X-Function-Init-Ms"}
	DefaultSinceInitHeaders = []string{"X-Thaw-Since-Init-Ms", "X-Function-Since-Init-Ms"}
	DefaultCountHeaders     = []string{"X-Thaw-Instance-Requests", "X-Function-Count"}
	DefaultPrewarmedHeaders = []string{"X-Thaw-Prewarmed", "X-Function-Prewarmed"}
	DefaultQueuedHeaders    = []string{"X-Thaw-Queued-Ms", "X-Function-Queued-Ms"}

	DefaultColdFields      = []string{"cold"}
	DefaultInstanceFields  = []string{"instance"}
	DefaultInitFields      = []string{"init_ms"}
	DefaultSinceInitFields = []string{"since_init_ms"}
	DefaultCountFields     = []string{"count"}
	DefaultPrewarmedFields = []string{"prewarmed"}
	DefaultQueuedFields    = []string{"queued_ms"}
)

// markerNames is where the marker probe looks for one fact.
type markerNames struct{ headers, fields []string }

// marker decides from what the function says about itself: a cold flag, or else a
// per-instance invocation count of 1. Sub-kinds come from the prewarmed flag, the time
// since init, and the queued time.
type marker struct {
	cold, instance, init, since, count, prewarmed, queued markerNames
	prewarmMarginMS, queuedMinMS                          float64
	body                                                  evidenceReader
}

func (m *marker) evidenceHeaders() []string {
	var out []string
	for _, n := range []markerNames{m.cold, m.instance, m.init, m.since, m.count, m.prewarmed, m.queued} {
		out = append(out, n.headers...)
	}
	return out
}

func newMarker(o *opts) (probe, error) {
	n := func(key string, hdr, fld []string) markerNames {
		return markerNames{headers: canonical(o.strs(key+"_header", hdr)), fields: o.strs(key+"_field", fld)}
	}
	return &marker{
		cold:            n("cold", DefaultColdHeaders, DefaultColdFields),
		instance:        n("instance", DefaultInstanceHeaders, DefaultInstanceFields),
		init:            n("init", DefaultInitHeaders, DefaultInitFields),
		since:           n("since_init", DefaultSinceInitHeaders, DefaultSinceInitFields),
		count:           n("count", DefaultCountHeaders, DefaultCountFields),
		prewarmed:       n("prewarmed", DefaultPrewarmedHeaders, DefaultPrewarmedFields),
		queued:          n("queued", DefaultQueuedHeaders, DefaultQueuedFields),
		prewarmMarginMS: o.num("prewarm_margin_ms", 50, 0),
		queuedMinMS:     o.num("queued_min_ms", 5, 0),
	}, nil
}

func (m *marker) num(s *results.Sample, n markerNames) (float64, bool) {
	v, _, ok := m.body.valueOf(s, n.headers, n.fields)
	if !ok {
		return 0, false
	}
	return parseNum(v)
}

func (m *marker) judge(s *results.Sample) verdict {
	var v verdict
	v.Instance, _, _ = m.body.valueOf(s, m.instance.headers, m.instance.fields)
	raw, from, ok := m.body.valueOf(s, m.cold.headers, m.cold.fields)
	if ok {
		cold, valid := parseFlag(raw)
		if !valid {
			v.Reason = fmt.Sprintf("abstain: %s = %q is not a cold flag", from, raw)
			return v
		}
		m.decide(s, &v, cold, fmt.Sprintf("%s = %s", from, raw))
		return v
	}
	if c, ok := m.num(s, m.count); ok && c >= 1 {
		m.decide(s, &v, c == 1, fmt.Sprintf("per-instance count = %g", c))
		return v
	}
	v.Reason, v.NoEvidence = "abstain: no cold flag or per-instance count in headers or body", true
	return v
}

// decide sets class and sub-kind. A cold start whose instance was initialised before
// the request was even sent (time since init > whole latency + margin), or that the
// function flags as prewarmed, is cold-prewarmed. A warm request whose instance was
// initialised while the request was in flight (since init + queued_min_ms < latency),
// or that reports queueing of at least queued_min_ms, waited behind a cold start:
// warm-queued. The init time is kept only on cold samples (the emulator reports the
// instance's init on every response).
func (m *marker) decide(s *results.Sample, v *verdict, cold bool, why string) {
	v.Confidence = 1
	since, hasSince := m.num(s, m.since)
	pre := false
	if raw, _, ok := m.body.valueOf(s, m.prewarmed.headers, m.prewarmed.fields); ok {
		pre, _ = parseFlag(raw)
	}
	queued, hasQueued := m.num(s, m.queued)
	switch {
	case cold && (pre || (hasSince && since > s.LatencyMS+m.prewarmMarginMS)):
		v.Class, v.Kind = results.Cold, results.KindColdPrewarmed
		why += fmt.Sprintf("; prewarmed (flag %v, since init %.1f ms, latency %.1f ms)", pre, since, s.LatencyMS)
	case cold:
		v.Class, v.Kind = results.Cold, results.KindCold
	case hasQueued && queued >= m.queuedMinMS:
		v.Class, v.Kind = results.Warm, results.KindWarmQueued
		why += fmt.Sprintf("; queued %.1f ms", queued)
	case hasSince && !hasQueued && since+m.queuedMinMS < s.LatencyMS:
		v.Class, v.Kind = results.Warm, results.KindWarmQueued
		why += fmt.Sprintf("; instance initialised %.1f ms ago, during this %.1f ms request", since, s.LatencyMS)
	default:
		v.Class, v.Kind = results.Warm, results.KindWarm
	}
	v.Reason = why
	if cold {
		v.InitMS, _ = m.num(s, m.init)
	}
}

// evidenceOnly: with no marker found, the answer depends on the evidence alone.
func (m *marker) evidenceOnly() bool { return true }
