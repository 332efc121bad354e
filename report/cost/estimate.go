package cost

import (
	"errors"
	"fmt"

	"github.com/thaw-dev/thaw/results"
)

// Where a billed duration came from (results.Cost.BilledFrom).
const (
	FromPlatform   = "platform"    // the platform reported the billed (or function) duration
	FromServerTime = "server_time" // server time: an upper bound (includes network round trip)
)

// Samples streams samples: it calls fn once per sample, in any order, and returns fn's
// first error. results.ReadSamples(dir, fn) has this shape.
type Samples func(fn func(*results.Sample) error) error

// Estimate prices every invocation that got a response under pricing p and returns the
// cost per invocation and per million, cold and warm separately, the share caused by
// cold starts and, when p.MonthlyInvocations is set, a monthly projection at the
// measured cold rate. Memory does not grow with the number of samples.
//
// Billed duration, per sample: the platform's billed duration when reported
// (Sample.BilledMS, which already holds the init time the platform bills); else the
// platform's function duration plus, for a cold start on a model that bills init, the
// reported init time; else server time (first byte minus connection set-up), an upper
// bound that already contains any cold start, minus the reported init time when the
// model does not bill init. BilledFrom says "platform" only when every sample had a
// platform figure.
func Estimate(cat Catalog, p results.Pricing, samples Samples) (*results.Cost, error) {
	est, err := NewEstimator(cat, p)
	if err != nil {
		return nil, err
	}
	err = samples(func(s *results.Sample) error {
		est.Add(s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cost: %w", err)
	}
	return est.Close()
}

// Estimator prices a run one sample at a time, so one read of the samples can feed it
// alongside other consumers (the whole-run pass). Memory does not grow with the number
// of samples. It is not safe for concurrent use.
type Estimator struct {
	e   *Entry
	p   results.Pricing
	acc accumulator
}

// NewEstimator looks up p's model in cat; an unknown model is an error.
func NewEstimator(cat Catalog, p results.Pricing) (*Estimator, error) {
	e, err := cat.Lookup(p.Model)
	if err != nil {
		return nil, err
	}
	return &Estimator{e: e, p: p}, nil
}

// Add prices one sample (with its final verdict).
func (x *Estimator) Add(s *results.Sample) { x.acc.add(x.e, x.p, s) }

// Close returns the estimate over every sample added (see Estimate).
func (x *Estimator) Close() (*results.Cost, error) {
	if x.acc.n == 0 {
		return nil, errors.New("cost: no invocation got a response: nothing to price")
	}
	return x.acc.cost(x.e, x.p), nil
}

type accumulator struct {
	n, cold, warm, fromServer int64
	all, coldU, warmU         Units
}

func (a *accumulator) add(e *Entry, p results.Pricing, s *results.Sample) {
	if s.Status == 0 && s.Error != "" {
		return // no response: nothing ran that we can price
	}
	dur, fromServer := billedDuration(e, s)
	if fromServer {
		a.fromServer++
	}
	u := e.Units(Invocation{DurationMS: dur, MemoryMB: s.MaxMemoryMB}, p)
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

// billedDuration is the duration to bill for s and whether it fell back to server time.
func billedDuration(e *Entry, s *results.Sample) (float64, bool) {
	cold := s.Class == results.Cold
	switch {
	case s.BilledMS > 0:
		return s.BilledMS, false
	case s.PlatformDurMS > 0:
		d := s.PlatformDurMS
		if cold && e.BillsInit {
			d += s.InitMS
		}
		return d, false
	}
	d := s.ServerMS()
	if cold && !e.BillsInit && s.InitMS < d {
		d -= s.InitMS
	}
	return d, true
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
	}
	if a.fromServer > 0 {
		c.BilledFrom = FromServerTime
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
	if p.MonthlyInvocations > 0 {
		c.MonthlyInvocations = p.MonthlyInvocations
		c.MonthlyUSD = e.Price(a.all.Scale(float64(p.MonthlyInvocations)/float64(a.n)), p, Monthly)
	}
	return c
}

// EstimateDir prices the samples of the run directory dir (samples.ndjson).
func EstimateDir(cat Catalog, p results.Pricing, dir string) (*results.Cost, error) {
	return Estimate(cat, p, func(fn func(*results.Sample) error) error {
		return results.ReadSamples(dir, fn)
	})
}
