package k6

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// csvLayout is where the columns of a `k6 run --out csv` file are: metric_name,
// timestamp and metric_value first, then one column per enabled system tag, then
// extra_tags and metadata (k=v pairs joined with &).
type csvLayout struct {
	metric, ts, value, extra, meta int
	tags                           []int // system tag columns
	names                          []string
	scratch                        []byte // the key of the current point
}

func newCSVLayout(header []string) (*csvLayout, error) {
	l := &csvLayout{metric: -1, ts: -1, value: -1, extra: -1, meta: -1, names: append([]string(nil), header...)}
	for i, h := range header {
		switch strings.TrimSpace(h) {
		case "metric_name":
			l.metric = i
		case "timestamp":
			l.ts = i
		case "metric_value":
			l.value = i
		case "extra_tags":
			l.extra = i
		case "metadata":
			l.meta = i
		default:
			l.tags = append(l.tags, i)
		}
	}
	for _, c := range []struct {
		name string
		i    int
	}{{"metric_name", l.metric}, {"timestamp", l.ts}, {"metric_value", l.value}} {
		if c.i < 0 {
			return nil, fmt.Errorf("header: column %q missing (is this k6 --out csv output?)", c.name)
		}
	}
	return l, nil
}

// readCSV reads k6 CSV output from r; see readJSON for the callbacks.
func readCSV(r io.Reader, file string, fn func(*point) error, bad func(*LineError) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return &LineError{file, 1, fmt.Errorf("header: %w", err)}
	}
	layout, err := newCSVLayout(header)
	if err != nil {
		return &LineError{file, 1, err}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			if err := bad(&LineError{file, int64(perr.Line), perr.Err}); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		// only after a record was read: FieldPos panics after a failed Read
		line, _ := cr.FieldPos(0)
		p, lerr := layout.point(rec)
		if lerr != nil {
			if err := bad(&LineError{file, int64(line), lerr}); err != nil {
				return err
			}
			continue
		}
		if p != nil {
			p.line = int64(line)
			if err := fn(p); err != nil {
				return err
			}
		}
	}
}

// point decodes one row; nil and no error for rows of metrics to ignore.
func (l *csvLayout) point(rec []string) (*point, error) {
	if len(rec) != len(l.names) {
		return nil, fmt.Errorf("%d fields, header has %d", len(rec), len(l.names))
	}
	metric := rec[l.metric]
	if _, keep := slots[metric]; !keep && metric != MetricVerdict {
		return nil, nil
	}
	t, err := parseCSVTime(rec[l.ts])
	if err != nil {
		return nil, fmt.Errorf("field %q: %w", "timestamp", err)
	}
	v, err := strconv.ParseFloat(rec[l.value], 64)
	if err != nil {
		return nil, fmt.Errorf("field %q: %w", "metric_value", err)
	}
	key := append(l.scratch[:0], rec[l.ts]...)
	tags := make([]string, 0, len(l.tags))
	for _, i := range l.tags {
		key = append(append(key, 0), rec[i]...)
		tags = append(tags, rec[i])
	}
	extra, meta := l.field(rec, l.extra), l.field(rec, l.meta)
	key = append(append(append(append(key, 0), extra...), 0), meta...)
	l.scratch = key
	return &point{metric: metric, time: t, value: v, key: key, decode: func() (map[string]string, map[string]string, error) {
		tm := pairs(extra)
		for j, i := range l.tags {
			if tags[j] != "" {
				if tm == nil {
					tm = map[string]string{}
				}
				tm[l.names[i]] = tags[j]
			}
		}
		return tm, pairs(meta), nil
	}}, nil
}

func (l *csvLayout) field(rec []string, i int) string {
	if i < 0 {
		return ""
	}
	return rec[i]
}

// pairs splits k6's "k=v&k2=v2" (not escaped by k6) into a map.
func pairs(s string) map[string]string {
	if s == "" {
		return nil
	}
	m := map[string]string{}
	for _, kv := range strings.Split(s, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "" {
			m[k] = v
		}
	}
	return m
}

// parseCSVTime reads every timeFormat of k6's CSV output: unix (seconds), unix_milli,
// unix_micro, unix_nano (told apart by magnitude) and rfc3339.
func parseCSVTime(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t, err := time.Parse(time.RFC3339Nano, s)
		return t.UTC(), err
	}
	switch {
	case n < 0:
		return time.Time{}, fmt.Errorf("negative time %d", n)
	case n < 1e11: // seconds until year 5138
		return time.Unix(n, 0).UTC(), nil
	case n < 1e14:
		return time.UnixMilli(n).UTC(), nil
	case n < 1e17:
		return time.UnixMicro(n).UTC(), nil
	default:
		return time.Unix(0, n).UTC(), nil
	}
}
