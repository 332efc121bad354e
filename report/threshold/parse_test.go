package threshold_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/report/threshold"
)

func TestParseValid(t *testing.T) {
	lat := func(phase, src string, st threshold.Stat, q float64) threshold.Metric {
		return threshold.Metric{Phase: phase, Kind: threshold.KindLatency, Source: src, Stat: st, Q: q}
	}
	rate := func(phase, r string) threshold.Metric {
		return threshold.Metric{Phase: phase, Kind: threshold.KindRate, Rate: r}
	}
	cases := []struct {
		expr  string
		m     threshold.Metric
		op    threshold.Op
		limit float64
		abort bool
		grace time.Duration
	}{
		{"p(95) < 800ms", lat("", "all", threshold.StatPercentile, 95), "<", 800, false, 0},
		{"cold.p(99) < 2s", lat("", "cold", threshold.StatPercentile, 99), "<", 2000, false, 0},
		{"warm.avg < 50ms", lat("", "warm", threshold.StatAvg, 0), "<", 50, false, 0},
		{"cold_rate < 5%", rate("", "cold_rate"), "<", 5, false, 0},
		{"error_rate < 1%", rate("", "error_rate"), "<", 1, false, 0},
		{"throttle_rate == 0", rate("", "throttle_rate"), "==", 0, false, 0},
		{"init.p(50) < 400ms", lat("", "init", threshold.StatPercentile, 50), "<", 400, false, 0},
		{"cost_per_million < 0.40", threshold.Metric{Kind: threshold.KindCost}, "<", 0.40, false, 0},
		{"cost_per_million <= $0.40", threshold.Metric{Kind: threshold.KindCost}, "<=", 0.40, false, 0},
		{"phase[burst].cold.max < 3s", lat("burst", "cold", threshold.StatMax, 0), "<", 3000, false, 0},
		{"phase[idle-sweep 1].error_rate != 0", rate("idle-sweep 1", "error_rate"), "!=", 0, false, 0},
		{"med >= 1.5ms", lat("", "all", threshold.StatMed, 0), ">=", 1.5, false, 0},
		{"server.min > 0", lat("", "server", threshold.StatMin, 0), ">", 0, false, 0},
		{"all.p(99.9)<=1s", lat("", "all", threshold.StatPercentile, 99.9), "<=", 1000, false, 0},
		{"intended.p(97) < 900 ms", lat("", "intended", threshold.StatPercentile, 97), "<", 900, false, 0},
		{"count >= 100", threshold.Metric{Kind: threshold.KindCount}, ">=", 100, false, 0},
		{"cold.count == 3", lat("", "cold", threshold.StatCount, 0), "==", 3, false, 0},
		{"warm_rate > 90%", rate("", "warm_rate"), ">", 90, false, 0},
		{"unknown_rate < 10%", rate("", "unknown_rate"), "<", 10, false, 0},
		{"p(95) < 800ms abort_on_fail", lat("", "all", threshold.StatPercentile, 95), "<", 800, true, 0},
		{"  error_rate < 1% abort_on_fail grace=30s ", rate("", "error_rate"), "<", 1, true, 30 * time.Second},
		{"error_rate < 1% grace=2m abort_on_fail", rate("", "error_rate"), "<", 1, true, 2 * time.Minute},
		{"p(0) > 0", lat("", "all", threshold.StatPercentile, 0), ">", 0, false, 0},
		{"p(100) < 1.25s", lat("", "all", threshold.StatPercentile, 100), "<", 1250, false, 0},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			th, err := threshold.Parse(c.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if th.Metric != c.m || th.Op != c.op || th.Limit != c.limit || th.AbortOnFail != c.abort || th.Grace != c.grace {
				t.Errorf("got %+v", th)
			}
			if th.Expr != strings.TrimSpace(c.expr) {
				t.Errorf("Expr = %q", th.Expr)
			}
			// The canonical metric spelling parses back to the same metric.
			again, err := threshold.Parse(th.Metric.String() + " >= 0")
			if err != nil || again.Metric != th.Metric {
				t.Errorf("round trip of %q: %+v, %v", th.Metric.String(), again.Metric, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		expr string
		col  int
		msg  string
	}{
		{"", 1, "expected a metric"},
		{"< 5ms", 1, "expected a metric"},
		{"p95 < 800ms", 1, `unknown statistic "p95"`},
		{"p(95 < 800ms", 6, `expected ")"`},
		{"p 95) < 8ms", 3, `expected "(" after p`},
		{"p() < 8ms", 3, "expected a percentile"},
		{"p(101) < 8ms", 3, "out of range"},
		{"p(9.) < 8ms", 5, "expected a digit after the decimal point"},
		{"cold.p(99) 2s", 12, "expected a comparison"},
		{"cold.p(99) = 2s", 12, "write =="},
		{"cold p(99) < 2s", 6, `expected "." after cold`},
		{"cold.", 6, "expected a statistic"},
		{"cold.fast < 2s", 6, `unknown statistic "fast"`},
		{"p(95) < 800", 12, "expected a unit (ms, s)"},
		{"p(95) < 800xs", 12, "expected a unit (ms, s, %, $)"},
		{"p(95) < 800%", 12, "does not fit p(95), a latency"},
		{"p(95) < ms", 9, "expected a number"},
		{"p(95) < $8", 10, "$ fits only cost_per_million"},
		{"cold_rate < 5", 14, "expected % after 5"},
		{"cold_rate < 0.05", 17, "k6's fraction 0.05 is 5%"},
		{"p95 < 800ms", 1, "write p(95)"},
		{"cold.p99 < 800ms", 6, "write p(99)"},
		{"rate < 0.01", 1, "write error_rate"},
		{"cold_rate < 5ms", 14, "does not fit cold_rate, a rate"},
		{"cold_rate < 120%", 13, "more than 100%"},
		{"cost_per_million < 0.4ms", 23, "does not fit cost_per_million"},
		{"cost_per_million < $0.4%", 24, "unexpected unit"},
		{"phase[burst].cost_per_million < 1", 14, "only known for the whole run"},
		{"count > 5s", 10, "does not fit count, a count"},
		{"phase[].p(95) < 1s", 7, "expected a phase name"},
		{"phase[burst.p(95) < 1s", 6, "missing ]"},
		{"phase burst.p(95) < 1s", 7, `expected "[" after phase`},
		{"phase[burst]p(95) < 1s", 13, `expected "." after phase[burst]`},
		{"p(95) < 1s extra", 12, "expected abort_on_fail, grace=DURATION or the end"},
		{"p(95) < 1s 5", 12, "expected abort_on_fail"},
		{"p(95) < 1s grace=30s", 12, "grace needs abort_on_fail"},
		{"p(95) < 1s abort_on_fail grace 30s", 32, `expected "=" after grace`},
		{"p(95) < 1s abort_on_fail grace=s", 32, "expected a duration such as 30s"},
		{"p(95) < 1s abort_on_fail grace=30", 34, "expected a duration unit"},
		{"p(95) < 1s abort_on_fail grace=30d", 34, "expected a duration unit"},
		{"p(95) < 1s abort_on_fail grace=25h", 32, "longer than 24h"},
		{"p(95) < 1s #", 12, "unexpected character '#'"},
		{"p(95) < 1s é", 12, "unexpected character 'é'"},
		{"é p(95)", 1, "unexpected character 'é'"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			_, err := threshold.Parse(c.expr)
			var se *threshold.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a SyntaxError", c.expr, err)
			}
			if se.Col != c.col || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("Parse(%q) = %v, want col %d containing %q", c.expr, err, c.col, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "col ") {
				t.Errorf("error %q does not start with the column", err)
			}
		})
	}
}

func TestParseAllNamesEveryBadExpression(t *testing.T) {
	_, err := threshold.ParseAll([]string{"p(95) < 1s", "p(95) < 1", "cold_rate < 5"})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{`"p(95) < 1"`, `"cold_rate < 5"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	ts, err := threshold.ParseAll([]string{"p(95) < 1s", "cold_rate < 5%"})
	if err != nil || len(ts) != 2 {
		t.Fatalf("ParseAll = %v, %v", ts, err)
	}
}

func TestParseMetricPrefix(t *testing.T) {
	cases := []struct {
		src  string
		want string
		end  int
	}{
		{"cold.p(95)=10%", "cold.p(95)", 10},
		{"cold_rate=2pp", "cold_rate", 9},
		{"phase[burst].p(99.9) = 5ms", "phase[burst].p(99.9)", 20},
		{"p(99)#rest", "p(99)", 5},
	}
	for _, c := range cases {
		m, end, err := threshold.ParseMetric(c.src)
		if err != nil || m.String() != c.want || end != c.end {
			t.Errorf("ParseMetric(%q) = %v, %d, %v; want %s, %d", c.src, m, end, err, c.want, c.end)
		}
	}
	if _, _, err := threshold.ParseMetric("=10%"); err == nil {
		t.Error("ParseMetric(\"=10%\") did not fail")
	}
}
