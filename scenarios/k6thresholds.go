package scenarios

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// ThresholdList is a scenario's `thresholds:` as thaw threshold expressions. The file
// may write it as thaw does, a list of expressions (`["cold.p(95) < 2s"]`), or as k6
// does, a mapping from metric to a list of k6 expressions or objects
// (`http_req_duration{faas_class:cold}: ["p(95)<2000"]`), which decoding translates
// (see K6Threshold) so that everything downstream sees one syntax.
type ThresholdList []string

// k6Object is the object form of a k6 threshold entry.
type k6Object struct {
	Threshold      string   `yaml:"threshold"`
	AbortOnFail    bool     `yaml:"abortOnFail,omitempty"`
	DelayAbortEval Duration `yaml:"delayAbortEval,omitempty"`
}

// k6Regexps are the patterns of k6 threshold syntax, compiled on first use: most runs
// have no k6 thresholds and should not pay for them at start-up.
type k6Regexps struct{ key, expr, pct, pNoPar, num *regexp.Regexp }

var k6Re = sync.OnceValue(func() k6Regexps {
	return k6Regexps{
		key:    regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\{([^{}]*)\})?\s*$`),
		expr:   regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*(?:\s*\(\s*[^)]*\))?)\s*(===|==|!=|<=|>=|<|>)\s*(\S+)\s*$`),
		pct:    regexp.MustCompile(`^p\s*\(\s*([0-9.]+)\s*\)$`),
		pNoPar: regexp.MustCompile(`^p([0-9]+(?:\.[0-9]+)?)$`),
		num:    regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)(ms|s|%)?$`),
	}
})

// k6 metric families thaw maps.
const (
	k6Trend   = "trend"   // http_req_duration, iteration_duration: latency in ms
	k6Failed  = "failed"  // http_req_failed: error_rate
	k6Counter = "counter" // http_reqs: count
	k6Rate    = "rate"    // thaw's own rate names written as k6 keys
)

var k6Metrics = map[string]string{
	"http_req_duration": k6Trend, "iteration_duration": k6Trend,
	"http_req_failed": k6Failed, "http_reqs": k6Counter,
	"cold_rate": k6Rate, "warm_rate": k6Rate, "unknown_rate": k6Rate, "error_rate": k6Rate,
	"throttle_rate": k6Rate, "dropped_rate": k6Rate, "late_rate": k6Rate,
}

// K6Threshold translates one k6 threshold (the metric key as k6 writes it, with
// optional tag filters, and one expression) into thaw's syntax:
//
//	http_req_duration{faas_class:cold}  p(95)<500   →  cold.p(95) < 500ms
//	http_req_duration{scenario:burst}   max<2000    →  phase[burst].max < 2000ms
//	http_req_failed                     rate<0.01   →  error_rate < 1%
//	http_reqs                           count>100   →  count > 100
//	iteration_duration                  avg<200     →  avg < 200ms
//
// k6 times are milliseconds; rates are fractions. abortOnFail and delayAbortEval are
// added by the caller as abort_on_fail and grace=. Errors suggest the right spelling.
func K6Threshold(key, expr string) (string, error) {
	name, prefix, err := k6Key(key)
	if err != nil {
		return "", err
	}
	m := k6Re().expr.FindStringSubmatch(expr)
	if m == nil {
		return "", fmt.Errorf("%q is not a k6 threshold: want AGGREGATION OPERATOR VALUE, e.g. p(95)<500", expr)
	}
	agg, op, val := strings.ReplaceAll(m[1], " ", ""), m[2], m[3]
	if op == "===" {
		op = "=="
	}
	if !k6Re().num.MatchString(val) {
		return "", fmt.Errorf("%q is not a number: k6 writes times in milliseconds (500) and rates as fractions (0.01)", val)
	}
	switch k6Metrics[name] {
	case k6Trend:
		return k6TrendExpr(name, prefix, agg, op, val)
	case k6Failed:
		if strings.Contains(prefix, "cold.") || strings.Contains(prefix, "warm.") {
			return "", fmt.Errorf("%s cannot be filtered by faas_class: thaw's error_rate counts all invocations of a phase", name)
		}
		return k6RateExpr(name, prefix, "error_rate", agg, op, val)
	case k6Counter:
		if agg != "count" {
			return "", fmt.Errorf("%s supports count in thaw (count>100), not %s", name, agg)
		}
		if k6Re().num.FindStringSubmatch(val)[2] != "" {
			return "", fmt.Errorf("%s: want a bare count after %s, found %q", name, op, val)
		}
		return fmt.Sprintf("%scount %s %s", prefix, op, val), nil
	}
	return k6RateExpr(name, prefix, name, agg, op, val)
}

// k6Key reads `metric{tag:value,…}` and returns the metric name and thaw's prefix
// for the tags: `phase[NAME].` for scenario (or phase), then `cold.` or `warm.` for
// faas_class.
func k6Key(key string) (name, prefix string, err error) {
	m := k6Re().key.FindStringSubmatch(key)
	if m == nil {
		return "", "", fmt.Errorf("%q is not a k6 metric key: want NAME or NAME{tag:value}", key)
	}
	name = m[1]
	if _, ok := k6Metrics[name]; !ok {
		return "", "", fmt.Errorf("unknown metric %q: thaw maps http_req_duration, iteration_duration, http_req_failed, http_reqs and its own rates (cold_rate, dropped_rate, …)", name)
	}
	phase, source := "", "all"
	for _, tag := range strings.Split(m[2], ",") {
		if strings.TrimSpace(tag) == "" {
			continue
		}
		k, v, ok := strings.Cut(tag, ":")
		k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"'`)
		switch {
		case !ok || v == "":
			return "", "", fmt.Errorf("tag filter %q: want tag:value", tag)
		case k == "scenario" || k == "phase":
			phase = v
		case k == "faas_class" && (v == "cold" || v == "warm"):
			source = v
		case k == "faas_class":
			return "", "", fmt.Errorf("faas_class:%s: want cold or warm", v)
		default:
			return "", "", fmt.Errorf("tag %q has no thaw equivalent: thaw filters by scenario (or phase) and faas_class", k)
		}
	}
	if phase != "" {
		prefix = "phase[" + phase + "]."
	}
	if source != "all" {
		prefix += source + "."
	}
	return name, prefix, nil
}

func k6TrendExpr(name, prefix, agg, op, val string) (string, error) {
	stat := agg
	switch {
	case agg == "avg" || agg == "min" || agg == "max" || agg == "med" || agg == "count":
	case k6Re().pct.MatchString(agg):
		stat = "p(" + k6Re().pct.FindStringSubmatch(agg)[1] + ")"
	case k6Re().pNoPar.MatchString(agg):
		return "", fmt.Errorf("unknown aggregation %q: write p(%s)", agg, k6Re().pNoPar.FindStringSubmatch(agg)[1])
	case agg == "rate":
		return "", fmt.Errorf("rate does not apply to %s, a duration: for failed requests write http_req_failed: ['rate<0.01'] (thaw: error_rate < 1%%)", name)
	default:
		return "", fmt.Errorf("unknown aggregation %q for %s: want avg, min, max, med, count or p(N)", agg, name)
	}
	num, unit := k6Re().num.FindStringSubmatch(val)[1], k6Re().num.FindStringSubmatch(val)[2]
	switch {
	case stat == "count" && unit != "":
		return "", fmt.Errorf("count of %s is a bare number, not %q", name, val)
	case stat == "count":
	case unit == "%":
		return "", fmt.Errorf("%s is a duration: %q is not a time (k6 writes milliseconds: 500)", name, val)
	case unit == "":
		unit = "ms" // k6 times are milliseconds
	}
	value := num + unit
	return fmt.Sprintf("%s%s %s %s", prefix, stat, op, value), nil
}

func k6RateExpr(name, prefix, metric, agg, op, val string) (string, error) {
	if agg != "rate" {
		return "", fmt.Errorf("%s is a rate: write rate<0.01, not %s", name, agg)
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(val, "%"), 64)
	switch {
	case err != nil:
		return "", fmt.Errorf("%s: want a fraction such as 0.01 after %s, found %q", name, op, val)
	case strings.HasSuffix(val, "%"):
		return fmt.Sprintf("%s%s %s %s%%", prefix, metric, op, strconv.FormatFloat(v, 'f', -1, 64)), nil
	case v < 0 || v > 1:
		return "", fmt.Errorf("%s: rate %s is not a fraction between 0 and 1 (k6 writes 1%% as 0.01)", name, val)
	}
	pct := strconv.FormatFloat(v*100, 'f', -1, 64)
	if r, err := strconv.ParseFloat(strconv.FormatFloat(v*100, 'g', 12, 64), 64); err == nil {
		pct = strconv.FormatFloat(r, 'f', -1, 64) // 0.07·100 is 7.000000000000001
	}
	return fmt.Sprintf("%s%s %s %s%%", prefix, metric, op, pct), nil
}

// k6Options renders abortOnFail and delayAbortEval as thaw's threshold options.
func k6Options(o k6Object) string {
	if !o.AbortOnFail {
		return ""
	}
	s := " abort_on_fail"
	if d := time.Duration(o.DelayAbortEval); d > 0 {
		s += fmt.Sprintf(" grace=%dms", d.Milliseconds())
	}
	return s
}

// decodeThresholds reads `thresholds:` as a list of thaw expressions or as k6's
// mapping of metric to expressions, translating the latter. Each translated entry
// keeps the position of what was written, as thresholds[i], for later messages.
func (d *decoder) decodeThresholds(path string, n ast.Node, v reflect.Value) {
	if isNull(n) {
		return
	}
	if _, ok := n.(*ast.SequenceNode); ok {
		d.decodeSlice(path, n, v)
		return
	}
	kv, ok := entries(n)
	if !ok {
		d.fail(path, nodePos(n), "want a list of thaw expressions or a k6 mapping (http_req_duration: ['p(95)<500']), got %s", describe(n))
		return
	}
	var out ThresholdList
	for _, e := range kv {
		key, ok := d.keyText(e.Key)
		if !ok {
			d.fail(path, nodePos(e.Key), "keys must be k6 metric names")
			continue
		}
		for j, item := range d.k6Items(joinPath(path, key), d.resolve(e.Value)) {
			sub := fmt.Sprintf("%s.%s[%d]", path, key, j)
			expr, ok := d.k6Entry(sub, key, item)
			if !ok {
				continue
			}
			d.pos[fmt.Sprintf("%s[%d]", path, len(out))] = nodePos(item)
			out = append(out, expr)
		}
	}
	v.Set(reflect.ValueOf(out))
}

// k6Items is the list under a k6 metric key (a single expression is accepted too).
func (d *decoder) k6Items(path string, n ast.Node) []ast.Node {
	switch t := n.(type) {
	case *ast.SequenceNode:
		return t.Values
	case *ast.StringNode, *ast.LiteralNode:
		return []ast.Node{n}
	}
	d.fail(path, nodePos(n), "want a list of k6 thresholds such as ['p(95)<500'], got %s", describe(n))
	return nil
}

// k6Entry translates one k6 entry, a string or {threshold, abortOnFail,
// delayAbortEval}.
func (d *decoder) k6Entry(path, key string, item ast.Node) (string, bool) {
	item = d.resolve(item)
	var obj k6Object
	if _, isMap := entries(item); isMap {
		before := len(d.errs)
		d.decodeStruct(path, item, reflect.ValueOf(&obj).Elem())
		if len(d.errs) > before {
			return "", false
		}
		if obj.Threshold == "" {
			d.fail(path+".threshold", nodePos(item), "a k6 threshold object needs threshold: 'p(95)<500'")
			return "", false
		}
	} else {
		text, _, ok := d.scalarText(path, item)
		if !ok {
			d.fail(path, nodePos(item), "want a k6 threshold such as 'p(95)<500', got %s", describe(item))
			return "", false
		}
		obj.Threshold = text
	}
	expr, err := K6Threshold(key, obj.Threshold)
	if err != nil {
		d.fail(path, nodePos(item), "k6 threshold %s: %v", key, err)
		return "", false
	}
	return expr + k6Options(obj), true
}
