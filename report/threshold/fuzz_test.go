package threshold_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/thaw-dev/thaw/report/threshold"
)

// FuzzParse checks that Parse never panics, that every error is a SyntaxError with a
// column inside the expression (or just past its end), and that an accepted
// expression's canonical metric parses back to the same metric.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"p(95) < 800ms", "cold.p(99) < 2s", "warm.avg < 50ms", "cold_rate < 5%", "error_rate < 1%",
		"throttle_rate == 0", "init.p(50) < 400ms", "cost_per_million < $0.40",
		"phase[burst].cold.max < 3s", "p(99.9) <= 1s abort_on_fail grace=30s", "phase[", "p(9.",
		"phase[]]", "count != 5", "é", "p(95) < 1s grace=", "\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		th, err := threshold.Parse(expr)
		if err != nil {
			var se *threshold.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %v is not a SyntaxError", expr, err)
			}
			if se.Col < 1 || se.Col > utf8.RuneCountInString(expr)+1 {
				t.Fatalf("Parse(%q): column %d outside the expression", expr, se.Col)
			}
			return
		}
		again, err := threshold.Parse(th.Metric.String() + " >= 0")
		if err != nil || again.Metric != th.Metric {
			t.Fatalf("Parse(%q): metric %q does not round-trip: %v", expr, th.Metric.String(), err)
		}
		// Evaluating on an empty summary must not panic either.
		_ = th.Evaluate(fixture(t))
	})
}
