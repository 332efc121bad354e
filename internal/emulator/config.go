package emulator

import (
	"errors"
	"fmt"
	"time"
)

// Defaults for Config (DefaultConfig returns them).
const (
	DefaultAddr                   = "127.0.0.1:8080"
	DefaultPerInstanceConcurrency = 1
	DefaultMaxInstances           = 100
	DefaultKeepAlive              = 10 * time.Minute
	DefaultQueueTimeout           = 30 * time.Second
	DefaultTimeScale              = 1.0
	DefaultSlow                   = 2 * time.Second
	DefaultTimeoutHold            = 30 * time.Second
	DefaultSeed                   = 1
	DefaultReadyTimeout           = 30 * time.Second
)

// Config is every setting of the emulator; each field is a `thaw emulate` flag of the
// same name in kebab case. Durations are platform time: the emulator divides them by
// TimeScale.
type Config struct {
	// Addr is the listen address (flag --addr). Must be loopback or ":0"-style; use
	// "127.0.0.1:0" for a free port (URL reports the real one). Default 127.0.0.1:8080.
	Addr string
	// Handler is the command line of the function (flag --handler), split on white
	// space (no shell; "$PORT" in an argument becomes the port). It must serve HTTP on
	// 127.0.0.1:$PORT (env PORT). Empty means the built-in
	// Go handler (this executable re-run with THAW_EMULATOR_HANDLER=1).
	Handler string
	// Init is an extra init delay per new instance (flag --init): "250ms" or
	// "lognormal:300ms,0.5" (see ParseInitDelay). The built-in handler sleeps it before
	// it listens; for a custom Handler the emulator waits it before starting the process.
	Init string
	// PerInstanceConcurrency is how many requests one instance serves at once (flag
	// --per-instance-concurrency). Default 1, like AWS Lambda.
	PerInstanceConcurrency int
	// MaxInstances caps live instances, starting ones included (flag --max-instances).
	// Beyond it requests get 429 with a JSON body, or wait when Queue is set. Default 100.
	MaxInstances int
	// Queue makes requests beyond MaxInstances wait for a free instance (flag --queue)
	// for at most QueueTimeout, then get 429.
	Queue bool
	// QueueTimeout is the longest a queued request waits (flag --queue-timeout).
	// Default 30s.
	QueueTimeout time.Duration
	// KeepAlive is how long an idle instance lives before it is stopped (flag
	// --keep-alive); scale to zero. Default 10m. Zero or negative: never stopped.
	KeepAlive time.Duration
	// KeepAliveJitter adds a uniform random 0..KeepAliveJitter to each instance's
	// keep-alive (flag --keep-alive-jitter). Default 0.
	KeepAliveJitter time.Duration
	// MaxLifetime stops an instance (once idle) this long after it became ready, however
	// busy it was (flag --max-lifetime). Default 0: no limit.
	MaxLifetime time.Duration
	// TimeScale divides every emulator duration (flag --time-scale); a test and demo aid.
	// Default 1.
	TimeScale float64
	// Prewarm instances are started before traffic (flag --prewarm); the first request
	// on each is reported cold with X-Thaw-Prewarmed: true (like AWS proactive init).
	Prewarm int
	// ErrorRate is the fraction of requests answered 500 by the instance (flag
	// --error-rate), in [0, 1].
	ErrorRate float64
	// TimeoutRate is the fraction of requests held without an answer for TimeoutHold,
	// then answered 504 (flag --timeout-rate), in [0, 1].
	TimeoutRate float64
	// TimeoutHold is how long a timed-out request is held (flag --timeout-hold).
	// Default 30s.
	TimeoutHold time.Duration
	// SlowRate is the fraction of requests delayed by Slow before they are served
	// (flag --slow-rate), in [0, 1].
	SlowRate float64
	// Slow is the extra delay of a slow request (flag --slow). Default 2s.
	Slow time.Duration
	// Seed seeds init-delay draws, jitter and faults (flag --seed). Default 1.
	Seed uint64
	// HideTruth leaves the X-Thaw-* headers off responses (flag --hide-truth); the truth
	// log is still written.
	HideTruth bool
	// TruthLog is a file that receives one JSON line per request, in arrival order
	// (flag --truth-log). Empty: none.
	TruthLog string
	// ReadyTimeout is how long a new instance may take to answer before the request
	// fails with 502 (flag --ready-timeout; not scaled). Default 30s.
	ReadyTimeout time.Duration
	// KeepTruth keeps every TruthRecord in memory for Truth (not a flag; true in
	// DefaultConfig, false for `thaw emulate`, whose runs may be long).
	KeepTruth bool
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Addr:                   DefaultAddr,
		PerInstanceConcurrency: DefaultPerInstanceConcurrency,
		MaxInstances:           DefaultMaxInstances,
		QueueTimeout:           DefaultQueueTimeout,
		KeepAlive:              DefaultKeepAlive,
		TimeScale:              DefaultTimeScale,
		TimeoutHold:            DefaultTimeoutHold,
		Slow:                   DefaultSlow,
		Seed:                   DefaultSeed,
		ReadyTimeout:           DefaultReadyTimeout,
		KeepTruth:              true,
	}
}

// Validate returns every problem with c, joined.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if c.Addr == "" {
		bad("addr is empty")
	}
	if c.PerInstanceConcurrency < 1 {
		bad("per-instance-concurrency %d: want ≥ 1", c.PerInstanceConcurrency)
	}
	if c.MaxInstances < 1 {
		bad("max-instances %d: want ≥ 1", c.MaxInstances)
	}
	if c.Prewarm < 0 || c.Prewarm > c.MaxInstances {
		bad("prewarm %d: want 0 to max-instances (%d)", c.Prewarm, c.MaxInstances)
	}
	if !(c.TimeScale > 0) || c.TimeScale > 1e6 {
		bad("time-scale %g: want > 0 and ≤ 1e6", c.TimeScale)
	}
	for name, r := range map[string]float64{"error-rate": c.ErrorRate, "timeout-rate": c.TimeoutRate, "slow-rate": c.SlowRate} {
		if !(r >= 0 && r <= 1) {
			bad("%s %g: want 0 to 1", name, r)
		}
	}
	if c.ErrorRate+c.TimeoutRate > 1 {
		bad("error-rate + timeout-rate %g: want ≤ 1", c.ErrorRate+c.TimeoutRate)
	}
	for name, d := range map[string]time.Duration{"queue-timeout": c.QueueTimeout, "keep-alive-jitter": c.KeepAliveJitter,
		"max-lifetime": c.MaxLifetime, "timeout-hold": c.TimeoutHold, "slow": c.Slow, "ready-timeout": c.ReadyTimeout} {
		if d < 0 {
			bad("%s %v: want ≥ 0", name, d)
		}
	}
	if _, err := ParseInitDelay(c.Init); err != nil {
		errs = append(errs, err)
	}
	return sortedJoin(errs)
}

// scale divides a platform duration by the time scale.
func (c Config) scale(d time.Duration) time.Duration {
	if c.TimeScale == 1 || c.TimeScale <= 0 {
		return d
	}
	return time.Duration(float64(d) / c.TimeScale)
}

// sortedJoin joins errors in message order so output is stable.
func sortedJoin(errs []error) error {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Error() < errs[j-1].Error(); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
	return errors.Join(errs...)
}
