package probes

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// opts reads one probe's options and remembers which keys were used, so that unknown
// keys are reported. It is not safe for concurrent use.
type opts struct {
	probe string
	m     map[string]any
	used  map[string]bool
	errs  []error
}

func newOpts(probe string, m map[string]any) *opts {
	return &opts{probe: probe, m: m, used: map[string]bool{}}
}

func (o *opts) fail(key, want string, v any) {
	o.errs = append(o.errs, fmt.Errorf("probe %q: option %q: want %s, got %T %v", o.probe, key, want, v, v))
}

// strs reads a string or a list of strings; def when absent.
func (o *opts) strs(key string, def []string) []string {
	o.used[key] = true
	v, ok := o.m[key]
	if !ok {
		return def
	}
	switch t := v.(type) {
	case string:
		return []string{t}
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				o.fail(key, "a string or a list of strings", v)
				return def
			}
			out = append(out, s)
		}
		return out
	}
	o.fail(key, "a string or a list of strings", v)
	return def
}

// str reads one string; def when absent.
func (o *opts) str(key, def string) string {
	o.used[key] = true
	v, ok := o.m[key]
	if !ok {
		return def
	}
	s, ok := v.(string)
	if !ok {
		o.fail(key, "a string", v)
		return def
	}
	return s
}

// num reads a number (YAML and JSON give ints, floats or numeric strings); def when
// absent. Values below min are an error.
func (o *opts) num(key string, def, min float64) float64 {
	o.used[key] = true
	v, ok := o.m[key]
	if !ok {
		return def
	}
	var f float64
	switch t := v.(type) {
	case int:
		f = float64(t)
	case int64:
		f = float64(t)
	case uint64:
		f = float64(t)
	case float64:
		f = t
	case string:
		p, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			o.fail(key, "a number", v)
			return def
		}
		f = p
	default:
		o.fail(key, "a number", v)
		return def
	}
	if f < min {
		o.errs = append(o.errs, fmt.Errorf("probe %q: option %q: %v is below the minimum %v", o.probe, key, f, min))
		return def
	}
	return f
}

// done reports every bad or unknown option, naming the probe and the option.
func (o *opts) done() error {
	var unknown []string
	for k := range o.m {
		if !o.used[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		known := make([]string, 0, len(o.used))
		for u := range o.used {
			known = append(known, u)
		}
		sort.Strings(known)
		o.errs = append(o.errs, fmt.Errorf("probe %q: unknown option %q (known: %s)", o.probe, k, strings.Join(known, ", ")))
	}
	return errors.Join(o.errs...)
}
