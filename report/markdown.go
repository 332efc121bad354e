package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/thaw-dev/thaw/results"
)

// Markdown writes summary.md: a GitHub-flavoured Markdown summary fit for a pull-request
// comment or $GITHUB_STEP_SUMMARY, with thresholds (✅/❌), phases (with the send lag
// of open-model phases), cold vs warm,
// keep-alive and cost when the summary holds them.
func Markdown(w io.Writer, s *results.Summary) error {
	var b strings.Builder
	mdHeadline(&b, s)
	mdThresholds(&b, s)
	b.WriteString("\n### Phases\n\n")
	mdTable(&b, buildPhaseTable(s), 2)
	if lag := sendLagText(s); lag != "" {
		fmt.Fprintf(&b, "\nSend lag p50 / p99 (actual minus intended send, open-model phases): %s\n", lag)
	}
	b.WriteString("\n### Cold vs warm\n\n")
	mdTable(&b, classTable(s), 1)
	if line := unknownLine(s); line != "" {
		fmt.Fprintf(&b, "\n%s\n", line)
	}
	mdKeepAlive(&b, s)
	mdCost(&b, s)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	return nil
}

func mdHeadline(b *strings.Builder, s *results.Summary) {
	t := &s.Totals
	fmt.Fprintf(b, "## thaw: %s\n\n", mdEscape(s.Scenario))
	if s.Target != "" {
		fmt.Fprintf(b, "Target `%s` · ", strings.ReplaceAll(s.Target, "`", ""))
	}
	fmt.Fprintf(b, "%s UTC · %s\n\n", s.Started.UTC().Format("2006-01-02 15:04:05"), fmtDurMS(float64(s.Ended.Sub(s.Started).Milliseconds())))
	fmt.Fprintf(b, "**%d** invocations · **%s** cold (%d) · **%s** errors (%d) · p50 **%s ms** · p99 **%s ms** · cold p50 **%s ms**\n",
		t.Count, fmtPct(coldRate(t)), t.Cold, fmtPct(errorRate(t)), t.Errors,
		fmtMS(t.Latency.P50, t.Latency.Count), fmtMS(t.Latency.P99, t.Latency.Count),
		fmtMS(t.ColdLatency.P50, t.ColdLatency.Count))
	if s.Interrupted {
		fmt.Fprintf(b, "\n> ⚠️ The run was interrupted: %s\n", mdEscape(s.AbortReason))
	}
	if len(t.ErrorsByKind) > 0 {
		fmt.Fprintf(b, "\nErrors by kind: %s\n", CountList(t.ErrorsByKind))
	}
}

func mdThresholds(b *strings.Builder, s *results.Summary) {
	if len(s.Thresholds) == 0 {
		return
	}
	pass := 0
	t := phaseTable{Header: []string{"", "threshold", "measured"}}
	for _, th := range s.Thresholds {
		mark := "❌"
		if th.Pass {
			mark = "✅"
			pass++
		}
		t.Rows = append(t.Rows, []string{mark, "`" + th.Expr + "`", thresholdValue(th)})
	}
	fmt.Fprintf(b, "\n### Thresholds: %d of %d passed\n\n", pass, len(s.Thresholds))
	mdTable(b, t, 3)
}

func mdKeepAlive(b *strings.Builder, s *results.Summary) {
	k := s.KeepAlive
	if k == nil {
		return
	}
	fmt.Fprintf(b, "\n### Keep-alive\n\nIdle instances are kept for about **%s** (between %s and %s; %s).\n",
		fmtDurMS(k.EstimateMS), fmtDurMS(k.LowMS), fmtDurMS(k.HighMS), mdEscape(methodText(k)))
	if len(k.Points) == 0 {
		return
	}
	t := phaseTable{Header: []string{"idle", "n", "cold", "P(cold)", "95% interval"}}
	for _, p := range k.Points {
		t.Rows = append(t.Rows, []string{fmtDurMS(p.IdleMS), strconv.FormatInt(p.N, 10), strconv.FormatInt(p.Cold, 10),
			fmtPct(p.P), fmtPct(p.Low) + " – " + fmtPct(p.High)})
	}
	b.WriteString("\n")
	mdTable(b, t, 1)
}

func mdCost(b *strings.Builder, s *results.Summary) {
	c := s.Cost
	if c == nil {
		return
	}
	fmt.Fprintf(b, "\n### Estimated cost (%s)\n\n", mdEscape(c.Model))
	t := phaseTable{Header: []string{"", "per invocation", "per million"},
		Rows: [][]string{
			{"all", fmtUSD(c.PerInvocationUSD), fmtUSD(c.PerMillionUSD)},
			{"cold", fmtUSD(c.ColdPerMillionUSD / 1e6), fmtUSD(c.ColdPerMillionUSD)},
			{"warm", fmtUSD(c.WarmPerMillionUSD / 1e6), fmtUSD(c.WarmPerMillionUSD)},
		}}
	mdTable(b, t, 1)
	fmt.Fprintf(b, "\nCold starts cause **%s** of the cost. Billed duration from %s.", fmtPct(c.ColdShare), billedFromText(c.BilledFrom))
	if c.MonthlyInvocations > 0 {
		fmt.Fprintf(b, " At %s invocations a month and the measured cold rate: **%s/month**.", fmtCount(c.MonthlyInvocations), fmtUSD(c.MonthlyUSD))
	}
	b.WriteString("\n")
	for _, n := range c.Notes {
		fmt.Fprintf(b, "\n- %s", mdEscape(n))
	}
	if len(c.Notes) > 0 {
		b.WriteString("\n")
	}
	if c.Source != "" {
		fmt.Fprintf(b, "\nPrices: %s\n", mdEscape(c.Source))
	}
}

// mdTable writes a pipe table; columns from firstRight on are right-aligned.
func mdTable(b *strings.Builder, t phaseTable, firstRight int) {
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + mdCell(c) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Header)
	b.WriteString("|")
	for i := range t.Header {
		if i >= firstRight {
			b.WriteString("--:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
}

// Replacers are built on first use and safe for concurrent use: one each, not one per
// cell (building one allocates its lookup tables).
var (
	mdCellReplacer   = strings.NewReplacer("|", `\|`, "\n", " ")
	mdEscapeReplacer = strings.NewReplacer("<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "'", "|", `\|`)
)

// mdCell makes s safe inside a Markdown table cell.
func mdCell(s string) string {
	if !strings.ContainsAny(s, "|\n") {
		return s
	}
	return mdCellReplacer.Replace(s)
}

// mdEscape neutralises characters that would start Markdown or HTML markup in free text.
func mdEscape(s string) string {
	return mdEscapeReplacer.Replace(s)
}
