package scenarios

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// DefaultLateTolerance is how much later than planned an open-model send may start
// before it is counted late.
const DefaultLateTolerance = 10 * time.Millisecond

// invokeGrace is added to the target timeout for the context given to the Invoker, so
// that the Invoker's own timeout normally fires first.
const invokeGrace = time.Second

// Runner drives a scenario's phases, in order, through an Invoker. Each completed
// sample is recorded by the goroutine that sent it, one at a time under a lock, in
// completion order: classified, fed to an adaptive idle search, handed to the Sink.
// There is no collector goroutine to wake for every sample, and a worker takes its
// next request only once its sample is recorded, so max_in_flight also bounds the
// samples waiting to be recorded. Create it with NewRunner and call Run once;
// Progress is safe for concurrent use while it runs.
type Runner struct {
	sc      *Scenario
	inv     Invoker
	cls     Classifier
	sink    Sink
	clock   Clock
	scale   float64
	lateTol time.Duration
	runID   string
	reqID   string          // prefix of request ids: the run id, and the segment
	seg     results.Segment // zero: the whole run
	startAt time.Time       // zero: start at once
	lazy    bool            // classify only what an idle search needs (WithSearchOnlyVerdicts)

	seq atomic.Int64
	// guards and retries (limits.go, retry.go)
	admitted atomic.Int64 // invocations admitted under max_requests
	retries  atomic.Int64 // extra attempts sent by target.retry
	spacer   *spacer      // max_rps for closed-model phases; nil: none
	stopMu   sync.Mutex
	stop     func(error)     // cancels the run with a cause; nil before Run and once used
	lastEnd  atomic.Int64    // unix nanoseconds of the latest response end; 0 before any
	sendCtx  context.Context // the run's context without its cancellation (set by Run): sent requests finish
	prog     progressState

	// recording (record.go): held while a sample is classified and recorded
	recMu   sync.Mutex
	sinkErr error       // the Sink's first error; later samples are still offered
	abort   func(error) // cancels the run after a Sink error
}

// Option configures a Runner.
type Option func(*Runner)

// WithClock sets the clock (default SystemClock()).
func WithClock(c Clock) Option { return func(r *Runner) { r.clock = c } }

// WithTimeScale divides every duration of the scenario by f: idle intervals, burst
// quiet times, rate, ramp and concurrency durations and idle-search bounds. Rates stay
// as written (a 200 rps phase of 10s at f=10 is 200 rps for 1s), and so does the
// target timeout. It exists to run scenarios against `thaw emulate --time-scale f`.
// Values <= 0 are ignored.
func WithTimeScale(f float64) Option {
	return func(r *Runner) {
		if f > 0 && !math.IsInf(f, 0) {
			r.scale = f
		}
	}
}

// WithLateTolerance sets how late an open-model send may start before it counts as
// late (default DefaultLateTolerance).
func WithLateTolerance(d time.Duration) Option { return func(r *Runner) { r.lateTol = d } }

// WithRunID sets the run id that prefixes every request id (default: 8 random hex
// digits).
func WithRunID(id string) Option { return func(r *Runner) { r.runID = id } }

// WithSegment makes the Runner send only segment seg of every phase (see SplitCount).
// Request ids then carry the segment, so the segments of one run id never collide.
func WithSegment(seg results.Segment) Option { return func(r *Runner) { r.seg = seg } }

// WithSearchOnlyVerdicts makes the Classifier judge only the samples an idle search
// steers by; every other sample is recorded unjudged (Class unknown), for a later pass
// to judge with the whole run in view. For runs where nothing reads verdicts as they
// come (no live progress line, no abort_on_fail threshold): their cost stays off the
// hot path.
func WithSearchOnlyVerdicts() Option { return func(r *Runner) { r.lazy = true } }

// WithStartAt makes Run wait until t (on the Runner's clock) before the first phase,
// so that segments on several machines start together. Check t with CheckStartAt.
func WithStartAt(t time.Time) Option { return func(r *Runner) { r.startAt = t } }

// NewRunner returns a Runner for sc (which should have passed Validate). cls may be nil
// (samples stay unclassified); sink must not be nil.
func NewRunner(sc *Scenario, inv Invoker, cls Classifier, sink Sink, opts ...Option) *Runner {
	r := &Runner{sc: sc, inv: inv, cls: cls, sink: sink, clock: SystemClock(), scale: 1,
		lateTol: DefaultLateTolerance}
	for _, o := range opts {
		o(r)
	}
	if r.runID == "" {
		r.runID = newRunID()
	}
	r.reqID = r.runID
	if r.seg.Count > 1 {
		r.reqID = fmt.Sprintf("%s-s%d", r.runID, r.seg.Index)
	}
	r.spacer = newSpacer(sc.MaxRPS)
	return r
}

func newRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// RunID returns the id that prefixes every request id of this run.
func (r *Runner) RunID() string { return r.runID }

// Stats is what a run did, beyond its samples. Times are wall-clock; durations and
// search bounds are real (scaled) time.
type Stats struct {
	RunID       string
	Started     time.Time
	Ended       time.Time
	Sent        int64
	Completed   int64
	Errors      int64
	Late        int64
	Dropped     int64
	Retries     int64 // extra attempts sent by target.retry (not in Sent)
	Interrupted bool  // the context was cancelled: the run stopped early, nothing was lost
	Phases      []PhaseStats
}

// PhaseStats is what the Runner knows about one phase.
type PhaseStats struct {
	Name string
	results.PhaseInfo
	Sent int64
}

// SearchResult is the outcome of an adaptive idle search (PhaseInfo.Search), in real
// milliseconds.
type SearchResult = results.Search

// phaseRecorder is the optional ability of a Sink to receive what the engine knows
// about each phase when it ends.
type phaseRecorder interface {
	RecordPhase(name string, info results.PhaseInfo)
}

// errSink is the cause of the run context's cancellation after a Sink error.
var errSink = errors.New("sink failed")

// Run sends every phase in order and returns when all invocations have completed and
// been recorded. When ctx is cancelled it stops sending at once, lets the requests in
// flight finish (their context is not cancelled by the interrupt; they are bounded by
// the target timeout), records them and returns Stats with Interrupted set and a nil
// error. A Sink error stops the run and is returned. A guard (max_requests) or Stop
// stops sending, lets the requests in flight finish and be recorded, and returns its
// cause. Run must be called once.
func (r *Runner) Run(ctx context.Context) (Stats, error) {
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.sendCtx = context.WithoutCancel(runCtx)
	r.stopMu.Lock()
	r.stop = cancel
	r.stopMu.Unlock()
	r.abort = cancel
	if !r.startAt.IsZero() {
		_ = r.sleepUntil(runCtx, r.startAt) // interrupted: the loop below sends nothing
	}
	st := Stats{RunID: r.runID, Started: r.clock.Now()}
	r.prog.phases.Store(int64(len(r.sc.Phases)))
	r.prog.runStart.Store(st.Started.UnixNano())
	for i, p := range r.sc.Phases {
		if runCtx.Err() != nil {
			break
		}
		ps := r.runPhase(runCtx, i, p)
		st.Phases = append(st.Phases, ps)
		r.recordPhase(&ps)
	}
	st.Ended = r.clock.Now()
	r.prog.fill(&st)
	st.Retries = r.retries.Load()
	r.recMu.Lock()
	sinkErr := r.sinkErr
	r.recMu.Unlock()
	if sinkErr != nil {
		return st, fmt.Errorf("record sample: %w", sinkErr)
	}
	if cause := context.Cause(runCtx); cause != nil && ctx.Err() == nil && !errors.Is(cause, errSink) {
		return st, cause // a guard or Stop
	}
	st.Interrupted = ctx.Err() != nil
	return st, nil
}

// dur scales a scenario duration to real time.
func (r *Runner) dur(d Duration) time.Duration {
	return time.Duration(float64(d) / r.scale)
}
