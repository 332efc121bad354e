package gate_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/thaw-dev/thaw/report/gate"
	"github.com/thaw-dev/thaw/report/threshold"
)

func TestParseBudget(t *testing.T) {
	b, err := gate.ParseBudget(" cold.p(95)=10%, cold_rate = 2pp,p(99)=50ms,phase[a-b].warm.avg=0.5s,error_rate=20%,med=5%")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		metric string
		limit  float64
		unit   string
		text   string
	}{
		{"cold.p(95)", 10, "%", "cold.p(95)=10%"},
		{"cold_rate", 2, "pp", "cold_rate = 2pp"},
		{"p(99)", 50, "ms", "p(99)=50ms"},
		{"phase[a-b].warm.avg", 500, "ms", "phase[a-b].warm.avg=0.5s"},
		{"error_rate", 20, "%", "error_rate=20%"},
		{"med", 5, "%", "med=5%"},
	}
	if len(b) != len(want) {
		t.Fatalf("got %d items: %+v", len(b), b)
	}
	for i, w := range want {
		if b[i].Metric.String() != w.metric || b[i].Limit != w.limit || b[i].Unit != w.unit || b[i].Text != w.text {
			t.Errorf("item %d = %+v (%s), want %+v", i, b[i], b[i].Metric, w)
		}
	}
}

func TestParseBudgetErrors(t *testing.T) {
	cases := []struct {
		s   string
		col int
		msg string
	}{
		{"", 1, "expected a metric"},
		{"cold.p(95)", 11, `expected "=" after cold.p(95)`},
		{"cold.p(95)=", 12, "expected an amount"},
		{"cold.p(95)=x", 12, "expected an amount"},
		{"cold.p(95)=10", 14, "expected a unit (%, ms, s)"},
		{"cold.p(95)=10pp", 14, "expected a unit (%, ms, s)"},
		{"cold_rate=2ms", 12, "expected a unit (pp, %)"},
		{"cold_rate=200pp", 14, "more than 100 percentage points"},
		{"p(95)=10% p(99)=5%", 11, `expected "," or the end`},
		{"p(95)=10%,", 11, "expected a metric"},
		{"p(95)=10%,cold.max=5%", 11, "cold.max cannot be compared"},
		{"p(100)=5%", 1, "percentile between 0 and 100 exclusive"},
		{"count=5%", 1, "cannot be gated against a baseline"},
		{"cost_per_million=5%", 1, "cannot be gated"},
		{"p(95)=10%,cold.p(9x)=1%", 19, `expected ")"`},
		{"é=1%", 1, "unexpected character"},
	}
	for _, c := range cases {
		t.Run(c.s, func(t *testing.T) {
			_, err := gate.ParseBudget(c.s)
			var se *threshold.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseBudget(%q) = %v, want a SyntaxError", c.s, err)
			}
			if se.Col != c.col || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("ParseBudget(%q) = %v, want col %d containing %q", c.s, err, c.col, c.msg)
			}
		})
	}
}

func FuzzParseBudget(f *testing.F) {
	for _, s := range []string{"cold.p(95)=10%,cold_rate=2pp,p(99)=50ms", "phase[x].med=1s", "a=", "p(95)=1.5.5%", ",,", "cold_rate=2pp,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := gate.ParseBudget(s)
		if err != nil {
			var se *threshold.SyntaxError
			if !errors.As(err, &se) || se.Col < 1 || se.Col > utf8.RuneCountInString(s)+1 {
				t.Fatalf("ParseBudget(%q): bad error %v", s, err)
			}
			return
		}
		for _, it := range b {
			if it.Limit < 0 || (it.Unit != "%" && it.Unit != "ms" && it.Unit != "pp") {
				t.Fatalf("ParseBudget(%q): bad item %+v", s, it)
			}
		}
	})
}
