package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/thaw-dev/thaw/results"
)

// Table writes the terminal summary of a run: one row per phase in run order, a totals
// row, late and dropped columns when any phase has them, then one line each for
// send lag (open-model phases), errors by kind, cost, keep-alive and thresholds when
// the summary holds them.
func Table(w io.Writer, s *results.Summary) error {
	pt := buildPhaseTable(s)
	if err := renderTable(w, pt, 2); err != nil {
		return err
	}
	return writeFootnotes(w, s)
}

// renderTable draws pt with tablewriter: the first leftCols columns left-aligned, the
// rest (numbers) right-aligned; header names exactly as given.
func renderTable(w io.Writer, pt phaseTable, leftCols int) error {
	align := tw.CellAlignment{Global: tw.AlignRight}
	for i := 0; i < leftCols; i++ {
		align.PerColumn = append(align.PerColumn, tw.AlignLeft)
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(align),
		tablewriter.WithRowAlignmentConfig(align),
	)
	t.Header(anySlice(pt.Header)...)
	for _, r := range pt.Rows {
		if err := t.Append(anySlice(r)...); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func writeFootnotes(w io.Writer, s *results.Summary) error {
	var b strings.Builder
	if lag := sendLagText(s); lag != "" {
		fmt.Fprintf(&b, "%s: %s\n", sendLagLabel, lag)
	}
	if len(s.Totals.ErrorsByKind) > 0 {
		fmt.Fprintf(&b, "errors: %s\n", CountList(s.Totals.ErrorsByKind))
	}
	if c := s.Cost; c != nil {
		fmt.Fprintf(&b, "cost (%s): %s per million (cold %s, warm %s); cold starts cause %s; billed from %s\n",
			c.Model, fmtUSD(c.PerMillionUSD), fmtUSD(c.ColdPerMillionUSD), fmtUSD(c.WarmPerMillionUSD),
			fmtPct(c.ColdShare), billedFromText(c.BilledFrom))
		if c.MonthlyInvocations > 0 {
			fmt.Fprintf(&b, "monthly projection: %s invocations → %s\n", fmtCount(c.MonthlyInvocations), fmtUSD(c.MonthlyUSD))
		}
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "cost note: %s\n", n)
		}
	}
	if k := s.KeepAlive; k != nil {
		fmt.Fprintf(&b, "keep-alive: ~%s (between %s and %s, %s)\n",
			fmtDurMS(k.EstimateMS), fmtDurMS(k.LowMS), fmtDurMS(k.HighMS), methodText(k))
	}
	if line := unknownLine(s); line != "" {
		fmt.Fprintln(&b, line)
	}
	for _, th := range s.Thresholds {
		fmt.Fprintf(&b, "%s %s (%s)\n", verdictWord(th.Pass), th.Expr, thresholdValue(th))
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return nil
}

// unknownLine says, from the summary's probes, why samples were left unknown
// ("unknown N: " then, per probe, what it decided, how many samples held nothing of
// its kind, and its finding about the run, such as the latency probe's reason for
// finding no split). "" when nothing is unknown or the summary does not say.
func unknownLine(s *results.Summary) string {
	if s.Totals.Unknown == 0 || len(s.Probes) == 0 {
		return ""
	}
	parts := make([]string, 0, len(s.Probes))
	for _, p := range s.Probes {
		part := fmt.Sprintf("%s decided %d", p.Name, p.Decided)
		if p.NoEvidence > 0 {
			part += fmt.Sprintf(", found nothing in %d", p.NoEvidence)
		}
		if p.Note != "" {
			part += " (" + p.Note + ")"
		}
		parts = append(parts, part)
	}
	return fmt.Sprintf("unknown %d: %s", s.Totals.Unknown, strings.Join(parts, "; "))
}

// CountList lists a map of counts as "key n" pairs sorted by key ("refused 2,
// throttled 5"), as the tables print errors by kind.
func CountList(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func billedFromText(from string) string {
	switch from {
	case "server_time":
		return "server time (upper bound)"
	case "cpu":
		return "function-reported CPU time"
	}
	if from == "" {
		return "unknown"
	}
	return "platform-reported durations"
}

func verdictWord(pass bool) string {
	if pass {
		return "PASS"
	}
	return "FAIL"
}

func thresholdValue(th results.ThresholdResult) string {
	v := fmt.Sprintf("%.4g", th.Value)
	if th.Unit != "" {
		v += " " + th.Unit
	}
	if th.Detail != "" {
		v += "; " + th.Detail
	}
	return v
}
