package report

import (
	"strconv"
	"strings"

	"github.com/thaw-dev/thaw/results"
)

// sendLagLabel heads the send-lag line of the terminal summary, summary.md and
// report.html.
const sendLagLabel = "send lag p50 / p99 (actual minus intended send, open-model phases)"

// sendLagText lists each open-model phase's send lag p50 / p99 ("steady 0.012 /
// 0.210 ms"), then all open-model phases together when there are several; "" when
// no phase is open-model (closed-model phases have no intended send time).
func sendLagText(s *results.Summary) string {
	var parts []string
	for i := range s.Phases {
		if lag := s.Phases[i].SendLag; lag != nil && lag.Count > 0 {
			parts = append(parts, s.Phases[i].Name+" "+lagPair(lag))
		}
	}
	if len(parts) > 1 && s.Totals.SendLag != nil && s.Totals.SendLag.Count > 0 {
		parts = append(parts, "all open-model phases "+lagPair(s.Totals.SendLag))
	}
	return strings.Join(parts, ", ")
}

// lagPair is "p50 / p99 ms" with a precision that shows microseconds.
func lagPair(p *results.Percentiles) string {
	return fmtLagMS(p.P50) + " / " + fmtLagMS(p.P99) + " ms"
}

// fmtLagMS formats a send lag: three decimals below 10 ms (lags are often tens of
// microseconds), then as fmtMS.
func fmtLagMS(ms float64) string {
	if ms < 10 {
		return strconv.FormatFloat(ms, 'f', 3, 64)
	}
	return fmtMS(ms, 1)
}
