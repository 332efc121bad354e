package scenarios_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/scenarios"
)

func TestK6Threshold(t *testing.T) {
	cases := []struct {
		key, expr, want, err string
	}{
		{"http_req_duration", "p(95)<500", "p(95) < 500ms", ""},
		{"http_req_duration", "p( 99.9 ) <= 1500.5", "p(99.9) <= 1500.5ms", ""},
		{"http_req_duration{faas_class:cold}", "p(95)<2000", "cold.p(95) < 2000ms", ""},
		{"http_req_duration{faas_class:warm,scenario:burst}", "med<50", "phase[burst].warm.med < 50ms", ""},
		{"http_req_duration{scenario:steady}", "max<2s", "phase[steady].max < 2s", ""},
		{"iteration_duration", "avg<200", "avg < 200ms", ""},
		{"http_req_duration", "count>10", "count > 10", ""},
		{"http_req_failed", "rate<0.01", "error_rate < 1%", ""},
		{"http_req_failed{scenario:burst}", "rate<=0.07", "phase[burst].error_rate <= 7%", ""},
		{"http_reqs", "count>=100", "count >= 100", ""},
		{"cold_rate", "rate<0.05", "cold_rate < 5%", ""},
		{"dropped_rate", "rate===0", "dropped_rate == 0%", ""},
		{"http_req_duration", "p95<500", "", "write p(95)"},
		{"http_req_duration", "rate<0.01", "", "error_rate < 1%"},
		{"http_req_failed", "p(95)<500", "", "write rate<0.01"},
		{"http_req_failed", "rate<1.5", "", "k6 writes 1% as 0.01"},
		{"http_req_failed{faas_class:cold}", "rate<0.01", "", "cannot be filtered by faas_class"},
		{"http_reqs", "rate>10", "", "supports count"},
		{"vus", "value<10", "", "unknown metric"},
		{"http_req_duration{method:GET}", "p(95)<500", "", "no thaw equivalent"},
		{"http_req_duration{faas_class:lukewarm}", "p(95)<500", "", "want cold or warm"},
		{"http_req_duration", "p(95) 500", "", "AGGREGATION OPERATOR VALUE"},
	}
	for _, c := range cases {
		got, err := scenarios.K6Threshold(c.key, c.expr)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("K6Threshold(%q, %q) = %q, %v; want %q", c.key, c.expr, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("K6Threshold(%q, %q) = %q, %v; want an error containing %q", c.key, c.expr, got, err, c.err)
		}
	}
}

const k6YAML = `version: 1
name: k6-style
target: {url: "http://127.0.0.1:9/"}
phases:
  - {name: burst, burst: {size: 2}}
thresholds:
  http_req_duration: ['p(95)<500', 'avg<200']
  http_req_duration{faas_class:cold}:
    - threshold: p(99)<3000
      abortOnFail: true
      delayAbortEval: 10s
  http_req_failed: ['rate<0.01']
`

func TestParseK6Thresholds(t *testing.T) {
	sc, err := scenarios.ParseBytes("k6.yaml", []byte(k6YAML), env())
	if err != nil {
		t.Fatal(err)
	}
	want := scenarios.ThresholdList{"p(95) < 500ms", "avg < 200ms", "cold.p(99) < 3000ms abort_on_fail grace=10000ms", "error_rate < 1%"}
	if !reflect.DeepEqual(sc.Thresholds, want) {
		t.Errorf("thresholds = %q, want %q", sc.Thresholds, want)
	}
	// Each translated entry points at what was written.
	for i, line := range []int{7, 7, 9, 12} {
		if p := sc.Pos("thresholds[" + string(rune('0'+i)) + "]"); p.Line != line {
			t.Errorf("thresholds[%d] at line %d, want %d", i, p.Line, line)
		}
	}
}

func TestParseK6ThresholdErrors(t *testing.T) {
	cases := []struct{ thresholds, want string }{
		{"\n  http_req_duration: ['p95<500']\n", "k6.yaml:7:23: thresholds.http_req_duration[0]: k6 threshold http_req_duration: unknown aggregation \"p95\": write p(95)"},
		{"\n  http_req_duration:\n    - {threshold: 'p(95)<5', abortOnFail: yes, delay: 1s}\n", "thresholds.http_req_duration[0].delay: unknown field (known: abortOnFail, delayAbortEval, threshold)"},
		{"\n  http_req_failed: 0.01\n", "want a list of k6 thresholds"},
		{" 'p(95) < 1s'\n", "want a list of thaw expressions or a k6 mapping"},
	}
	for _, c := range cases {
		src := strings.Replace(k6YAML, k6YAML[strings.Index(k6YAML, "thresholds:"):], "thresholds:"+c.thresholds, 1)
		_, err := scenarios.ParseBytes("k6.yaml", []byte(src), env())
		var fe *scenarios.FieldError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("thresholds:%s → %v; want a field error containing %q", c.thresholds, err, c.want)
		}
	}
}

// Whatever K6Threshold accepts is a valid thaw threshold.
func FuzzK6Threshold(f *testing.F) {
	for _, s := range [][2]string{{"http_req_duration", "p(95)<500"}, {"http_req_failed{scenario:a}", "rate<0.01"},
		{"http_reqs", "count>1"}, {"http_req_duration{faas_class:cold}", "med<=1.5"}, {"cold_rate", "rate<5%"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, key, expr string) {
		out, err := scenarios.K6Threshold(key, expr)
		if err != nil {
			return
		}
		if _, err := threshold.Parse(out); err != nil {
			t.Errorf("K6Threshold(%q, %q) = %q, which does not parse: %v", key, expr, out, err)
		}
	})
}
