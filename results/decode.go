package results

import (
	"bytes"

	gojson "github.com/goccy/go-json"
)

// lineDecoder decodes the lines of one samples file in order. Lines whose evidence
// object is the same text as the line before's share its headers map and body (as the
// invoker shared them when it recorded the run, and as Evidence allows: shared maps are
// never written to), so a file of a million lines that repeat their evidence is read
// without a million maps, and the probes, which remember what they found in the same
// map, judge it again at the speed they judged it while recording. Each sample still
// gets an Evidence of its own (the chain writes Reasons and Log into it).
type lineDecoder struct {
	head   []byte    // the line up to its evidence, closed: decoded without it
	lastEv []byte    // the last evidence object decoded alone, as text
	ev     *Evidence // what it decoded to; nil when not to be shared (it had reasons)
}

// evidenceMember leads the evidence member, which AppendSample writes last.
var evidenceMember = []byte(`,"evidence":`)

// decode decodes line into s (a zero Sample).
func (d *lineDecoder) decode(line []byte, s *Sample) error {
	i := bytes.Index(line, evidenceMember)
	if i < 0 || line[len(line)-1] != '}' {
		return gojson.Unmarshal(line, s)
	}
	// A JSON string holds a quote only escaped, so the member found is a key, and the
	// first one: no member before the evidence is an object. Cut there, the rest closes
	// as an object only when the key was the top level's, and the evidence must be all
	// that follows (it decodes alone). Anything else is decoded whole.
	raw := line[i+len(evidenceMember) : len(line)-1]
	d.head = append(append(d.head[:0], line[:i]...), '}')
	if err := gojson.Unmarshal(d.head, s); err != nil {
		*s = Sample{}
		return gojson.Unmarshal(line, s)
	}
	if d.ev != nil && bytes.Equal(raw, d.lastEv) {
		s.Evidence = &Evidence{Headers: d.ev.Headers, Body: d.ev.Body, Log: d.ev.Log}
		return nil
	}
	var ev *Evidence
	if err := gojson.Unmarshal(raw, &ev); err != nil {
		*s = Sample{}
		return gojson.Unmarshal(line, s)
	}
	s.Evidence = ev
	d.ev, d.lastEv = nil, append(d.lastEv[:0], raw...)
	if ev != nil && ev.Reasons == nil {
		d.ev = &Evidence{Headers: ev.Headers, Body: ev.Body, Log: ev.Log}
	}
	return nil
}
