package emulator

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// Errors acquire returns; the server turns them into status codes.
var (
	errThrottled    = errors.New("max instances reached")
	errQueueTimeout = errors.New("queue timeout: no instance became free")
	errClosed       = errors.New("emulator closed")
)

// instance is one function instance and its bookkeeping; fields are guarded by pool.mu.
type instance struct {
	id          string
	proc        *process
	ready       bool
	gone        bool // expired or dead: never picked again
	inflight    int
	requests    int
	readyAt     time.Time
	lastUsed    time.Time
	keepAlive   time.Duration // scaled, jitter included; ≤ 0: forever
	initMS      float64       // measured: process start to answering
	initDelayMS float64       // the drawn extra init delay (scaled)
	prewarmed   bool
}

// lease is one request's use of an instance.
type lease struct {
	inst                *instance
	cold, prewarmed     bool
	queued              time.Duration // waited for an instance (queue mode)
	requests            int           // the instance's count including this one
	sinceInit           time.Duration
	initMS, initDelayMS float64
}

// pool places requests on instances. Safe for concurrent use.
type pool struct {
	cfg     Config
	handler []string
	init    InitDelay
	now     func() time.Time
	// onStopped runs after an instance process stopped (the proxy drops its idle
	// connections, so a later instance on a reused port never gets a stale one).
	onStopped func()
	// afterColdStart, when set (tests only), runs after a cold start returns its
	// lease and before the request is forwarded.
	afterColdStart func()

	mu      sync.Mutex
	rng     *rand.Rand
	insts   map[string]*instance
	live    int // starting or ready, not gone
	nextID  int
	changed chan struct{} // closed and replaced whenever capacity may have freed
	closed  bool
	spawns  sync.WaitGroup // starts and stops in progress
	ctx     context.Context
	cancel  context.CancelFunc
}

func newPool(cfg Config, handler []string, init InitDelay) *pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &pool{
		cfg: cfg, handler: handler, init: init, now: time.Now,
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		insts:   map[string]*instance{},
		changed: make(chan struct{}),
		ctx:     ctx, cancel: cancel,
	}
}

// acquire finds a warm instance, starts a new one (a cold start, done in the caller's
// goroutine), or waits/throttles at the cap.
func (p *pool) acquire(ctx context.Context) (lease, error) {
	arrive := p.now()
	var timeout <-chan time.Time
	var queued time.Duration // > 0 once the request had to wait
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return lease{}, errClosed
		}
		if timeout != nil {
			queued = max(p.now().Sub(arrive), time.Nanosecond)
		}
		if inst := p.pickLocked(p.now()); inst != nil {
			l := p.leaseLocked(inst, queued)
			p.mu.Unlock()
			return l, nil
		}
		if p.live < p.cfg.MaxInstances {
			inst := p.reserveLocked()
			p.mu.Unlock()
			return p.coldStart(ctx, inst, queued)
		}
		if !p.cfg.Queue {
			p.mu.Unlock()
			return lease{}, errThrottled
		}
		ch := p.changed
		p.mu.Unlock()
		if timeout == nil {
			t := time.NewTimer(p.cfg.scale(p.cfg.QueueTimeout))
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ch:
		case <-timeout:
			return lease{}, errQueueTimeout
		case <-ctx.Done():
			return lease{}, ctx.Err()
		}
	}
}

// pickLocked expires idle or dead instances and returns the most recently used ready
// instance with spare capacity, or nil.
func (p *pool) pickLocked(now time.Time) *instance {
	var best *instance
	for _, in := range p.insts {
		if !in.ready || in.gone {
			continue
		}
		if p.expiredLocked(in, now) {
			continue
		}
		if in.inflight < p.cfg.PerInstanceConcurrency && (best == nil || in.lastUsed.After(best.lastUsed)) {
			best = in
		}
	}
	return best
}

// expiredLocked retires in (and starts stopping it) when it is idle past its
// keep-alive or lifetime, or its process died.
func (p *pool) expiredLocked(in *instance, now time.Time) bool {
	why := expiry(in.proc.exited(), in.inflight, now.Sub(in.lastUsed), now.Sub(in.readyAt),
		in.keepAlive, p.cfg.scale(p.cfg.MaxLifetime))
	if why == "" {
		return false
	}
	p.retireLocked(in)
	return true
}

// expiry says why an instance must go ("dead", "keep-alive", "lifetime") or "" when it
// stays: a busy instance is never stopped for age; keepAlive or lifetime ≤ 0 is no limit.
// A pure function of elapsed times.
func expiry(dead bool, inflight int, idle, age, keepAlive, lifetime time.Duration) string {
	switch {
	case dead:
		return "dead"
	case inflight > 0:
		return ""
	case keepAlive > 0 && idle >= keepAlive:
		return "keep-alive"
	case lifetime > 0 && age >= lifetime:
		return "lifetime"
	}
	return ""
}

// retireLocked removes in from service and stops its process in the background.
func (p *pool) retireLocked(in *instance) {
	if in.gone {
		return
	}
	in.gone = true
	p.live--
	delete(p.insts, in.id)
	p.broadcastLocked()
	if in.proc != nil {
		p.spawns.Add(1)
		go func() {
			defer p.spawns.Done()
			in.proc.stop()
			if p.onStopped != nil {
				p.onStopped()
			}
		}()
	}
}

func (p *pool) broadcastLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// leaseLocked hands in to a request that waited queued in the queue (0: did not wait).
func (p *pool) leaseLocked(in *instance, queued time.Duration) lease {
	in.inflight++
	in.requests++
	return lease{inst: in, requests: in.requests, cold: in.requests == 1, prewarmed: in.prewarmed && in.requests == 1,
		sinceInit: p.now().Sub(in.readyAt), initMS: in.initMS, initDelayMS: in.initDelayMS, queued: queued}
}

// reserveLocked creates a starting instance counted against the cap.
func (p *pool) reserveLocked() *instance {
	p.nextID++
	ka := p.cfg.KeepAlive
	if ka > 0 && p.cfg.KeepAliveJitter > 0 {
		ka += time.Duration(p.rng.Int64N(int64(p.cfg.KeepAliveJitter) + 1))
	}
	in := &instance{id: fmt.Sprintf("i-%04d", p.nextID), keepAlive: p.cfg.scale(ka),
		initDelayMS: float64(p.cfg.scale(p.init.Sample(p.rng))) / 1e6}
	p.insts[in.id] = in
	p.live++
	p.spawns.Add(1)
	return in
}

// coldStart starts the reserved instance's process and leases it to the caller.
func (p *pool) coldStart(ctx context.Context, in *instance, queued time.Duration) (lease, error) {
	defer p.spawns.Done()
	var l lease
	// Leased in the same critical section that makes it ready: otherwise another
	// request could pick the fresh instance first, and the requester that started it
	// would share it beyond its concurrency, with truth and function disagreeing on
	// which request was the cold one.
	if err := p.spawn(ctx, in, func() { l = p.leaseLocked(in, queued) }); err != nil {
		return lease{}, err
	}
	if p.afterColdStart != nil {
		p.afterColdStart()
	}
	return l, nil
}

// spawn runs the process start; on failure the slot is freed. claim, when not nil,
// runs under the pool lock as the instance becomes ready, before any other request
// can see it.
func (p *pool) spawn(ctx context.Context, in *instance, claim func()) error {
	start := p.now()
	sctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel) // the requester left: give up the start
	defer stop()
	proc, err := startProcess(sctx, spawnSpec{handler: p.handler, timeScale: p.cfg.TimeScale, instance: in.id,
		initDelay: time.Duration(in.initDelayMS * 1e6), ready: p.cfg.ReadyTimeout})
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		in.gone = true
		p.live--
		delete(p.insts, in.id)
		p.broadcastLocked()
		return fmt.Errorf("cold start %s: %w", in.id, err)
	}
	now := p.now()
	in.proc, in.ready, in.readyAt, in.lastUsed = proc, true, now, now
	in.initMS = float64(now.Sub(start).Microseconds()) / 1e3
	if p.closed {
		p.retireLocked(in)
		return errClosed
	}
	if claim != nil {
		claim()
	}
	return nil
}

// prewarm starts n instances ahead of traffic and waits for them.
func (p *pool) prewarm(n int) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		p.mu.Lock()
		in := p.reserveLocked()
		in.prewarmed = true
		p.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer p.spawns.Done()
			errs[i] = p.spawn(p.ctx, in, nil)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// release returns a lease; the instance's idle clock starts now.
func (p *pool) release(l lease) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l.inst.inflight--
	l.inst.lastUsed = p.now()
	if l.inst.proc.exited() && !l.inst.gone {
		p.retireLocked(l.inst)
	}
	p.broadcastLocked()
}

// reap stops every instance idle past its keep-alive or lifetime (scale to zero).
func (p *pool) reap() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for _, in := range p.insts {
		if in.ready && !in.gone {
			p.expiredLocked(in, now)
		}
	}
}

// liveCount returns how many instances are starting or ready.
func (p *pool) liveCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.live
}

// close stops every instance and waits for every start and stop to finish.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.spawns.Wait()
		return
	}
	p.closed = true
	p.cancel()
	for _, in := range p.insts {
		if in.ready {
			p.retireLocked(in)
		}
	}
	p.mu.Unlock()
	p.spawns.Wait()
}

// drawFaults decides a request's injected faults: "error", "timeout" or "", and slow.
func (p *pool) drawFaults() (fault string, slow bool) {
	if p.cfg.ErrorRate == 0 && p.cfg.TimeoutRate == 0 && p.cfg.SlowRate == 0 {
		return "", false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.rng.Float64()
	switch {
	case u < p.cfg.ErrorRate:
		fault = "error"
	case u < p.cfg.ErrorRate+p.cfg.TimeoutRate:
		fault = "timeout"
	}
	return fault, p.rng.Float64() < p.cfg.SlowRate
}

// pids returns the process ids of the instances starting or ready now, sorted.
func (p *pool) pids() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for _, in := range p.insts {
		if in.proc != nil && in.proc.cmd.Process != nil {
			out = append(out, in.proc.cmd.Process.Pid)
		}
	}
	slices.Sort(out)
	return out
}
