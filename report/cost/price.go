package cost

import (
	"math"

	"github.com/thaw-dev/thaw/results"
)

// Mode says which monthly terms a price includes.
type Mode int

// Price modes. Marginal prices usage from zero at the first tier with no allowance or
// base fee (what one more invocation costs). Monthly treats the usage as a calendar
// month's: tiers, the plan's included usage and base fee, and the free tier when the
// pricing asks for it.
const (
	Marginal Mode = iota
	Monthly
)

// Price is the cost in USD of usage u under pricing p.
func (e *Entry) Price(u Units, p results.Pricing, mode Mode) float64 {
	var allow Allowance
	base := 0.0
	if mode == Monthly {
		allow = e.Included
		base = e.BaseMonthlyUSD
		if p.FreeTier {
			allow = addAllowance(allow, e.Free)
		}
	}
	// Duration prices bear the region's factor (Cloud Run Tier 2); requests do not. A
	// free tier is "applied as a spending based discount using Tier 1 pricing"
	// (cloud.google.com/run/pricing): the allowance is worth its listed-price value.
	f := e.regionFactor(p.Region)
	usd := base
	usd += over(u.Requests, allow.Requests) / 1e6 * e.RequestsPerMillionUSD
	if ts := e.tiers(p.Arch); len(ts) == 1 {
		usd += discounted(u.GBSeconds, allow.GBSeconds, ts[0].USD, f)
	} else {
		usd += f * tiered(over(u.GBSeconds, allow.GBSeconds), ts)
	}
	usd += discounted(u.GiBSeconds, allow.GiBSeconds, e.GiBSecondUSD, f)
	usd += discounted(u.VCPUSeconds, allow.VCPUSeconds, e.VCPUSecondUSD, f)
	usd += discounted(u.GHzSeconds, allow.GHzSeconds, e.GHzSecondUSD, f)
	usd += over(u.CPUMS, allow.CPUMS) / 1e6 * e.CPUMSPerMillionUSD
	usd += u.EphemeralGBSeconds * e.EphemeralGBSecondUSD
	usd += u.RestoreGB * e.restoreGBUSD()
	return usd
}

func (e *Entry) tiers(arch string) []Tier {
	if arch == "" {
		arch = e.DefaultArch
	}
	if t, ok := e.GBSecondTiers[arch]; ok {
		return t
	}
	if t, ok := e.GBSecondTiers["any"]; ok {
		return t
	}
	return e.GBSecondTiers[e.DefaultArch]
}

// tiered prices q through cumulative tiers: the first UpTo units at the first price,
// and so on; the last tier has no bound.
func tiered(q float64, ts []Tier) float64 {
	usd, done := 0.0, 0.0
	for _, t := range ts {
		if q <= done {
			break
		}
		top := q
		if t.UpTo > 0 {
			top = math.Min(q, t.UpTo)
		}
		usd += (top - done) * t.USD
		done = top
	}
	return usd
}

func over(q, allowance float64) float64 { return math.Max(0, q-allowance) }

// discounted is q units at price × factor less an allowance worth allowance × price,
// never below zero.
func discounted(q, allowance, price, factor float64) float64 {
	return math.Max(0, factor*price*q-price*allowance)
}

func addAllowance(a, b Allowance) Allowance {
	return Allowance{
		Requests:    a.Requests + b.Requests,
		GBSeconds:   a.GBSeconds + b.GBSeconds,
		GiBSeconds:  a.GiBSeconds + b.GiBSeconds,
		VCPUSeconds: a.VCPUSeconds + b.VCPUSeconds,
		GHzSeconds:  a.GHzSeconds + b.GHzSeconds,
		CPUMS:       a.CPUMS + b.CPUMS,
	}
}
