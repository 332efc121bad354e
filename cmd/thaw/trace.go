package main

import (
	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// tracePricing is the scenario's pricing with, for a trace replay whose scenario sets
// no monthly_invocations, the replayed pattern projected to a month: the cost report
// then prices a month of that traffic at the cold rate the replay measured.
func tracePricing(sc *scenarios.Scenario) *results.Pricing {
	p := sc.Pricing
	if p == nil || p.MonthlyInvocations > 0 {
		return p
	}
	n := sc.TraceMonthlyInvocations()
	if n == 0 {
		return p
	}
	cp := *p
	cp.MonthlyInvocations = n
	return &cp
}
