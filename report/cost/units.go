package cost

import (
	"math"

	"github.com/thaw-dev/thaw/results"
)

// Units is billable usage: what a platform charges for, summed over invocations.
// Units add up, so a month's usage is a run's usage scaled.
type Units struct {
	Requests           float64
	GBSeconds          float64 // memory (GB = MB/1024) × billed seconds
	GiBSeconds         float64 // memory (GiB) × billed seconds (Cloud Run)
	VCPUSeconds        float64
	GHzSeconds         float64
	CPUMS              float64 // CPU milliseconds (Cloudflare Workers)
	EphemeralGBSeconds float64 // Lambda ephemeral storage above the free size
	RestoreGB          float64 // Lambda SnapStart: GB of memory restored from snapshots
}

// Add returns u + o.
func (u Units) Add(o Units) Units {
	return Units{
		Requests:           u.Requests + o.Requests,
		GBSeconds:          u.GBSeconds + o.GBSeconds,
		GiBSeconds:         u.GiBSeconds + o.GiBSeconds,
		VCPUSeconds:        u.VCPUSeconds + o.VCPUSeconds,
		GHzSeconds:         u.GHzSeconds + o.GHzSeconds,
		CPUMS:              u.CPUMS + o.CPUMS,
		EphemeralGBSeconds: u.EphemeralGBSeconds + o.EphemeralGBSeconds,
		RestoreGB:          u.RestoreGB + o.RestoreGB,
	}
}

// Scale returns u × f.
func (u Units) Scale(f float64) Units {
	return Units{
		Requests:           u.Requests * f,
		GBSeconds:          u.GBSeconds * f,
		GiBSeconds:         u.GiBSeconds * f,
		VCPUSeconds:        u.VCPUSeconds * f,
		GHzSeconds:         u.GHzSeconds * f,
		CPUMS:              u.CPUMS * f,
		EphemeralGBSeconds: u.EphemeralGBSeconds * f,
		RestoreGB:          u.RestoreGB * f,
	}
}

// Invocation is one invocation as the platform bills it.
type Invocation struct {
	DurationMS float64 // billed duration before rounding (init included when billed)
	MemoryMB   float64 // observed peak memory; used only by models billed on observed memory
}

// BilledMS rounds a duration the way the model bills it: at least MinimumMS, then up to
// a multiple of RoundingMS (e.g. Lambda 1 ms, Cloud Run 100 ms).
func (e *Entry) BilledMS(durationMS float64) float64 {
	d := math.Max(durationMS, e.MinimumMS)
	if e.RoundingMS > 0 {
		// A tiny epsilon keeps 120.0000000001 (float noise) from billing 121 ms.
		d = math.Ceil(d/e.RoundingMS-1e-9) * e.RoundingMS
	}
	return d
}

// MemoryMB is the memory the model bills for an invocation under p.
func (e *Entry) MemoryMB(p results.Pricing, observedMB float64) float64 {
	m := float64(p.MemoryMB)
	if e.MemoryFromObserved && observedMB > 0 {
		m = observedMB
	}
	if m <= 0 {
		m = e.DefaultMemoryMB
	}
	if e.MaxMemoryMB > 0 && m > e.MaxMemoryMB {
		m = e.MaxMemoryMB
	}
	if e.MemoryRoundingMB > 0 {
		m = math.Ceil(m/e.MemoryRoundingMB) * e.MemoryRoundingMB
	}
	return m
}

// Units is the billable usage of one invocation under pricing p.
func (e *Entry) Units(inv Invocation, p results.Pricing) Units {
	u := e.busyUnits(e.BilledMS(inv.DurationMS), e.MemoryMB(p, inv.MemoryMB), p)
	u.Requests = 1
	return u
}

// busyUnits is the billable usage of ms billed milliseconds at mem MB (no requests).
func (e *Entry) busyUnits(ms, mem float64, p results.Pricing) Units {
	sec := ms / 1000
	var u Units
	if len(e.GBSecondTiers) > 0 {
		u.GBSeconds = mem / 1024 * sec
	}
	if e.GiBSecondUSD > 0 {
		u.GiBSeconds = mem / 1024 * sec
	}
	if e.VCPUSecondUSD > 0 {
		u.VCPUSeconds = e.vcpu(p) * sec
	}
	if e.GHzSecondUSD > 0 {
		u.GHzSeconds = e.ghz(mem) * sec
	}
	if e.CPUMSPerMillionUSD > 0 {
		u.CPUMS = ms
	}
	if e.EphemeralGBSecondUSD > 0 && float64(p.EphemeralStorageMB) > e.EphemeralFreeMB {
		u.EphemeralGBSeconds = (float64(p.EphemeralStorageMB) - e.EphemeralFreeMB) / 1024 * sec
	}
	return u
}

func (e *Entry) vcpu(p results.Pricing) float64 {
	if p.VCPU > 0 {
		return p.VCPU
	}
	if e.DefaultVCPU > 0 {
		return e.DefaultVCPU
	}
	return 1
}

// ghz is the CPU clock of the smallest memory size at least mem (1st gen functions tie
// CPU to memory); above the table, the largest size's clock.
func (e *Entry) ghz(mem float64) float64 {
	best, bestMem := 0.0, math.Inf(1)
	top, topMem := 0.0, math.Inf(-1)
	for m, g := range e.GHzByMemoryMB {
		if m >= mem && m < bestMem {
			best, bestMem = g, m
		}
		if m > topMem {
			top, topMem = g, m
		}
	}
	if math.IsInf(bestMem, 1) {
		return top
	}
	return best
}
