package gate

import (
	"fmt"
	"io"
	"strings"
)

// WriteMarkdown writes r as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY or a
// pull-request comment.
func WriteMarkdown(w io.Writer, r Report) error {
	var b strings.Builder
	icon := map[Outcome]string{Pass: "✅", Fail: "❌", Inconclusive: "⚠️"}[r.Outcome()]
	fmt.Fprintf(&b, "### %s thaw: %s\n\n", icon, mdCell(headline(r)))
	if len(r.Thresholds) > 0 {
		b.WriteString("| Threshold | Value | Verdict | Detail |\n|---|---:|---|---|\n")
		for _, t := range r.Thresholds {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", mdCode(t.Expr), thresholdValue(t), thresholdVerdict(t), mdCell(t.Detail))
		}
		b.WriteString("\n")
	}
	if r.Gate != nil {
		fmt.Fprintf(&b, "Baseline `%s`, %.0f%% confidence, seed %d.\n\n", mdCode(r.Baseline), 100*r.Gate.Confidence, r.Gate.Seed)
		b.WriteString("| Budget | Base | New | Change | CI | Limit | Verdict |\n|---|---:|---:|---:|---|---:|---|\n")
		for _, it := range r.Gate.Items {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", mdCode(it.Item), itemValue(it.Base, it, it.BaseN),
				itemValue(it.New, it, it.NewN), changeText(it.Change, it.ChangeUnit), ciText(it), budgetText(it), itemVerdict(it))
		}
		b.WriteString("\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

// The replacers, built on first use (not once per cell) and safe for concurrent use.
var (
	cellReplacer = strings.NewReplacer("|", `\|`, "\n", " ", "\r", "")
	codeReplacer = strings.NewReplacer("|", `\|`, "`", "'", "\n", " ", "\r", "")
)

// mdCell makes s safe inside a table cell (no pipes, no line breaks).
func mdCell(s string) string { return cellReplacer.Replace(s) }

// mdCode makes s safe inside an inline code span in a table cell.
func mdCode(s string) string { return codeReplacer.Replace(s) }
