package probes

import (
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/thaw-dev/thaw/results"
)

// headerValue returns the first of names present in the sample's kept headers. Names
// are canonical (canonical() them once when the probe is built): kept headers are
// stored under canonical names, and canonicalising on every lookup was a large part
// of judging a sample.
func headerValue(s *results.Sample, names []string) (string, string, bool) {
	if s.Evidence == nil || len(s.Evidence.Headers) == 0 {
		return "", "", false
	}
	for _, n := range names {
		if v, ok := s.Evidence.Headers[n]; ok && v != "" {
			return strings.TrimSpace(v), n, true
		}
	}
	return "", "", false
}

// canonical returns names in canonical header form (a new slice).
func canonical(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = http.CanonicalHeaderKey(n)
	}
	return out
}

// evidenceReader finds header values and fields in the JSON body prefix of one
// sample after another, for one probe (which asks several questions of each sample).
// A body is parsed at most once, and again only when the next sample's body differs
// (functions often answer the same body); a body that names none of the fields asked
// for is not parsed at all. Parsing every body for every field was most of the cost
// of recording a sample whose function answers JSON. Not safe for concurrent use (nor
// is a probe).
type evidenceReader struct {
	body   string         // the body last parsed
	doc    map[string]any // its document; nil when it is not complete JSON
	parsed bool

	// What valueOf and header found in the last evidence asked about, per list of
	// names. Invokers share one header map while responses repeat it, so a run of
	// samples asks the same questions of the same evidence.
	seen  results.EvidenceKey
	found []found
}

// found is one answer of valueOf or header.
type found struct {
	headers, fields *string // the lists asked (their first elements), nil when empty
	header          bool    // header's answer (from is the bare name)
	v, from         string
	ok              bool
}

// value returns the first of fields found in the sample's JSON body prefix, as text.
// Fields may be dotted paths (meta.instance). A truncated body is scanned for
// top-level-looking `"name": value` pairs instead.
func (r *evidenceReader) value(s *results.Sample, fields []string) (string, string, bool) {
	if s.Evidence == nil || s.Evidence.Body == "" || len(fields) == 0 {
		return "", "", false
	}
	body := s.Evidence.Body
	if !mentionsAny(body, fields) {
		return "", "", false // not JSON, or none of the fields: nothing to find
	}
	if !r.parsed || r.body != body {
		r.body, r.doc, r.parsed = body, nil, true
		var doc map[string]any
		if json.Unmarshal([]byte(body), &doc) == nil {
			r.doc = doc
		}
	}
	if r.doc != nil {
		for _, f := range fields {
			if v, ok := jsonPath(r.doc, f); ok {
				return v, f, true
			}
		}
		return "", "", false
	}
	for _, f := range fields {
		if v, ok := scanField(body, f); ok {
			return v, f, true
		}
	}
	return "", "", false
}

// mentionsAny reports whether body may hold one of fields: the last element of its
// path, quoted. A body with \u escapes, which could spell a name otherwise, always may.
func mentionsAny(body string, fields []string) bool {
	if strings.IndexByte(body, '"') < 0 {
		return false // no JSON string: no field names
	}
	if strings.Contains(body, `\u`) {
		return true
	}
	for _, f := range fields {
		name := f[strings.LastIndex(f, ".")+1:]
		for i := 0; ; {
			j := strings.Index(body[i:], name)
			if j < 0 {
				break
			}
			at := i + j
			if at > 0 && body[at-1] == '"' && at+len(name) < len(body) && body[at+len(name)] == '"' {
				return true
			}
			i = at + 1
		}
	}
	return false
}

func jsonPath(doc map[string]any, path string) (string, bool) {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return "", false
		}
		if cur, ok = m[part]; !ok {
			return "", false
		}
	}
	switch t := cur.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	}
	return "", false
}

var scanValue = `\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(true|false|-?[0-9][0-9.eE+-]*))`

// scanRes caches the compiled pattern per field name; safe for concurrent use.
var scanRes sync.Map

// scanField finds `"name": value` in possibly truncated JSON text (last path element).
func scanField(body, path string) (string, bool) {
	name := path[strings.LastIndex(path, ".")+1:]
	if !strings.Contains(body, `"`+name+`"`) {
		return "", false
	}
	re, ok := scanRes.Load(name)
	if !ok {
		c, err := regexp.Compile(`"` + regexp.QuoteMeta(name) + `"` + scanValue)
		if err != nil {
			return "", false
		}
		re, _ = scanRes.LoadOrStore(name, c)
	}
	m := re.(*regexp.Regexp).FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	if m[2] != "" {
		return m[2], true
	}
	return m[1], true
}

// value looks in the headers first, then in the body fields; from names the source.
func (r *evidenceReader) valueOf(s *results.Sample, headers, fields []string) (v, from string, ok bool) {
	return r.ask(s, found{headers: first(headers), fields: first(fields)}, func() (string, string, bool) {
		if v, n, ok := headerValue(s, headers); ok {
			return v, "header " + n, true
		}
		if v, n, ok := r.value(s, fields); ok {
			return v, "body field " + n, true
		}
		return "", "", false
	})
}

// header is headerValue, remembered like valueOf.
func (r *evidenceReader) header(s *results.Sample, names []string) (v, name string, ok bool) {
	return r.ask(s, found{headers: first(names), header: true}, func() (string, string, bool) {
		return headerValue(s, names)
	})
}

// ask answers the question key names about s's evidence: with the answer found before,
// or with the one find gives (which is remembered).
func (r *evidenceReader) ask(s *results.Sample, key found, find func() (string, string, bool)) (string, string, bool) {
	if s.Evidence == nil {
		return "", "", false
	}
	if f, ok := r.recall(s, key); ok {
		return f.v, f.from, f.ok
	}
	key.v, key.from, key.ok = find()
	r.found = append(r.found, key)
	return key.v, key.from, key.ok
}

// recall returns the answer found for key in s's evidence, if it was asked before;
// it forgets every answer when s holds other evidence than the last sample asked
// about. s.Evidence is not nil.
func (r *evidenceReader) recall(s *results.Sample, key found) (found, bool) {
	if k := results.KeyOf(s.Evidence); !k.Same(r.seen) {
		r.seen, r.found = k, r.found[:0]
		return found{}, false
	}
	for _, f := range r.found {
		if f.headers == key.headers && f.fields == key.fields && f.header == key.header {
			return f, true
		}
	}
	return found{}, false
}

// first is the address of names' first element, nil when there is none: it tells
// the lists a probe asks about apart.
func first(names []string) *string {
	if len(names) == 0 {
		return nil
	}
	return &names[0]
}

// parseFlag reads a cold/prewarmed flag: true/false, 1/0, yes/no, cold/warm.
func parseFlag(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes", "y", "cold", "on":
		return true, true
	case "false", "0", "no", "n", "warm", "off":
		return false, true
	}
	return false, false
}

// parseNum reads a non-negative number; ok is false for anything else.
func parseNum(v string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
