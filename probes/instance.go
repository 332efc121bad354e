package probes

import (
	"fmt"
	"regexp"

	"github.com/thaw-dev/thaw/results"
)

// instance decides from the instance id alone: the first time an id is seen the
// invocation is cold, afterwards warm. The id comes from a header, a JSON body field,
// or the first group of a regular expression over the body. It cannot tell an
// instance that was already warm before the run started (its first sample is called
// cold), hence confidence 0.95 for cold.
type instance struct {
	headers, fields []string
	re              *regexp.Regexp
	seen            map[string]bool
	body            evidenceReader
}

func (p *instance) evidenceHeaders() []string { return p.headers }

func newInstance(o *opts) (probe, error) {
	p := &instance{
		headers: canonical(o.strs("header", DefaultInstanceHeaders)),
		fields:  o.strs("field", DefaultInstanceFields),
		seen:    map[string]bool{},
	}
	if expr := o.str("regex", ""); expr != "" {
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("probe %q: option %q: %w", "instance", "regex", err)
		}
		if re.NumSubexp() < 1 {
			return nil, fmt.Errorf("probe %q: option %q: %q needs a capture group for the id", "instance", "regex", expr)
		}
		p.re = re
	}
	return p, nil
}

func (p *instance) id(s *results.Sample) (string, string) {
	if v, from, ok := p.body.valueOf(s, p.headers, p.fields); ok {
		return v, from
	}
	if p.re != nil && s.Evidence != nil {
		if m := p.re.FindStringSubmatch(s.Evidence.Body); m != nil && m[1] != "" {
			return m[1], "body regex"
		}
	}
	return "", ""
}

func (p *instance) judge(s *results.Sample) verdict {
	id, from := p.id(s)
	if id == "" {
		return verdict{Reason: "abstain: no instance id in headers or body", NoEvidence: true}
	}
	v := verdict{Instance: id}
	if p.seen[id] {
		v.Class, v.Kind, v.Confidence = results.Warm, results.KindWarm, 1
		v.Reason = fmt.Sprintf("instance %q (%s) seen before", id, from)
		return v
	}
	p.seen[id] = true
	v.Class, v.Kind, v.Confidence = results.Cold, results.KindCold, 0.95
	v.Reason = fmt.Sprintf("instance %q (%s) seen for the first time", id, from)
	return v
}

// evidenceOnly: with no instance id found, the answer depends on the evidence alone
// (the instances seen before matter only once an id is found).
func (p *instance) evidenceOnly() bool { return true }
