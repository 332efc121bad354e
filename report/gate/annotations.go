package gate

import (
	"fmt"
	"io"
	"strings"
)

// WriteAnnotations writes GitHub Actions workflow commands for r: an ::error for every
// failed threshold and budget item, a ::warning for every inconclusive item (an
// ::error with r.Strict). Passing items are not annotated.
func WriteAnnotations(w io.Writer, r Report) error {
	var b strings.Builder
	for _, t := range r.Thresholds {
		if !t.Pass {
			annotate(&b, "error", "thaw threshold failed: "+t.Expr, t.Detail)
		}
	}
	if r.Gate != nil {
		for _, it := range r.Gate.Items {
			switch {
			case it.Outcome == Fail:
				annotate(&b, "error", "thaw regression: "+it.Item, it.Detail)
			case it.Outcome == Inconclusive && r.Strict:
				annotate(&b, "error", "thaw inconclusive (--strict): "+it.Item, it.Detail)
			case it.Outcome == Inconclusive:
				annotate(&b, "warning", "thaw inconclusive: "+it.Item, it.Detail)
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write annotations: %w", err)
	}
	return nil
}

// annotate writes one workflow command, escaped as the runner expects: data escapes
// %, CR and LF; property values also escape : and ,.
func annotate(b *strings.Builder, level, title, msg string) {
	data := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	fmt.Fprintf(b, "::%s title=%s::%s\n", level, prop.Replace(title), data.Replace(msg))
}
