package scenarios_test

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// fakeClock is an auto-advancing clock: Sleep moves time forward at once (plus lag for
// positive waits), so schedules run without waiting.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
	lag time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.Advance(d + c.lag)
	}
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// platform is a fake function behind a fake clock: an instance survives keepAlive of
// idleness; a cold call takes coldLatency, a warm one warmLatency. It reports a cold
// start through InitMS, which coldClassifier reads. Safe for concurrent use.
type platform struct {
	clock                    *fakeClock
	keepAlive                time.Duration
	coldLatency, warmLatency time.Duration

	mu      sync.Mutex
	lastEnd time.Time
	calls   int
	onCall  func() // called at each invocation, if set
}

func (p *platform) Invoke(_ context.Context, s *results.Sample) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.onCall != nil {
		p.onCall()
	}
	now := p.clock.Now()
	cold := p.lastEnd.IsZero() || now.Sub(p.lastEnd) > p.keepAlive
	lat := p.warmLatency
	if cold {
		lat = p.coldLatency
		s.InitMS = float64(p.coldLatency-p.warmLatency) / float64(time.Millisecond)
	}
	s.Start = now
	s.LatencyMS = float64(lat) / float64(time.Millisecond)
	s.Status = 200
	p.clock.Advance(lat)
	p.lastEnd = now.Add(lat)
}

type coldClassifier struct{}

func (coldClassifier) Classify(s *results.Sample) {
	s.Class = results.Warm
	if s.InitMS > 0 {
		s.Class = results.Cold
	}
}

// sleepInvoker sleeps for a fixed time on the real clock and records every call.
type sleepInvoker struct {
	d  time.Duration
	mu sync.Mutex
	// cancelled counts invocations whose context was cancelled when they ended.
	cancelled int
}

func (f *sleepInvoker) Invoke(ctx context.Context, s *results.Sample) {
	s.Start = time.Now()
	time.Sleep(f.d)
	s.LatencyMS = float64(time.Since(s.Start)) / float64(time.Millisecond)
	s.Status = 200
	if ctx.Err() != nil {
		f.mu.Lock()
		f.cancelled++
		f.mu.Unlock()
	}
}

// invokerFunc is short for scenarios.InvokerFunc.
type invokerFunc = scenarios.InvokerFunc

// memSink keeps every sample and phase info; failAfter > 0 makes Record fail after
// that many samples.
type memSink struct {
	mu        sync.Mutex
	samples   []*results.Sample
	phases    []string
	infos     map[string]results.PhaseInfo
	failAfter int
}

var errFull = errors.New("sink full")

func (m *memSink) Record(s *results.Sample) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failAfter > 0 && len(m.samples) >= m.failAfter {
		return errFull
	}
	m.samples = append(m.samples, s)
	return nil
}

func (m *memSink) RecordPhase(name string, info results.PhaseInfo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.infos == nil {
		m.infos = map[string]results.PhaseInfo{}
	}
	m.phases = append(m.phases, name)
	m.infos[name] = info
}

func (m *memSink) all() []*results.Sample {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*results.Sample(nil), m.samples...)
}

// scenarioOf builds a valid in-memory scenario with the given phases.
func scenarioOf(phases ...scenarios.Phase) *scenarios.Scenario {
	sc := &scenarios.Scenario{Version: 1, Name: "test", Seed: 7,
		Target: scenarios.Target{URL: "http://127.0.0.1:1/"}, Phases: phases}
	sc.ApplyDefaults()
	return sc
}

func dur(d time.Duration) scenarios.Duration { return scenarios.Duration(d) }
