package cost

import "github.com/thaw-dev/thaw/results"

// SecondsPerMonth is the month warm capacity is priced over: 730 hours, the month the
// providers' pricing pages and calculators use.
const SecondsPerMonth = 730 * 3600

func (e *Entry) restoreGBUSD() float64 {
	if e.SnapStart == nil {
		return 0
	}
	return e.SnapStart.RestoreGBUSD
}

// WarmInstanceSecondUSD is what holding one warm instance costs per second under p,
// whether it serves requests or not: Lambda provisioned concurrency, Cloud Run minimum
// instances at the idle rate, Azure Flex always-ready baseline. 0 when the model has
// no warm capacity.
func (e *Entry) WarmInstanceSecondUSD(p results.Pricing) float64 {
	w := e.Warm
	if w == nil {
		return 0
	}
	mem := e.MemoryMB(p, 0)
	usd := byArch(w.GBSecondUSD, p.Arch, e.DefaultArch) * mem / 1024
	usd += w.GiBSecondUSD * mem / 1024
	usd += w.VCPUSecondUSD * e.vcpu(p)
	return usd * e.regionFactor(p.Region)
}

// WarmMonthlyUSD is the monthly cost of p.WarmInstances warm instances and, with
// p.SnapStart, of keeping the snapshot cached.
func (e *Entry) WarmMonthlyUSD(p results.Pricing) float64 {
	usd := float64(p.WarmInstances) * e.WarmInstanceSecondUSD(p) * SecondsPerMonth
	if p.SnapStart && e.SnapStart != nil {
		usd += e.SnapStart.CacheGBSecondUSD * e.MemoryMB(p, 0) / 1024 * SecondsPerMonth
	}
	return usd
}

func byArch(m map[string]float64, arch, def string) float64 {
	if arch == "" {
		arch = def
	}
	if v, ok := m[arch]; ok {
		return v
	}
	if v, ok := m["any"]; ok {
		return v
	}
	return m[def]
}

// WarmRequestUSD is the price of one request of durationMS served by warm capacity:
// the request fee plus its duration at the warm execution rate where the model has one
// (Lambda provisioned concurrency, Azure Flex always-ready); elsewhere (Cloud Run
// minimum instances bill active time at the usual rate) the on-demand price.
func (e *Entry) WarmRequestUSD(durationMS float64, p results.Pricing) float64 {
	if e.Warm == nil || len(e.Warm.ExecGBSecondUSD) == 0 {
		return e.Price(e.Units(Invocation{DurationMS: durationMS}, p), p, Marginal)
	}
	gbs := e.MemoryMB(p, 0) / 1024 * e.BilledMS(durationMS) / 1000
	return e.RequestsPerMillionUSD/1e6 + gbs*byArch(e.Warm.ExecGBSecondUSD, p.Arch, e.DefaultArch)*e.regionFactor(p.Region)
}
