package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// Confirmation thresholds: a run above either asks first (on a terminal) or needs --yes.
const (
	confirmAboveRequests = 100_000
	confirmAboveUSD      = 1.0
)

// providerCost is what a scenario's requests would cost on one pricing model.
type providerCost struct {
	Model         string
	PerRequestUSD float64 // one request billed for scenarios.AssumedResponse
	TotalUSD      float64 // every request billed for scenarios.AssumedResponse
	WorstUSD      float64 // every request billed for the whole target timeout, every retry sent
}

// plan is what a scenario would send and cost, before any load.
type plan struct {
	Requests scenarios.RequestEstimate
	Duration time.Duration
	Costs    []providerCost // one per catalog model, in catalog name order
	Priced   *providerCost  // the scenario's own pricing model; nil without pricing
}

// estimatePlan estimates sc's requests and their cost on every model of cat. The
// scenario's pricing (memory, vCPU, arch) is used for its own model; other models get
// its memory size and their defaults, so that providers compare like for like.
func estimatePlan(sc *scenarios.Scenario, cat cost.Catalog) (plan, error) {
	p := plan{Requests: sc.EstimatedRequests(), Duration: sc.EstimatedDuration()}
	attempts := 1.0 // the worst case retries every request as often as allowed
	if r := sc.Target.Retry; r != nil {
		attempts += float64(r.Max)
	}
	own := ""
	if sc.Pricing != nil {
		if e, err := cat.Lookup(sc.Pricing.Model); err == nil {
			own = e.Model
		}
	}
	for _, name := range cat.Names() {
		e, err := cat.Lookup(name)
		if err != nil {
			return plan{}, err
		}
		pr := results.Pricing{Model: name}
		switch {
		case e.Model == own:
			pr = *sc.Pricing
		case sc.Pricing != nil:
			pr.MemoryMB = sc.Pricing.MemoryMB
		}
		at := func(d time.Duration) float64 {
			u := e.Units(cost.Invocation{DurationMS: float64(d) / float64(time.Millisecond)}, pr)
			return e.Price(u, pr, cost.Marginal)
		}
		n, one := float64(p.Requests.N), at(scenarios.AssumedResponse)
		p.Costs = append(p.Costs, providerCost{Model: e.Model, PerRequestUSD: one, TotalUSD: one * n,
			WorstUSD: at(sc.Target.Timeout.D()) * n * attempts})
	}
	for i := range p.Costs {
		c := &p.Costs[i]
		if c.Model == own {
			p.Priced = c
		}
	}
	return p, nil
}

// needsConfirmation says why a run needs confirmation ("" when it does not): more
// than confirmAboveRequests requests, or, with a pricing block, an estimate over
// confirmAboveUSD on the scenario's model.
func (p plan) needsConfirmation() string {
	switch {
	case p.Requests.N > confirmAboveRequests:
		return fmt.Sprintf("it would send about %d requests (more than %d)", p.Requests.N, confirmAboveRequests)
	case p.Priced != nil && p.Priced.TotalUSD > confirmAboveUSD:
		return fmt.Sprintf("it would cost about $%.2f on %s (more than $%.2f)", p.Priced.TotalUSD, p.Priced.Model, confirmAboveUSD)
	}
	return ""
}

// print writes the plan: the request count and a table of costs per provider.
func (p plan) print(w io.Writer, timeout time.Duration) error {
	how := "exactly"
	if !p.Requests.Exact {
		how = fmt.Sprintf("about (closed-model phases assumed %s per response)", scenarios.AssumedResponse)
	}
	fmt.Fprintf(w, "sends: %d requests, %s\n", p.Requests.N, how)
	fmt.Fprintf(w, "cost: each request billed %s (worst case: the whole %s timeout, every retry sent)\n", scenarios.AssumedResponse, timeout)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tper request\ttotal\tworst case\t")
	for _, c := range p.Costs {
		mark := ""
		if p.Priced != nil && c.Model == p.Priced.Model {
			mark = " *"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t\n", c.Model, mark, usd(c.PerRequestUSD), usd(c.TotalUSD), usd(c.WorstUSD))
	}
	return tw.Flush()
}

// usd formats dollars with enough digits for tiny per-request prices.
func usd(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v < 0.01:
		return fmt.Sprintf("$%.8f", v)
	case v < 100:
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}
