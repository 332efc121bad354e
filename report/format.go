package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// fmtMS formats milliseconds with precision that suits the magnitude ("0.84", "12.3",
// "512"); "-" when there is no value.
func fmtMS(ms float64, count int64) string {
	if count == 0 || math.IsNaN(ms) {
		return "-"
	}
	switch {
	case ms < 10:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	default:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	}
}

// fmtDurMS formats a duration given in milliseconds for people: "850ms", "1.25s", "12m30s".
func fmtDurMS(ms float64) string {
	switch {
	case ms < 1000:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 60_000:
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", ms/1000), "0"), ".") + "s"
	}
	d := time.Duration(math.Round(ms/1000)) * time.Second
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// fmtPct formats a fraction as a percent ("4.2%").
func fmtPct(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "-"
	}
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}

// fmtRate formats invocations per second.
func fmtRate(r float64) string {
	if r <= 0 {
		return "-"
	}
	if r < 1 {
		return strconv.FormatFloat(r, 'g', 2, 64)
	}
	if r < 10 {
		return strconv.FormatFloat(r, 'f', 2, 64)
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// fmtUSD formats dollars with enough digits for tiny per-invocation prices.
func fmtUSD(usd float64) string {
	switch {
	case usd == 0:
		return "$0"
	case usd >= 100:
		return fmt.Sprintf("$%.0f", usd)
	case usd >= 0.01:
		return fmt.Sprintf("$%.2f", usd)
	default:
		// Three significant digits without an exponent: $0.000000712.
		digits := 2 - int(math.Floor(math.Log10(usd)))
		return "$" + strconv.FormatFloat(usd, 'f', digits, 64)
	}
}

// fmtCount formats an integer with thousands separators: 10,000,000.
func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// coldRate is the fraction of classified-or-not invocations judged cold.
func coldRate(p *results.PhaseSummary) float64 {
	if p.Count == 0 {
		return 0
	}
	return float64(p.Cold) / float64(p.Count)
}

// errorRate is the fraction of invocations that failed.
func errorRate(p *results.PhaseSummary) float64 {
	if p.Count == 0 {
		return 0
	}
	return float64(p.Errors) / float64(p.Count)
}

// methodText is how a keep-alive estimate was made, in words when the summary has them.
func methodText(k *results.KeepAlive) string {
	if k.MethodDetail != "" {
		return k.MethodDetail
	}
	return k.Method
}
