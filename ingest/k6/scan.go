package k6

import (
	"bytes"
	"strconv"
)

// fastLine is one k6 JSON line read by scanLine: spans point into the line buffer and
// are valid until the next line is read.
type fastLine struct {
	metric, typ, time []byte
	value             float64
	hasValue          bool
	tags, meta        []byte
}

// scanLine reads a k6 JSON line without reflection, in one pass: the top-level keys
// metric, type and data, and in data time, value, tags and metadata (any order, other
// keys skipped). It checks structure (balanced, quoted, nothing trailing) but not the
// inside of tags and metadata, which are decoded once per request. It returns false
// for anything unusual (escapes in names or times, bad structure); the caller then
// decodes the line with encoding/json, which also explains what is wrong.
func scanLine(b []byte, l *fastLine) bool {
	s := scanner{b: b}
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "metric":
			return s.plainString(&l.metric)
		case "type":
			return s.plainString(&l.typ)
		case "data":
			return s.object(func(key []byte) bool {
				switch string(key) {
				case "time":
					return s.plainString(&l.time)
				case "value":
					raw, ok := s.value()
					if !ok || len(raw) == 0 || raw[0] == '"' || raw[0] == '{' || raw[0] == '[' {
						return false
					}
					v, err := strconv.ParseFloat(string(raw), 64)
					l.value, l.hasValue = v, err == nil
					return err == nil
				case "tags":
					raw, ok := s.value()
					l.tags = raw
					return ok
				case "metadata":
					raw, ok := s.value()
					l.meta = raw
					return ok
				}
				_, ok := s.value()
				return ok
			})
		}
		_, ok := s.value()
		return ok
	})
	s.ws()
	return ok && s.i == len(s.b)
}

// scanner walks JSON text; every method returns false on anything it does not expect.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\r' || s.b[s.i] == '\n') {
		s.i++
	}
}

// object reads {"key": value, ...}, calling fn after each key with the scanner on
// the value; fn must consume it.
func (s *scanner) object(fn func(key []byte) bool) bool {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return true
	}
	for {
		var key []byte
		if !s.plainString(&key) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.ws()
		if !fn(key) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// plainString reads a string without escapes into out (a span of the line).
func (s *scanner) plainString(out *[]byte) bool {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	end := bytes.IndexByte(s.b[s.i+1:], '"')
	if end < 0 {
		return false
	}
	str := s.b[s.i+1 : s.i+1+end]
	if bytes.IndexByte(str, '\\') >= 0 {
		return false
	}
	*out = str
	s.i += end + 2
	return true
}

// value skips one value (string, object, array or literal) and returns its text.
func (s *scanner) value() ([]byte, bool) {
	s.ws()
	start := s.i
	depth := 0
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			if !s.skipString() {
				return nil, false
			}
		case c == '{' || c == '[':
			depth++
			s.i++
		case c == '}' || c == ']':
			if depth == 0 {
				return s.b[start:s.i], s.i > start
			}
			depth--
			s.i++
		case c == ',' && depth == 0:
			return s.b[start:s.i], s.i > start
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if depth == 0 {
				return s.b[start:s.i], s.i > start
			}
			s.i++
		default:
			s.i++
		}
		if depth == 0 && s.i > start && (c == '"' || c == '}' || c == ']') {
			return s.b[start:s.i], true
		}
	}
	return nil, false
}

// skipString moves past a string, escapes included.
func (s *scanner) skipString() bool {
	for j := s.i + 1; j < len(s.b); j++ {
		switch s.b[j] {
		case '\\':
			j++
		case '"':
			s.i = j + 1
			return true
		}
	}
	return false
}

// flatStrings reads {"k":"v",...} with no escapes, the usual form of k6 tags and
// metadata; false sends the caller to encoding/json.
func flatStrings(raw []byte) (map[string]string, bool) {
	s := scanner{b: raw}
	m := make(map[string]string, 12)
	ok := s.object(func(key []byte) bool {
		var v []byte
		if !s.plainString(&v) {
			return false
		}
		m[string(key)] = string(v)
		return true
	})
	s.ws()
	return m, ok && s.i == len(s.b)
}
