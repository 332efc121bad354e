package gate

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes r as an aligned text table (thresholds, then budget items, then
// the verdict) for a terminal or a CI log.
func WriteTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(r.Thresholds) > 0 {
		fmt.Fprintln(tw, "THRESHOLD\tVALUE\tVERDICT\tDETAIL")
		for _, t := range r.Thresholds {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Expr, thresholdValue(t), thresholdVerdict(t), t.Detail)
		}
		fmt.Fprintln(tw)
	}
	if r.Gate != nil {
		fmt.Fprintln(tw, "BUDGET\tBASE\tNEW\tCHANGE\tCI\tVERDICT")
		for _, it := range r.Gate.Items {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", it.Item, itemValue(it.Base, it, it.BaseN), itemValue(it.New, it, it.NewN),
				changeText(it.Change, it.ChangeUnit), ciText(it), itemVerdict(it))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "%s\n", headline(r))
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// headline is the one-line verdict, naming the counts behind it.
func headline(r Report) string {
	var parts []string
	if n := len(r.Thresholds); n > 0 {
		failed := 0
		for _, t := range r.Thresholds {
			if !t.Pass {
				failed++
			}
		}
		parts = append(parts, fmt.Sprintf("thresholds %d/%d passed", n-failed, n))
	}
	if r.Gate != nil {
		c := map[Outcome]int{}
		for _, it := range r.Gate.Items {
			c[it.Outcome]++
		}
		parts = append(parts, fmt.Sprintf("gate vs %s: %d pass, %d fail, %d inconclusive (seed %d)",
			r.Baseline, c[Pass], c[Fail], c[Inconclusive], r.Gate.Seed))
	}
	out := strings.ToUpper(string(r.Outcome()))
	if r.Strict && r.Outcome() == Fail && r.rawOutcome() == Inconclusive {
		out += " (inconclusive, --strict)"
	}
	return out + ": " + strings.Join(parts, "; ")
}

func (r Report) rawOutcome() Outcome {
	r.Strict = false
	return r.Outcome()
}
