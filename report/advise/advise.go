// Package advise answers "what do warm instances buy me?": from a run's measured
// keep-alive, cold and warm latency and pricing, and a description of the traffic, it
// computes for 0..N warm instances (Lambda provisioned concurrency, Cloud Run minimum
// instances, Azure Flex always-ready) the expected share of requests that hit a cold
// start and the monthly cost, and the break-even of each added instance.
//
// The arithmetic, for Poisson arrivals at rate λ per second, keep-alive K seconds,
// warm and cold service times Sw and Sc seconds, one request per instance at a time:
//
//   - With no warm instances, a request reuses the instance the previous request used,
//     which became idle when that request ended. Arrivals are memoryless, so the gap
//     from one arrival to the next is exponential with rate λ. The request is cold when
//     the gap exceeds K plus the previous request's service time S (the instance idled
//     past the keep-alive), or is shorter than S (the instance is still busy) and no
//     other instance is idle. At sparse rates (λK ≤ 1) there is rarely another; at
//     dense ones about λK instances are kept alive, so that chance is taken as
//     f = min(1, 1/(λK)), an approximation the tests check against a simulated pool.
//     So A(S) = e^(−λ(K+S)) + f·(1 − e^(−λS)): Aw = A(Sw) after a warm request,
//     Ac = A(Sc) after a cold one. The cold share P is the fixed point
//     P = (1−P)·Aw + P·Ac, that is P(cold | 0) = Aw / (1 + Aw − Ac). With instant
//     service it is e^(−λK), the chance that an instance idles past the keep-alive.
//   - With N warm instances, a request is served warm by one of them unless all N are
//     busy. Treating them as an N-server loss system offered a = λ·Sw erlangs, the
//     chance they are all busy is Erlang B, B(N, a) (by the recursion B(0) = 1,
//     B(n) = a·B(n−1) / (n + a·B(n−1))). The overflow, rate λ·B, goes to on-demand
//     instances, cold as above at that rate: P(cold | N) = B(N, a) · P(cold | 0; λ·B).
//   - A daily profile (requests per second by hour) averages P(cold | N) over the hours,
//     weighted by each hour's requests.
//
// Monthly cost (730 hours): requests × (share served by the warm capacity × its
// request price + share warm on demand × the on-demand price + P × the cold request
// price) + N × the price of holding one warm instance for the month. The warm capacity
// serves 1 − B(N, a) of the requests (Lambda provisioned concurrency and Azure Flex
// always-ready bill them at a lower execution rate).
//
// Nothing here is safe for concurrent mutation; functions are pure.
package advise

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
)

// Traffic describes the load to advise for: a constant Poisson rate, a daily profile
// of 24 hourly Poisson rates (requests per second, in scenario time), or a trace of
// arrival times replayed through a simulated pool (Simulate).
type Traffic struct {
	RPS     float64
	Profile []float64 // 24 hourly rates; when set, RPS is ignored
	Trace   []float64 // arrival times in seconds, sorted; when set, RPS and Profile are ignored
}

// hours returns the traffic as (rate, weight in hours) pairs over one day.
func (t Traffic) hours() ([]float64, error) {
	if len(t.Trace) > 0 {
		if len(t.Trace) < 2 || t.Trace[len(t.Trace)-1] <= t.Trace[0] {
			return nil, errors.New("trace: want at least two arrivals over a positive span")
		}
		return []float64{float64(len(t.Trace)) / (t.Trace[len(t.Trace)-1] - t.Trace[0])}, nil
	}
	if len(t.Profile) > 0 {
		if len(t.Profile) != 24 {
			return nil, fmt.Errorf("daily profile: %d rates, want 24 (one per hour)", len(t.Profile))
		}
		for i, r := range t.Profile {
			if r < 0 || math.IsNaN(r) {
				return nil, fmt.Errorf("daily profile: hour %d: rate %g must not be negative", i, r)
			}
		}
		return t.Profile, nil
	}
	if t.RPS <= 0 || math.IsNaN(t.RPS) {
		return nil, errors.New("traffic: --rps must be positive (or give a daily profile)")
	}
	return []float64{t.RPS}, nil
}

// Inputs are what a run measured (times in scenario time, milliseconds) and how it is
// priced.
type Inputs struct {
	KeepAliveMS   float64
	WarmLatencyMS float64 // service time of a warm request
	ColdLatencyMS float64 // service time of a cold request (init included)
	// ColdQuantilesMS, when set, are equally likely cold service times (e.g. the cold
	// latency's 5th, 15th, …, 95th percentiles): a long tail of slow cold starts makes
	// more requests arrive while an instance is still starting, which the mean hides.
	ColdQuantilesMS []float64
	InitMS          float64 // init time billed on a cold start, when the model bills init
	Pricing         results.Pricing
}

// Row is the advice for one number of warm instances.
type Row struct {
	Warm            int     `json:"warm_instances"`
	ColdShare       float64 `json:"cold_share"`         // expected fraction of requests that are cold
	OnWarmShare     float64 `json:"on_warm_share"`      // expected fraction served by the warm capacity
	ColdPerMonth    float64 `json:"cold_per_month"`     // expected cold starts a month
	MonthlyUSD      float64 `json:"monthly_usd"`        // requests + duration + warm capacity
	WarmUSD         float64 `json:"warm_usd"`           // the warm capacity alone
	AddedUSD        float64 `json:"added_usd"`          // this instance's extra monthly cost over N−1
	ColdRemoved     float64 `json:"cold_removed"`       // cold starts a month it removes over N−1
	USDPerColdSaved float64 `json:"usd_per_cold_saved"` // AddedUSD / ColdRemoved
}

// Advice is the whole table and what it assumed.
type Advice struct {
	Model           string   `json:"model"`
	KeepAliveMS     float64  `json:"keep_alive_ms"`
	WarmLatencyMS   float64  `json:"warm_latency_ms"`
	ColdLatencyMS   float64  `json:"cold_latency_ms"`
	RequestsMonthly float64  `json:"requests_monthly"`
	PerWarmUSD      float64  `json:"per_warm_instance_monthly_usd"`
	Rows            []Row    `json:"rows"`
	Notes           []string `json:"notes,omitempty"`
}

// ErlangB is the chance that all n servers are busy when offered a erlangs.
func ErlangB(n int, a float64) float64 {
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// ColdShare is P(cold | n warm instances) for Poisson arrivals at rps, keep-alive
// keepAliveS and warm and cold service times warmS and coldS (see the package doc).
func ColdShare(rps, keepAliveS, warmS, coldS float64, n int) float64 {
	return ColdShareDist(rps, keepAliveS, warmS, []float64{coldS}, n)
}

// ColdShareDist is ColdShare with the cold service time drawn from coldS (equally
// likely values, seconds): Ac is averaged over them.
func ColdShareDist(rps, keepAliveS, warmS float64, coldS []float64, n int) float64 {
	if rps <= 0 || len(coldS) == 0 {
		return 0
	}
	b := ErlangB(n, rps*warmS)
	l := rps * b
	f := 1.0
	if l*keepAliveS > 1 {
		f = 1 / (l * keepAliveS)
	}
	after := func(s float64) float64 { return math.Exp(-l*(keepAliveS+s)) + f*(1-math.Exp(-l*s)) }
	aw, ac := after(warmS), 0.0
	for _, s := range coldS {
		ac += after(s) / float64(len(coldS))
	}
	return b * aw / (1 + aw - ac)
}

// Advise computes the table for 0..maxWarm warm instances.
func Advise(e *cost.Entry, in Inputs, tr Traffic, maxWarm int) (*Advice, error) {
	rates, err := tr.hours()
	if err != nil {
		return nil, err
	}
	if in.KeepAliveMS <= 0 {
		return nil, errors.New("advise: no keep-alive estimate (run an idle phase, or give --keep-alive)")
	}
	if maxWarm < 0 {
		return nil, errors.New("advise: --max-warm must not be negative")
	}
	if probs := e.Check(in.Pricing); len(probs) > 0 {
		return nil, probs[0]
	}
	mean := 0.0
	for _, r := range rates {
		mean += r / float64(len(rates))
	}
	perMonth := mean * cost.SecondsPerMonth
	warmUSD := e.Price(e.Units(cost.Invocation{DurationMS: in.WarmLatencyMS}, in.Pricing), in.Pricing, cost.Marginal)
	onWarmUSD := e.WarmRequestUSD(in.WarmLatencyMS, in.Pricing)
	coldMS := in.ColdLatencyMS
	if coldMS <= 0 {
		coldMS = in.WarmLatencyMS + in.InitMS
	}
	coldUSD := e.Price(e.Units(cost.Invocation{DurationMS: coldMS}, in.Pricing), in.Pricing, cost.Marginal)
	per := e.WarmInstanceSecondUSD(in.Pricing) * cost.SecondsPerMonth
	a := &Advice{Model: e.Model, KeepAliveMS: in.KeepAliveMS, WarmLatencyMS: in.WarmLatencyMS,
		ColdLatencyMS: coldMS, RequestsMonthly: perMonth, PerWarmUSD: per}
	keepS, warmS, coldS := in.KeepAliveMS/1000, in.WarmLatencyMS/1000, coldMS/1000
	coldDist := []float64{coldS}
	if len(in.ColdQuantilesMS) > 0 {
		coldDist = make([]float64, len(in.ColdQuantilesMS))
		for i, q := range in.ColdQuantilesMS {
			coldDist[i] = q / 1000
		}
	}
	for n := 0; n <= maxWarm; n++ {
		share, onWarm := 0.0, 0.0
		switch {
		case len(tr.Trace) > 0:
			share, onWarm = SimulateShares(tr.Trace, keepS, warmS, coldDist, n)
		case mean > 0:
			for _, r := range rates {
				w := r / mean / float64(len(rates))
				share += w * ColdShareDist(r, keepS, warmS, coldDist, n)
				if n > 0 {
					onWarm += w * (1 - ErlangB(n, r*warmS))
				}
			}
		}
		row := Row{Warm: n, ColdShare: share, OnWarmShare: onWarm, ColdPerMonth: share * perMonth, WarmUSD: float64(n) * per}
		onDemandWarm := math.Max(0, 1-share-onWarm)
		row.MonthlyUSD = perMonth*(onWarm*onWarmUSD+onDemandWarm*warmUSD+share*coldUSD) + row.WarmUSD
		if n > 0 {
			prev := a.Rows[n-1]
			row.AddedUSD = row.MonthlyUSD - prev.MonthlyUSD
			row.ColdRemoved = prev.ColdPerMonth - row.ColdPerMonth
			if row.ColdRemoved > 0 {
				row.USDPerColdSaved = row.AddedUSD / row.ColdRemoved
			}
		}
		a.Rows = append(a.Rows, row)
	}
	if e.Warm == nil {
		a.Notes = append(a.Notes, fmt.Sprintf("%s has no warm capacity to buy: rows above 0 show what it would remove at no price", e.Model))
	} else {
		a.Notes = append(a.Notes, fmt.Sprintf("warm capacity priced as %s (%s, read %s); requests it serves at $%.2f per million",
			e.Warm.Title, e.Warm.Source, e.Warm.Read, onWarmUSD*1e6))
	}
	return a, nil
}

// Simulate replays arrivals (seconds, sorted) against a pool and returns the share that
// were cold: n warm instances that never expire, and on-demand instances that stop
// keepAliveS after their last request ended. A request takes a free warm instance, else
// the most recently used free on-demand one, else starts a new one (cold, busy for the
// next of coldS in turn); a warm request keeps its instance busy for warmS.
func Simulate(arrivals []float64, keepAliveS, warmS float64, coldS []float64, n int) float64 {
	cold, _ := SimulateShares(arrivals, keepAliveS, warmS, coldS, n)
	return cold
}

// SimulateShares is Simulate that also returns the share served by the warm instances.
func SimulateShares(arrivals []float64, keepAliveS, warmS float64, coldS []float64, n int) (cold, onWarm float64) {
	if len(arrivals) == 0 || len(coldS) == 0 {
		return 0, 0
	}
	reserved := make([]float64, n) // busy until
	var onDemand []float64         // busy until; idle since, once past
	colds, warms := 0, 0
	for _, t := range arrivals {
		if k := slices.IndexFunc(reserved, func(b float64) bool { return b <= t }); k >= 0 {
			reserved[k] = t + warmS
			warms++
			continue
		}
		onDemand = slices.DeleteFunc(onDemand, func(b float64) bool { return t-b >= keepAliveS })
		best := -1
		for k, b := range onDemand {
			if b <= t && (best < 0 || b > onDemand[best]) {
				best = k
			}
		}
		if best >= 0 {
			onDemand[best] = t + warmS
			continue
		}
		onDemand = append(onDemand, t+coldS[colds%len(coldS)])
		colds++
	}
	return float64(colds) / float64(len(arrivals)), float64(warms) / float64(len(arrivals))
}
