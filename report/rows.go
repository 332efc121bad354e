package report

import (
	"strconv"

	"github.com/thaw-dev/thaw/results"
)

// phaseTable is the per-phase summary as text cells, shared by the terminal table, the
// Markdown and the HTML: phases in run order, then the totals row.
type phaseTable struct {
	Header []string
	Rows   [][]string
}

func buildPhaseTable(s *results.Summary) phaseTable {
	late, dropped := anyLateDropped(s)
	t := phaseTable{Header: []string{"phase", "workload", "n", "errors", "cold", "warm", "unknown",
		"rate/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "cold p50 ms", "warm p50 ms"}}
	if late {
		t.Header = append(t.Header, "late")
	}
	if dropped {
		t.Header = append(t.Header, "dropped")
	}
	for i := range s.Phases {
		t.Rows = append(t.Rows, phaseRow(&s.Phases[i], s.Phases[i].Name, late, dropped))
	}
	t.Rows = append(t.Rows, phaseRow(&s.Totals, "total", late, dropped))
	return t
}

func phaseRow(p *results.PhaseSummary, name string, late, dropped bool) []string {
	itoa := func(v int64) string { return strconv.FormatInt(v, 10) }
	wl := p.Workload
	if wl == "" {
		wl = "-"
	}
	row := []string{name, wl, itoa(p.Count), itoa(p.Errors), itoa(p.Cold), itoa(p.Warm), itoa(p.Unknown),
		fmtRate(p.RateAchieved),
		fmtMS(p.Latency.P50, p.Latency.Count), fmtMS(p.Latency.P95, p.Latency.Count),
		fmtMS(p.Latency.P99, p.Latency.Count), fmtMS(p.Latency.Max, p.Latency.Count),
		fmtMS(p.ColdLatency.P50, p.ColdLatency.Count), fmtMS(p.WarmLatency.P50, p.WarmLatency.Count)}
	if late {
		row = append(row, itoa(p.Late))
	}
	if dropped {
		row = append(row, itoa(p.Dropped))
	}
	return row
}

func anyLateDropped(s *results.Summary) (late, dropped bool) {
	late, dropped = s.Totals.Late > 0, s.Totals.Dropped > 0
	for _, p := range s.Phases {
		late = late || p.Late > 0
		dropped = dropped || p.Dropped > 0
	}
	return late, dropped
}

// classTable is the cold-vs-warm distribution table.
func classTable(s *results.Summary) phaseTable {
	t := phaseTable{Header: []string{"", "n", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms", "mean ms"}}
	add := func(name string, p *results.Percentiles) {
		if p == nil || p.Count == 0 {
			return
		}
		t.Rows = append(t.Rows, []string{name, strconv.FormatInt(p.Count, 10),
			fmtMS(p.P50, p.Count), fmtMS(p.P90, p.Count), fmtMS(p.P95, p.Count),
			fmtMS(p.P99, p.Count), fmtMS(p.Max, p.Count), fmtMS(p.Mean, p.Count)})
	}
	tot := &s.Totals
	add("cold", &tot.ColdLatency)
	add("warm", &tot.WarmLatency)
	add("all", &tot.Latency)
	add("server time", &tot.ServerLatency)
	add("from intended send", tot.IntendedLatency)
	add("init (reported)", tot.InitLatency)
	return t
}
