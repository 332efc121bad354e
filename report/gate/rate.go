package gate

import (
	"fmt"

	"github.com/thaw-dev/thaw/report/threshold"
)

// judgeRate compares a rate with Newcombe's score interval for the difference of two
// proportions, in percentage points. A relative budget (cold_rate=20%) is turned into
// percentage points of the baseline's rate (20% of a 5% rate is 1pp).
func judgeRate(r *ItemResult, base, next RunData, it BudgetItem, o Options) error {
	bh, bn, err := rateCounts(base, it.Metric)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	nh, nn, err := rateCounts(next, it.Metric)
	if err != nil {
		return fmt.Errorf("new run: %w", err)
	}
	r.Unit, r.BaseN, r.NewN, r.Method = "%", bn, nn, "Newcombe hybrid score interval"
	if bn == 0 || nn == 0 {
		r.Outcome, r.NeedN = Inconclusive, 1
		r.Detail = fmt.Sprintf("no invocations for %s (baseline %d, new %d)", it.Metric, bn, nn)
		return nil
	}
	d, lo, hi := newcombe(bh, bn, nh, nn, zQuantile(1-(1-o.Confidence)/2))
	r.Base, r.New = 100*float64(bh)/float64(bn), 100*float64(nh)/float64(nn)
	r.Change, r.Low, r.High = 100*d, 100*lo, 100*hi
	if it.Unit == UnitRelative {
		r.Limit, r.ChangeUnit = r.Base*it.Limit/100, UnitPP
	}
	decide(r)
	if r.Outcome == Inconclusive {
		r.NeedN = straddleNeed(r)
	}
	r.Detail = rateDetail(r, it)
	return nil
}

func rateCounts(run RunData, m threshold.Metric) (hits, total int64, err error) {
	ps, err := threshold.Phase(run.Summary, m.Phase)
	if err != nil {
		return 0, 0, err
	}
	hits, total = threshold.RateCounts(ps, m.Rate)
	return hits, total, nil
}

func rateDetail(r *ItemResult, it BudgetItem) string {
	budget := fmt.Sprintf("+%.3gpp", r.Limit)
	if it.Unit == UnitRelative {
		budget += fmt.Sprintf(" (%g%% of the baseline rate)", it.Limit)
	}
	s := fmt.Sprintf("%s %.3g%% → %.3g%% (%d → %d), change %+.3gpp (%.0f%% CI %+.3g…%+.3g), budget %s",
		r.Metric, r.Base, r.New, r.BaseN, r.NewN, r.Change, 100*r.Confidence, r.Low, r.High, budget)
	return s + "; " + verdictText(r, "invocations")
}
