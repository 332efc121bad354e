package gate

import (
	"fmt"
	"math"
	"strconv"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

// num prints v with 4 significant digits, without exponent for everyday values.
func num(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return fmt.Sprint(v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func thresholdValue(t results.ThresholdResult) string {
	if threshold.NotComputable(t) {
		return "—"
	}
	switch t.Unit {
	case "USD":
		return "$" + num(t.Value)
	case "":
		return num(t.Value)
	}
	return num(t.Value) + t.Unit
}

func itemValue(v float64, it ItemResult, n int64) string {
	if n == 0 {
		return "— (n=0)"
	}
	return fmt.Sprintf("%s%s (n=%d)", num(v), it.Unit, n)
}

func signed(v float64) string {
	if v >= 0 {
		return "+" + num(v)
	}
	return num(v)
}

func changeText(v float64, unit string) string { return signed(v) + unit }

func ciText(it ItemResult) string {
	if it.BaseN == 0 || it.NewN == 0 || it.NotEstimable {
		return "—"
	}
	return fmt.Sprintf("[%s, %s]%s", signed(it.Low), signed(it.High), it.ChangeUnit)
}

func budgetText(it ItemResult) string { return "+" + num(it.Limit) + it.ChangeUnit }

func itemVerdict(it ItemResult) string {
	if it.Outcome == Inconclusive && it.NeedN > 0 {
		return fmt.Sprintf("inconclusive (need ≈%s/run)", fmtN(it.NeedN))
	}
	return string(it.Outcome)
}
