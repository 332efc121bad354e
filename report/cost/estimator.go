package cost

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/thaw-dev/thaw/results"
)

// Estimator prices a run one sample at a time, so one read of the samples can feed it
// alongside other consumers (the whole-run pass). Samples may come in any order;
// memory does not grow with their number (see instanceTime). It is not safe for
// concurrent use.
type Estimator struct {
	e    *Entry
	p    results.Pricing
	acc  accumulator
	inst *instanceTime // instance-billed models only
	pack *packer       // instance-billed, requests without ids, pricing.instance_concurrency > 1
}

// NewEstimator looks up p's model in cat; an unknown model, or a pricing the model
// cannot have (Catalog.Check), is an error.
func NewEstimator(cat Catalog, p results.Pricing) (*Estimator, error) {
	e, err := cat.Lookup(p.Model)
	if err != nil {
		return nil, err
	}
	if probs := e.Check(p); len(probs) > 0 {
		errs := make([]error, len(probs))
		for i, pr := range probs {
			errs[i] = pr
		}
		return nil, errors.Join(errs...)
	}
	x := &Estimator{e: e, p: p}
	if e.Billing == BillInstance {
		x.inst = newInstanceTime(e.IntervalRoundingMS)
		if p.InstanceConcurrency > 1 {
			x.pack = newPacker(p.InstanceConcurrency, newInstanceTime(e.IntervalRoundingMS))
		}
	}
	return x, nil
}

type accumulator struct {
	n, cold, warm                 int64
	fromServer, fromCPU           int64
	timeouts, notBilled, restores int64
	noInstance, packed            int64
	all, coldU, warmU             Units
	ownU                          Units   // packed requests, each as its own instance: the upper bound
	rawCold, rawWarm, rawOther    float64 // instance billing: billed ms of requests on known instances, by class
	maxObservedMB                 float64
}

// Add prices one sample (with its final verdict).
func (x *Estimator) Add(s *results.Sample) {
	a, e := &x.acc, x.e
	if !billed(s) {
		a.notBilled++
		return
	}
	dur, from := billedDuration(e, s, x.timeoutMS())
	switch from {
	case FromServerTime:
		a.fromServer++
	case FromCPU:
		a.fromCPU++
	}
	if s.Error == results.ErrTimeout {
		a.timeouts++
	}
	a.maxObservedMB = math.Max(a.maxObservedMB, s.MaxMemoryMB)
	mem := e.MemoryMB(x.p, s.MaxMemoryMB)
	u := Units{Requests: 1}
	if x.p.SnapStart && s.Class == results.Cold {
		u.RestoreGB = mem / 1024
		a.restores++
	}
	ms := e.BilledMS(dur)
	switch {
	case x.inst == nil:
		u = u.Add(e.busyUnits(ms, mem, x.p))
	case s.Instance == "" && x.pack == nil:
		a.noInstance++ // its own instance: an upper bound
		u = u.Add(e.busyUnits(roundUp(ms, e.IntervalRoundingMS), mem, x.p))
	default:
		from := float64(s.Start.UnixNano())/1e6 + s.DNSMS + s.ConnectMS + s.TLSMS
		if s.Instance == "" {
			a.packed++
			a.ownU = a.ownU.Add(e.busyUnits(roundUp(ms, e.IntervalRoundingMS), mem, x.p))
			x.pack.add(from, from+ms)
		} else {
			x.inst.add(s.Instance, from, from+ms)
		}
		switch s.Class {
		case results.Cold:
			a.rawCold += ms
		case results.Warm:
			a.rawWarm += ms
		default:
			a.rawOther += ms
		}
	}
	a.n++
	a.all = a.all.Add(u)
	switch s.Class {
	case results.Cold:
		a.cold++
		a.coldU = a.coldU.Add(u)
	case results.Warm:
		a.warm++
		a.warmU = a.warmU.Add(u)
	}
}

// billed reports whether the platform bills the invocation: not when it was
// throttled, nor when the request never reached the function.
func billed(s *results.Sample) bool {
	switch {
	case s.Error == results.ErrThrottled || s.Status == 429:
		return false
	case s.Error == results.ErrTimeout:
		return true
	case s.Status == 0 && s.Error != "":
		return false
	}
	return true
}

func (x *Estimator) timeoutMS() float64 {
	if x.p.TimeoutMS > 0 {
		return float64(x.p.TimeoutMS)
	}
	return x.e.DefaultTimeoutMS
}

// billedDuration is the duration to bill for s and where it came from.
func billedDuration(e *Entry, s *results.Sample, timeoutMS float64) (float64, string) {
	cold := s.Class == results.Cold
	switch {
	case s.BilledMS > 0:
		return s.BilledMS, FromPlatform
	case s.PlatformDurMS > 0:
		d := s.PlatformDurMS
		if cold && e.BillsInit {
			d += s.InitMS
		}
		return d, FromPlatform
	case e.CPUMSPerMillionUSD > 0 && hasCPU(s):
		return cpuMS(s), FromCPU
	case s.Error == results.ErrTimeout:
		return math.Max(s.LatencyMS, timeoutMS), FromServerTime
	}
	d := s.ServerMS()
	if cold && !e.BillsInit && s.InitMS < d {
		d -= s.InitMS
	}
	return d, FromServerTime
}

// CPUHeaders are the response headers a function reports its CPU time in, in
// milliseconds (extensions/functions); Sample.CPUMS, when set, wins.
var CPUHeaders = []string{"X-Function-Cpu-Ms", "X-Thaw-Cpu-Ms"}

func hasCPU(s *results.Sample) bool {
	_, ok := cpuHeader(s)
	return s.CPUMS > 0 || ok
}

func cpuMS(s *results.Sample) float64 {
	if s.CPUMS > 0 {
		return s.CPUMS
	}
	v, _ := cpuHeader(s)
	return v
}

func cpuHeader(s *results.Sample) (float64, bool) {
	if s.Evidence == nil {
		return 0, false
	}
	for _, h := range CPUHeaders {
		if v, err := strconv.ParseFloat(s.Evidence.Headers[h], 64); err == nil && v >= 0 {
			return v, true
		}
	}
	return 0, false
}

func roundUp(ms, step float64) float64 {
	if step <= 0 {
		return ms
	}
	return math.Ceil(ms/step-1e-9) * step
}

// Close returns the estimate over every sample added (see Estimate).
func (x *Estimator) Close() (*results.Cost, error) {
	a, e, p := &x.acc, x.e, x.p
	if a.n == 0 && a.notBilled == 0 {
		return nil, errors.New("cost: no invocation the platform bills: nothing to price")
	}
	if a.n == 0 { // every request throttled or unreached: the platform bills nothing
		return &results.Cost{Model: e.Model, BilledFrom: FromPlatform, Billing: BillRequest, NotBilled: a.notBilled,
			Source: fmt.Sprintf("%s (read %s)", e.Source, e.Read), Notes: a.notes(e, x.timeoutMS(), false)}, nil
	}
	var upper float64 // per million, packed requests each on its own instance
	if x.inst != nil {
		mem := e.MemoryMB(p, a.maxObservedMB)
		busy := e.busyUnits(x.inst.total(), mem, p)
		if x.pack != nil && a.packed > 0 {
			x.pack.finish()
			upper = e.Price(a.all.Add(busy).Add(a.ownU), p, Marginal) / float64(a.n) * 1e6
			busy = busy.Add(e.busyUnits(x.pack.out.total(), mem, p))
		}
		a.all = a.all.Add(busy)
		if raw := a.rawCold + a.rawWarm + a.rawOther; raw > 0 {
			a.coldU = a.coldU.Add(busy.Scale(a.rawCold / raw))
			a.warmU = a.warmU.Add(busy.Scale(a.rawWarm / raw))
		}
	}
	c := a.cost(e, p)
	c.Billing = BillRequest
	if x.inst != nil {
		c.Billing = BillInstance
		if a.packed > 0 {
			c.Billing = BillInstanceEstimate
		}
		if a.noInstance > 0 {
			c.Billing = BillInstanceUpperBound
		}
	}
	c.Region = p.Region
	if c.Region == "" {
		c.Region = e.Region
	}
	c.Notes = a.notes(e, x.timeoutMS(), x.inst != nil)
	if a.packed > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("estimate: %d requests had no instance id; they were packed %d at a time (pricing.instance_concurrency) onto the fewest instances that allows. The platform may spread them wider: with one instance each, $%.2f per million (the upper bound)",
			a.packed, p.InstanceConcurrency, upper))
	}
	if p.WarmInstances > 0 && e.Warm != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("%d warm instances (%s) add $%.2f a month; requests they serve are priced at the on-demand rate, an upper bound",
			p.WarmInstances, e.Warm.Title, e.WarmMonthlyUSD(p)))
	}
	return c, nil
}

func (a *accumulator) cost(e *Entry, p results.Pricing) *results.Cost {
	total := e.Price(a.all, p, Marginal)
	coldUSD := e.Price(a.coldU, p, Marginal)
	c := &results.Cost{
		Model:            e.Model,
		PerInvocationUSD: total / float64(a.n),
		PerMillionUSD:    total / float64(a.n) * 1e6,
		BilledFrom:       FromPlatform,
		Source:           fmt.Sprintf("%s (read %s)", e.Source, e.Read),
		Timeouts:         a.timeouts,
		NotBilled:        a.notBilled,
		Restores:         a.restores,
	}
	switch {
	case a.fromServer > 0:
		c.BilledFrom = FromServerTime
	case a.fromCPU > 0:
		c.BilledFrom = FromCPU
	}
	if a.cold > 0 {
		c.ColdPerMillionUSD = coldUSD / float64(a.cold) * 1e6
	}
	if a.warm > 0 {
		c.WarmPerMillionUSD = e.Price(a.warmU, p, Marginal) / float64(a.warm) * 1e6
	}
	if total > 0 {
		c.ColdShare = coldUSD / total
	}
	c.WarmMonthlyUSD = e.WarmMonthlyUSD(p)
	if p.MonthlyInvocations > 0 {
		c.MonthlyInvocations = p.MonthlyInvocations
		c.MonthlyUSD = e.Price(a.all.Scale(float64(p.MonthlyInvocations)/float64(a.n)), p, Monthly) + c.WarmMonthlyUSD
	}
	return c
}

// notes says in words what the figure assumes, for the report and the terminal.
func (a *accumulator) notes(e *Entry, timeoutMS float64, instance bool) []string {
	var out []string
	if a.fromServer > 0 {
		what := "duration"
		if e.CPUMSPerMillionUSD > 0 {
			what = "CPU time (report it as X-Thaw-Cpu-Ms, see extensions/functions)"
		}
		out = append(out, fmt.Sprintf("upper bound: %d of %d requests had no platform %s, so their wall time was priced", a.fromServer, a.n, what))
	}
	if a.noInstance > 0 {
		out = append(out, fmt.Sprintf("upper bound: %s bills instance time but %d requests had no instance id; each was priced as its own instance", e.Model, a.noInstance))
	}
	if instance && a.noInstance < a.n {
		out = append(out, "instance time: concurrent requests on one instance share it; the monthly projection assumes the run's sharing")
	}
	if a.timeouts > 0 {
		out = append(out, fmt.Sprintf("%d timed-out requests billed up to the function timeout (%.0f ms)", a.timeouts, timeoutMS))
	}
	if a.notBilled > 0 {
		out = append(out, fmt.Sprintf("%d throttled or unreached requests not billed", a.notBilled))
	}
	return out
}
