package gate

import (
	"fmt"
	"math/rand/v2"

	"github.com/thaw-dev/thaw/report/threshold"
)

// Outcome is the verdict on one budget item or on the whole gate.
type Outcome string

// Outcomes. Fail means the whole confidence interval of the change lies over the
// budget, Pass that it lies under; Inconclusive that it straddles the budget or that
// a run has too few samples to estimate the statistic at all (ItemResult.NeedN says
// how many would do).
const (
	Pass         Outcome = "pass"
	Fail         Outcome = "fail"
	Inconclusive Outcome = "inconclusive"
)

// Options tunes the statistics. The zero value uses the defaults.
type Options struct {
	Seed       uint64  // bootstrap seed: the same seed and runs give the same result
	Resamples  int     // bootstrap resamples per mean item (default DefaultResamples)
	Confidence float64 // two-sided confidence level of every interval (default 0.95)
}

// Defaults for Options.
const (
	DefaultResamples  = 2000
	DefaultConfidence = 0.95
)

func (o Options) withDefaults() Options {
	if o.Resamples <= 0 {
		o.Resamples = DefaultResamples
	}
	if o.Confidence <= 0 || o.Confidence >= 1 {
		o.Confidence = DefaultConfidence
	}
	return o
}

// ItemResult is the verdict on one budget item. Change, Low, High and Limit are in
// ChangeUnit: "%" (relative to the baseline), "ms" or "pp" (percentage points).
type ItemResult struct {
	Item       string  `json:"item"`   // the budget item as written
	Metric     string  `json:"metric"` // canonical metric
	Unit       string  `json:"unit"`   // unit of Base and New: "ms" or "%"
	Base       float64 `json:"base"`
	New        float64 `json:"new"`
	BaseN      int64   `json:"base_n"` // samples (latency) or invocations (rate) behind Base
	NewN       int64   `json:"new_n"`
	Change     float64 `json:"change"`
	Low        float64 `json:"low"` // confidence interval of Change
	High       float64 `json:"high"`
	Confidence float64 `json:"confidence"` // two-sided level of [Low, High]
	Limit      float64 `json:"limit"`
	ChangeUnit string  `json:"change_unit"`
	Method     string  `json:"method"` // how the interval was found
	Outcome    Outcome `json:"outcome"`
	NeedN      int64   `json:"need_n,omitempty"` // Inconclusive: samples per run that would likely decide
	// NotEstimable: a run has fewer samples than the statistic needs for an interval
	// to exist at all (Low and High are then meaningless).
	NotEstimable bool   `json:"not_estimable,omitempty"`
	Detail       string `json:"detail"`
}

// Result is the gate's verdict: Fail if any item fails, else Inconclusive if any item
// is, else Pass.
type Result struct {
	Outcome    Outcome      `json:"outcome"`
	Items      []ItemResult `json:"items"`
	Seed       uint64       `json:"seed"`
	Confidence float64      `json:"confidence"`
}

// Gate compares the new run with the baseline item by item. It is deterministic for
// a given Options.Seed (each item draws from its own stream, so adding an item does
// not change the others) and safe for concurrent use.
func Gate(base, next RunData, budget Budget, opts Options) Result {
	opts = opts.withDefaults()
	res := Result{Outcome: Pass, Seed: opts.Seed, Confidence: opts.Confidence}
	for i, it := range budget {
		rng := rand.New(rand.NewPCG(opts.Seed, uint64(i)))
		r := judge(base, next, it, opts, rng)
		res.Items = append(res.Items, r)
		res.Outcome = worse(res.Outcome, r.Outcome)
	}
	return res
}

func worse(a, b Outcome) Outcome {
	rank := map[Outcome]int{Pass: 0, Inconclusive: 1, Fail: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func judge(base, next RunData, it BudgetItem, o Options, rng *rand.Rand) ItemResult {
	r := ItemResult{Item: it.Text, Metric: it.Metric.String(), Limit: it.Limit, ChangeUnit: it.Unit, Confidence: o.Confidence}
	var err error
	if it.Metric.Kind == threshold.KindRate {
		err = judgeRate(&r, base, next, it, o)
	} else {
		err = judgeLatency(&r, base, next, it, o, rng)
	}
	if err != nil {
		r.Outcome = Inconclusive
		r.Detail = "cannot compare: " + err.Error()
	}
	return r
}

// decide applies the rule shared by every item whose statistic could be estimated,
// with [Low, High] the confidence interval of the change and Limit the budget: fail
// when the whole interval lies over the budget (Low > Limit), pass when it lies under
// (High ≤ Limit), inconclusive when it straddles the budget. The rule does not look
// at n: small runs decide whenever their interval is clear of the budget.
func decide(r *ItemResult) {
	switch {
	case r.Low > r.Limit:
		r.Outcome = Fail
	case r.High <= r.Limit:
		r.Outcome = Pass
	default:
		r.Outcome = Inconclusive
	}
}

func fmtN(n int64) string {
	if n >= maxNeeded {
		return "more than 1e9"
	}
	return fmt.Sprintf("%d", n)
}
