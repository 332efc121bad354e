package k6

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// maxLineBytes bounds one line of input; a longer line is malformed.
const maxLineBytes = 1 << 20

// jsonLine is one line of `k6 run --out json`: a metric declaration or a data point.
type jsonLine struct {
	Type   string `json:"type"`
	Metric string `json:"metric"`
	Data   struct {
		Time     string          `json:"time"`
		Value    *float64        `json:"value"`
		Tags     json.RawMessage `json:"tags"`
		Metadata json.RawMessage `json:"metadata"`
	} `json:"data"`
}

// lineReader yields the lines of r with their numbers; a line longer than
// maxLineBytes is returned truncated with tooLong set.
type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	line int64
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 256<<10)}
}

// next returns the next line without its newline; io.EOF after the last.
func (lr *lineReader) next() (b []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if len(lr.buf)+len(chunk) <= maxLineBytes {
			lr.buf = append(lr.buf, chunk...)
		} else {
			tooLong = true
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(lr.buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			lr.line++
			return bytes.TrimRight(lr.buf, "\r\n"), tooLong, nil
		case err != nil:
			return nil, false, err
		}
		lr.line++
		return bytes.TrimRight(lr.buf, "\r\n"), tooLong, nil
	}
}

// readJSON reads k6 NDJSON from r, calling fn for every kept point and bad for every
// malformed line (bad's error stops the read).
func readJSON(r io.Reader, file string, fn func(*point) error, bad func(*LineError) error) error {
	lr := newLineReader(r)
	var scratch []byte // the key of the current point
	for {
		b, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", file, lr.line+1, err)
		}
		if tooLong {
			if err := bad(&LineError{file, lr.line, fmt.Errorf("line longer than %d bytes", maxLineBytes)}); err != nil {
				return err
			}
			continue
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		p, lerr := parseJSONLine(b, &scratch)
		if lerr != nil {
			if err := bad(&LineError{file, lr.line, lerr}); err != nil {
				return err
			}
			continue
		}
		if p != nil {
			p.line = lr.line
			if err := fn(p); err != nil {
				return err
			}
		}
	}
}

// parseJSONLine decodes one line; it returns nil and no error for lines to ignore.
func parseJSONLine(b []byte, scratch *[]byte) (*point, error) {
	var l fastLine
	if !scanLine(b, &l) {
		if err := slowLine(b, &l); err != nil {
			return nil, err
		}
	}
	name, keep := keptNames[string(l.metric)]
	switch {
	case len(l.metric) == 0:
		return nil, errors.New(`field "metric": missing`)
	case string(l.typ) == "Metric":
		return nil, nil // a declaration: nothing to keep
	case string(l.typ) != "Point":
		return nil, fmt.Errorf(`field "type": %q is neither "Metric" nor "Point"`, l.typ)
	case !keep:
		return nil, nil
	case !l.hasValue:
		return nil, errors.New(`field "data.value": missing`)
	}
	t, err := time.Parse(time.RFC3339Nano, string(l.time))
	if err != nil {
		return nil, fmt.Errorf(`field "data.time": %w`, err)
	}
	key := append(append(append(append(append((*scratch)[:0], l.time...), 0), l.tags...), 0), l.meta...)
	*scratch = key
	tags, meta := l.tags, l.meta
	return &point{
		metric: name,
		time:   t.UTC(),
		value:  l.value,
		key:    key,
		decode: func() (map[string]string, map[string]string, error) {
			tm, err := rawStrings(tags, "data.tags")
			if err != nil {
				return nil, nil, err
			}
			mm, err := rawStrings(meta, "data.metadata")
			return tm, mm, err
		},
	}, nil
}

// keptNames are the metrics the reader keeps, by name (interned).
var keptNames = func() map[string]string {
	m := map[string]string{MetricVerdict: MetricVerdict}
	for name := range slots {
		m[name] = name
	}
	return m
}()

// slowLine decodes a line scanLine did not take with encoding/json, which explains
// what is wrong with a malformed one.
func slowLine(b []byte, l *fastLine) error {
	var j jsonLine
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("not a k6 JSON line: %w", err)
	}
	*l = fastLine{metric: []byte(j.Metric), typ: []byte(j.Type), time: []byte(j.Data.Time),
		tags: j.Data.Tags, meta: j.Data.Metadata}
	if j.Data.Value != nil {
		l.value, l.hasValue = *j.Data.Value, true
	}
	return nil
}

// rawStrings decodes a JSON object of strings (or null) into a map.
func rawStrings(raw json.RawMessage, field string) (map[string]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if m, ok := flatStrings(raw); ok {
		return m, nil
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("field %q: %w", field, err)
	}
	return m, nil
}
