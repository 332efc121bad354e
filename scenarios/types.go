package scenarios

import (
	"context"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// Scenario is a parsed scenario file (version 1): what to call, how to judge it, how to
// price it, and the phases of load to send, in order.
type Scenario struct {
	Version     int              `yaml:"version" json:"version"`
	Name        string           `yaml:"name" json:"name"`
	Description string           `yaml:"description,omitempty" json:"description,omitempty"`
	Seed        int64            `yaml:"seed,omitempty" json:"seed,omitempty"` // for shuffled orders and Poisson arrivals
	Target      Target           `yaml:"target" json:"target"`
	Probes      []ProbeSpec      `yaml:"probes,omitempty" json:"probes,omitempty"` // order is precedence
	Pricing     *results.Pricing `yaml:"pricing,omitempty" json:"pricing,omitempty"`
	Phases      []Phase          `yaml:"phases" json:"phases"`
	Thresholds  ThresholdList    `yaml:"thresholds,omitempty" json:"thresholds,omitempty"` // thaw expressions (k6's map form is translated)

	// Guards against runaway load and cost (see guards.go): a run never sends more
	// than MaxRequests, never faster than MaxRPS, and stops before its estimated spend
	// passes Budget.MaxUSD. Zero means no limit.
	MaxRequests int64   `yaml:"max_requests,omitempty" json:"max_requests,omitempty"`
	MaxRPS      float64 `yaml:"max_rps,omitempty" json:"max_rps,omitempty"`
	Budget      *Budget `yaml:"budget,omitempty" json:"budget,omitempty"`

	File   string `yaml:"-" json:"-"` // path it was read from ("" when built in memory)
	Source []byte `yaml:"-" json:"-"` // the file as written, variables not expanded

	// positions maps a field path ("phases[1].rate.rps") to where it was written, so
	// that Validate can point at lines; decodeFailed holds the paths Parse already
	// reported, so Validate does not report them twice.
	positions    map[string]Position
	decodeFailed map[string]bool
	// expanded maps a field path to the values its ${VAR}s expanded to, so that the
	// values expanded into secret fields are known to the scrubber (Secrets).
	expanded map[string][]string
}

// Budget is the most a run may spend, as estimated with the scenario's pricing.
type Budget struct {
	MaxUSD float64 `yaml:"max_usd" json:"max_usd"`
}

// Retry resends a failed invocation. A retried invocation is still one sample (the
// last attempt's), so nothing is counted twice; the extra attempts are counted in
// Sample.Retries.
type Retry struct {
	Max     int      `yaml:"max" json:"max"`                             // extra attempts, at most
	On      []string `yaml:"on,omitempty" json:"on,omitempty"`           // error kinds retried: throttled, 5xx, timeout, reset, refused; default [throttled, 5xx]
	Backoff Duration `yaml:"backoff,omitempty" json:"backoff,omitempty"` // first wait, doubled each attempt; default 100ms; a Retry-After header wins
}

// Target is what every invocation is sent to.
type Target struct {
	Kind       string            `yaml:"kind,omitempty" json:"kind,omitempty"`     // http (default) or lambda
	URL        string            `yaml:"url,omitempty" json:"url,omitempty"`       // kind http
	Method     string            `yaml:"method,omitempty" json:"method,omitempty"` // default GET
	Headers    map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body       string            `yaml:"body,omitempty" json:"body,omitempty"`
	Timeout    Duration          `yaml:"timeout,omitempty" json:"timeout,omitempty"`       // default 30s
	Connection string            `yaml:"connection,omitempty" json:"connection,omitempty"` // reuse (default) or fresh
	// Client picks the HTTP client: auto (default: thaw's lean HTTP/1.1 client for
	// http:// with no proxy and no auth, net/http otherwise), lean (HTTP/1.1 also
	// over https://) or std (net/http, which negotiates HTTP/2).
	Client          string   `yaml:"client,omitempty" json:"client,omitempty"`
	RequestIDHeader string   `yaml:"request_id_header,omitempty" json:"request_id_header,omitempty"` // default X-Request-Id
	KeepHeaders     []string `yaml:"keep_headers,omitempty" json:"keep_headers,omitempty"`           // response headers kept as evidence, besides the defaults
	BodyPrefixBytes int      `yaml:"body_prefix_bytes,omitempty" json:"body_prefix_bytes,omitempty"` // default 512; -1 keeps none
	Insecure        bool     `yaml:"insecure_skip_verify,omitempty" json:"insecure_skip_verify,omitempty"`
	Auth            *Auth    `yaml:"auth,omitempty" json:"auth,omitempty"` // kind http: request signing
	// SecretHeaders are request headers whose values are secret besides the
	// credential headers always treated so (Authorization, Cookie, X-Api-Key, …);
	// SecretFields are JSON fields of the request body (dotted paths) whose values are
	// secret. Secret values, and every ${VAR} expanded into them, are scrubbed from
	// everything thaw writes.
	SecretHeaders []string `yaml:"secret_headers,omitempty" json:"secret_headers,omitempty"`
	SecretFields  []string `yaml:"secret_fields,omitempty" json:"secret_fields,omitempty"`
	Retry         *Retry   `yaml:"retry,omitempty" json:"retry,omitempty"` // off when absent

	// Kind lambda: the AWS Lambda Invoke API. Credentials come from the AWS SDK's
	// default chain (environment, shared files, roles) and are never stored.
	Function  string `yaml:"function,omitempty" json:"function,omitempty"`   // name or ARN
	Qualifier string `yaml:"qualifier,omitempty" json:"qualifier,omitempty"` // version or alias
	Region    string `yaml:"region,omitempty" json:"region,omitempty"`       // default: the SDK's (AWS_REGION)
	Payload   string `yaml:"payload,omitempty" json:"payload,omitempty"`     // JSON event, default {}
	LogTail   bool   `yaml:"log_tail,omitempty" json:"log_tail,omitempty"`   // LogType: Tail, for the platform probe
	Endpoint  string `yaml:"endpoint,omitempty" json:"endpoint,omitempty"`   // e.g. the runtime interface emulator
}

// Auth signs every request of an http target.
type Auth struct {
	SigV4 *SigV4Auth `yaml:"sigv4,omitempty" json:"sigv4,omitempty"`
}

// SigV4Auth signs requests with AWS Signature Version 4 (IAM-authorised Lambda
// function URLs, API Gateway with IAM auth), with credentials from the AWS SDK's
// default chain.
type SigV4Auth struct {
	Service string `yaml:"service" json:"service"` // e.g. lambda
	Region  string `yaml:"region" json:"region"`
}

// ProbeSpec is one entry of `probes:`: a name (`marker`) or a name with options
// (`{instance: {header: X-Instance}}`).
type ProbeSpec struct {
	Name    string         `json:"name"`
	Options map[string]any `json:"options,omitempty"`
}

// Phase is one stage of load. Exactly one workload field is set.
type Phase struct {
	Name        string       `yaml:"name" json:"name"`
	Idle        *Idle        `yaml:"idle,omitempty" json:"idle,omitempty"`
	Burst       *Burst       `yaml:"burst,omitempty" json:"burst,omitempty"`
	Rate        *Rate        `yaml:"rate,omitempty" json:"rate,omitempty"`
	Ramp        *Ramp        `yaml:"ramp,omitempty" json:"ramp,omitempty"`
	Concurrency *Concurrency `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
	Trace       *Trace       `yaml:"trace,omitempty" json:"trace,omitempty"`
}

// Idle waits each interval after the previous response ends, then invokes; `samples`
// invocations per interval. With Search, the interval is found by bisection instead.
type Idle struct {
	Intervals []Duration  `yaml:"intervals,omitempty" json:"intervals,omitempty"`
	Samples   int         `yaml:"samples,omitempty" json:"samples,omitempty"` // default 1
	Order     string      `yaml:"order,omitempty" json:"order,omitempty"`     // given (default) or shuffled
	Search    *IdleSearch `yaml:"search,omitempty" json:"search,omitempty"`
}

// IdleSearch bisects on the idle gap between Min and Max until the cold/warm boundary
// is known to Precision.
type IdleSearch struct {
	Min       Duration `yaml:"min" json:"min"`
	Max       Duration `yaml:"max" json:"max"`
	Precision Duration `yaml:"precision" json:"precision"`
	Samples   int      `yaml:"samples,omitempty" json:"samples,omitempty"` // per probe point, default 1
}

// Burst releases Size invocations at once after AfterIdle of quiet, Repeat times.
type Burst struct {
	AfterIdle Duration `yaml:"after_idle,omitempty" json:"after_idle,omitempty"`
	Size      int      `yaml:"size" json:"size"`
	Repeat    int      `yaml:"repeat,omitempty" json:"repeat,omitempty"` // default 1
}

// Rate is an open-model constant arrival rate.
type Rate struct {
	RPS         float64  `yaml:"rps" json:"rps"`
	Duration    Duration `yaml:"duration" json:"duration"`
	Poisson     bool     `yaml:"poisson,omitempty" json:"poisson,omitempty"`
	MaxInFlight int      `yaml:"max_in_flight,omitempty" json:"max_in_flight,omitempty"`
}

// Ramp is an open-model arrival rate that moves linearly between stages.
type Ramp struct {
	From        float64 `yaml:"from,omitempty" json:"from,omitempty"` // starting rate, default 0
	Stages      []Stage `yaml:"stages" json:"stages"`
	Poisson     bool    `yaml:"poisson,omitempty" json:"poisson,omitempty"`
	MaxInFlight int     `yaml:"max_in_flight,omitempty" json:"max_in_flight,omitempty"`
}

// Stage moves the arrival rate to To (per second) over Over.
type Stage struct {
	To   float64  `yaml:"to" json:"to"`
	Over Duration `yaml:"over" json:"over"`
}

// Concurrency is the closed model: Workers loops, each sending as soon as its previous
// response ends, for Duration or until Iterations invocations in total.
type Concurrency struct {
	Workers    int      `yaml:"workers" json:"workers"`
	Duration   Duration `yaml:"duration,omitempty" json:"duration,omitempty"`
	Iterations int      `yaml:"iterations,omitempty" json:"iterations,omitempty"`
}

// Duration is a time.Duration written as Go duration text ("250ms", "1m30s").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Invoker sends one invocation. The Runner fills Seq, RequestID, Phase, Scheduled,
// IdleBeforeMS, InFlight and a provisional Start; the Invoker sends at once and fills
// Start, LatencyMS and the other timings, the response fields and the evidence. The
// Runner then sets IntendedLatencyMS from Start+LatencyMS. A failed request is data (Sample.Error), never a panic or a Go error.
// The Invoker bounds each call by its own timeout: the Runner's context is not
// cancelled by an interrupt, so that requests in flight finish and are recorded.
// Implementations must be safe for concurrent use.
type Invoker interface {
	Invoke(ctx context.Context, s *results.Sample)
}

// Classifier judges a completed sample (Class, Kind, DecidedBy, Confidence, Instance,
// InitMS). The Runner calls it for one sample at a time (under a lock, from the
// goroutine that sent the sample), in completion order, so it may keep state without
// locking.
type Classifier interface {
	Classify(s *results.Sample)
}

// Sink receives every classified sample, one at a time, in completion order (like
// Classifier, under the Runner's lock from the goroutine that sent the sample).
type Sink interface {
	Record(s *results.Sample) error
}
