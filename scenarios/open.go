package scenarios

import (
	"context"
	"sync"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// runOpen sends each planned arrival at its time, through a pool of workers that pace
// themselves: a worker claims the next arrival, waits for its planned time on a timer
// of its own (see sleeper), decides it (dropped, late), sends, records, and claims
// again. A request costs the worker's timer wake-up and its response, with no hand-off
// between goroutines and no goroutine or timer made per arrival. Before it sends, a
// worker that sees no other worker free to take the next arrival starts one more, so
// the pool grows to the concurrency the target needs, up to maxInFlight senders. When
// all of them are in flight, one more goroutine (the watcher, which never sends)
// waits for the arrivals meanwhile: one that finds maxInFlight requests in flight
// (sent and not yet recorded) at its planned time is dropped. Arrivals are decided in
// planned order, so sequence numbers follow it; one sent later than planned by more
// than the late tolerance is counted late. runOpen returns once every sample is
// recorded.
func (r *Runner) runOpen(ctx context.Context, phase string, sched Schedule, maxInFlight int, info *results.PhaseInfo) {
	info.OpenModel = true
	if maxInFlight <= 0 { // a scenario built in memory without ApplyDefaults
		maxInFlight = DefaultMaxInFlight
	}
	_, system := r.clock.(systemClock)
	p := &openPool{r: r, ctx: ctx, phase: phase, sched: sched, start: info.Started,
		maxInFlight: maxInFlight, info: info, serial: !system}
	p.turn.L = &p.mu
	p.mu.Lock()
	p.grow()
	p.mu.Unlock()
	p.goroutines.Wait()
	if p.watchSleeper != nil {
		p.watchSleeper.stop()
	}
}

// openPool is what the goroutines of one open-model phase share. Every field after mu
// is guarded by it.
type openPool struct {
	r           *Runner
	ctx         context.Context
	phase       string
	sched       Schedule // not always safe for concurrent use (Poisson, trace): read under mu
	start       time.Time
	maxInFlight int
	// serial makes a goroutine hold mu while it waits for its arrival: with a clock
	// other than the system clock (tests), one wait at a time keeps runs repeatable.
	serial     bool
	goroutines sync.WaitGroup

	mu      sync.Mutex
	turn    sync.Cond // broadcast, when turns > 0, as decided, held or pending change
	turns   int       // goroutines waiting in turn
	info    *results.PhaseInfo
	next    int64 // the next arrival to claim
	decided int64 // arrivals decided (sent or dropped): arrival n is decided after n-1
	idle    int   // workers not in flight: about to claim, or waiting for an arrival
	pool    int   // workers started: never more than maxInFlight
	watcher bool  // the watcher runs
	// watchSleeper is the watcher's, kept from one watcher to the next (they never
	// overlap): with a small max_in_flight a watcher may start for every request.
	watchSleeper *sleeper
	held         bool        // the watcher holds the next arrival to decide
	pending      openArrival // one the watcher found due with room left, when hasPending
	hasPending   bool
	ended        bool // the schedule has no arrival next
	stopped      bool // the run stopped (cancelled, or admit refused): nothing more is sent
}

// openArrival is a claimed arrival: its index, offset and planned time.
type openArrival struct {
	n       int64
	at      time.Duration
	planned time.Time
}

// grow starts one more worker, counted idle until it sends. Called with mu held.
func (p *openPool) grow() {
	p.pool++
	p.idle++
	p.goroutines.Add(1)
	go p.work()
}

// work is one worker's loop: claim, wait, send, until the phase ends.
func (p *openPool) work() {
	defer p.goroutines.Done()
	sl := newSleeper(p.r.clock)
	defer sl.stop()
	p.mu.Lock()
	for {
		a, reserved, ok := p.nextSend(sl)
		if !ok {
			p.idle--
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		p.r.sendReserved(p.ctx, p.phase, a.planned, openSend, reserved, nil)
		p.mu.Lock()
		p.idle++
	}
}

// nextSend decides arrivals in order until one is to be sent (ok, with its reserved
// slot) or the phase is over for this worker: the arrival the watcher left pending
// first, else the next one, once the watcher no longer holds it. Called with mu held;
// returns with it held.
func (p *openPool) nextSend(sl *sleeper) (openArrival, slot, bool) {
	for !p.stopped {
		var a openArrival
		switch {
		case p.hasPending:
			a, p.hasPending = p.pending, false
		case p.held:
			p.waitTurn()
			continue
		default:
			var ok bool
			if a, ok = p.claim(sl); !ok {
				return a, slot{}, false
			}
		}
		s, send := p.decide(a)
		if send {
			p.idle--
			p.cover()
			return a, s, true
		}
	}
	return openArrival{}, slot{}, false
}

// cover makes sure someone waits for the next arrival once a worker sends: when no
// worker is idle, one more worker, or the watcher when maxInFlight workers are
// sending. Called with mu held.
func (p *openPool) cover() {
	switch {
	case p.idle > 0 || p.ended:
	case p.pool < p.maxInFlight:
		p.grow()
	case !p.watcher:
		p.watcher = true
		p.goroutines.Add(1)
		go p.watch()
	}
}

// watch runs while every worker is in flight: it waits for each arrival and drops it
// if maxInFlight requests are still in flight then; an arrival with room left is
// handed to the worker about to come back, and the watcher ends. It never sends, so
// no more than maxInFlight goroutines ever send.
func (p *openPool) watch() {
	defer p.goroutines.Done()
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.signal()
	if p.watchSleeper == nil {
		p.watchSleeper = newSleeper(p.r.clock)
	}
	sl := p.watchSleeper
	for !p.stopped && p.idle == 0 {
		p.held = true
		a, ok := p.claim(sl)
		p.held = false
		if !ok {
			break
		}
		if p.r.prog.inFlight.Load() < int64(p.maxInFlight) {
			p.pending, p.hasPending = a, true
			break
		}
		p.decide(a) // dropped
		p.signal()
	}
	p.watcher = false
}

// claim takes the next arrival and waits for its planned time and its turn (every
// earlier arrival decided). ok is false at the end of the schedule or when the run
// stops. Called with mu held; returns with it held.
func (p *openPool) claim(sl *sleeper) (openArrival, bool) {
	if p.ended || p.stopped {
		return openArrival{}, false
	}
	a := openArrival{n: p.next}
	var ok bool
	if a.at, ok = p.sched.Arrival(a.n); !ok {
		p.ended = true
		return a, false
	}
	p.next++
	a.planned = p.start.Add(a.at)
	if err := p.wait(sl, a.planned); err != nil {
		p.stop()
		return a, false
	}
	for p.decided != a.n && !p.stopped { // an earlier arrival's goroutine woke later
		p.waitTurn()
	}
	return a, !p.stopped
}

// wait waits until planned on the goroutine's own sleeper, without mu unless serial.
func (p *openPool) wait(sl *sleeper, planned time.Time) error {
	if p.serial {
		return sl.until(p.ctx, planned)
	}
	p.mu.Unlock()
	defer p.mu.Lock()
	return sl.until(p.ctx, planned)
}

// decide counts arrival a as planned, then dropped, refused (the run stops) or sent
// (late or not); send reports whether the caller sends it, with the slot reserved
// here. Called with mu held, in arrival order.
func (p *openPool) decide(a openArrival) (s slot, send bool) {
	r := p.r
	r.prog.setTarget(p.sched.RateAt(a.at))
	p.info.Planned++
	p.decided = a.n + 1
	p.signal()
	if r.prog.inFlight.Load() >= int64(p.maxInFlight) {
		p.info.Dropped++
		r.prog.dropped.Add(1)
		return slot{}, false
	}
	if !r.admit() {
		p.stop()
		return slot{}, false
	}
	if r.clock.Now().Sub(a.planned) > r.lateTol {
		p.info.Late++
		r.prog.late.Add(1)
	}
	return r.reserve(), true
}

// waitTurn waits for a broadcast on turn. Called with mu held.
func (p *openPool) waitTurn() {
	p.turns++
	p.turn.Wait()
	p.turns--
}

// signal wakes the goroutines waiting in turn, if any. Called with mu held.
func (p *openPool) signal() {
	if p.turns > 0 {
		p.turn.Broadcast()
	}
}

// stop ends the phase for every goroutine: those waiting in turn are woken, and those
// waiting for an arrival end when it comes (at once when the run's context is done).
// Called with mu held.
func (p *openPool) stop() {
	p.stopped = true
	p.turn.Broadcast()
}
