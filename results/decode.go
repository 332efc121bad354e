package results

import (
	"bytes"

	gojson "github.com/goccy/go-json"
)

// lineDecoder decodes the lines of one samples file in order. Lines that end with the
// same evidence text as the line before share its headers map and body (as the invoker
// shared them when it recorded the run, and as Evidence allows: shared maps are never
// written to), so a file of a million lines that repeat their evidence is read without
// a million maps, and the probes, which remember what they found in the same map,
// judge it again at the speed they judged it while recording. Each sample still gets
// an Evidence of its own (the chain writes Reasons and Log into it).
type lineDecoder struct {
	head []byte    // the line without its evidence member
	text []byte    // the evidence member remembered, as AppendSample writes it last
	ev   *Evidence // what it holds; nil: none remembered
	skip int       // lines still to decode whole before remembering again
}

// skipAfterMiss is how many lines are decoded whole, without remembering their
// evidence, after one that did not repeat the remembered text: a run whose evidence
// changes on every line (a duration header) pays little for the attempt.
const skipAfterMiss = 15

// decode decodes line into s (a zero Sample). A line that ends with the remembered
// evidence member (the last one AppendSample writes, when the sample has no cpu_ms) is
// decoded without it, and the evidence shared; any other line is decoded whole, so
// errors are those of the whole line, and its evidence remembered when it has no
// reasons and the line ends with it as AppendSample writes it.
func (d *lineDecoder) decode(line []byte, s *Sample) error {
	if d.ev != nil {
		if i := len(line) - len(d.text) - 1; i > 0 && line[len(line)-1] == '}' &&
			bytes.Equal(line[i:len(line)-1], d.text) && bytes.IndexByte(line[1:i], '{') < 0 {
			// No brace before the member but the line's own: it is the top level's.
			d.head = append(append(d.head[:0], line[:i]...), '}')
			if err := gojson.Unmarshal(d.head, s); err == nil && s.Evidence == nil {
				s.Evidence = &Evidence{Headers: d.ev.Headers, Body: d.ev.Body, Log: d.ev.Log}
				return nil
			}
			*s = Sample{}
		}
		d.ev, d.skip = nil, skipAfterMiss
	}
	if err := gojson.Unmarshal(line, s); err != nil {
		return err
	}
	if d.skip > 0 {
		d.skip--
		return nil
	}
	d.remember(line, s.Evidence)
	return nil
}

// remember keeps ev, decoded from line, when it has no reasons (the chain writes them)
// and line ends with it as AppendSample writes it.
func (d *lineDecoder) remember(line []byte, ev *Evidence) {
	if ev == nil || ev.Reasons != nil || (len(ev.Headers) == 0 && ev.Body == "" && ev.Log == "") {
		return
	}
	d.text = appendEvidence(d.text[:0], ev)
	if n := len(line) - len(d.text) - 1; n > 0 && line[len(line)-1] == '}' && bytes.Equal(line[n:len(line)-1], d.text) {
		d.ev = &Evidence{Headers: ev.Headers, Body: ev.Body, Log: ev.Log}
		return
	}
	d.skip = skipAfterMiss
}
