// Package results holds what a run recorded: the Sample written for every invocation,
// the streamed samples file, the summary with mergeable HDR histograms, and the code to
// write, read and merge them. It imports nothing else of thaw's, so anything that sends
// load (thaw itself, k6, a trace replay) can produce a run directory.
package results

import (
	"time"
	"unsafe"
)

// Class is the verdict on one invocation: did it hit a cold or a warm instance.
type Class string

// The classes a sample can have. Unknown is the value until a probe decides.
const (
	Cold    Class = "cold"
	Warm    Class = "warm"
	Unknown Class = "unknown"
)

// Sub-kinds refine a class (Sample.Kind). ColdPrewarmed is the first use of an instance
// the platform initialised ahead of traffic; WarmQueued is a request that waited behind
// another request's cold start on the same instance.
const (
	KindCold          = "cold"
	KindColdPrewarmed = "cold-prewarmed"
	KindWarm          = "warm"
	KindWarmQueued    = "warm-queued"
	// KindColdRestored is a cold start restored from a snapshot (Lambda SnapStart:
	// the platform reports a restore duration instead of an init duration).
	KindColdRestored = "cold-restored"
)

// Error kinds: request failures are data, recorded in Sample.Error. An empty Error means
// the invocation succeeded (2xx or 3xx).
const (
	ErrTimeout   = "timeout"
	ErrRefused   = "refused"
	ErrReset     = "reset"
	ErrDNS       = "dns"
	ErrTLS       = "tls"
	ErrStatus4xx = "status_4xx"
	ErrStatus5xx = "status_5xx"
	ErrThrottled = "throttled" // 429, or a platform's throttling error
	ErrFunction  = "function"  // the function itself failed (Lambda X-Amz-Function-Error)
	ErrCanceled  = "canceled"  // the run was interrupted while the request was in flight
	ErrOther     = "other"
)

// Sample is one invocation: when it was meant to be sent and was sent, how long each
// step took, what came back, and the verdict with its evidence. Durations are in
// milliseconds (float, microsecond precision). The JSON field names are a contract
// (the README's Run directory section): samples.ndjson has one Sample per line.
type Sample struct {
	Seq       int64     `json:"seq"`
	RequestID string    `json:"request_id"`
	Phase     string    `json:"phase"`
	Scheduled time.Time `json:"scheduled"` // intended send time (open model) or actual send time
	Start     time.Time `json:"start"`     // actual send time

	LatencyMS         float64 `json:"latency_ms"`          // start to end of response body
	IntendedLatencyMS float64 `json:"intended_latency_ms"` // scheduled to end: no coordinated omission
	TTFBMS            float64 `json:"ttfb_ms"`             // start to first response byte
	DNSMS             float64 `json:"dns_ms"`
	ConnectMS         float64 `json:"connect_ms"`
	TLSMS             float64 `json:"tls_ms"`
	ConnReused        bool    `json:"conn_reused"`
	IdleBeforeMS      float64 `json:"idle_before_ms"` // since the previous response ended; -1 for the first
	InFlight          int     `json:"in_flight"`      // requests in flight when this one was sent, itself included

	Status      int    `json:"status"`
	Error       string `json:"error"` // error kind ("" when ok)
	ErrorDetail string `json:"error_detail,omitempty"`
	// Retries is how many times the invocation was sent again after a failure
	// (scenario target.retry); the sample describes the last attempt, so a retried
	// invocation is still counted once.
	Retries int `json:"retries,omitempty"`

	Class      Class   `json:"class"`
	Kind       string  `json:"kind,omitempty"` // sub-kind, see Kind* constants
	DecidedBy  string  `json:"decided_by"`
	Confidence float64 `json:"confidence"`
	Instance   string  `json:"instance"`
	InitMS     float64 `json:"init_ms"` // init duration reported by the platform or function, 0 if none

	BilledMS      float64   `json:"billed_ms,omitempty"`            // billed duration reported by the platform
	MaxMemoryMB   float64   `json:"max_memory_mb,omitempty"`        // peak memory reported by the platform
	PlatformDurMS float64   `json:"platform_duration_ms,omitempty"` // function duration reported by the platform
	Evidence      *Evidence `json:"evidence,omitempty"`
	CPUMS         float64   `json:"cpu_ms,omitempty"` // CPU time the function reported (X-Thaw-Cpu-Ms), for CPU-billed platforms
}

// Evidence is what the invoker kept from the response so that probes can judge the
// sample again later (thaw report --reclassify) without re-running the load.
//
// Headers may be one map shared by many samples (an invoker shares it while responses
// repeat the same headers, and DecodeSamples while lines repeat the same evidence):
// never write to it once the sample is delivered; build a new map instead.
type Evidence struct {
	Headers map[string]string `json:"headers,omitempty"` // allow-listed response headers, canonical names
	Body    string            `json:"body,omitempty"`    // bounded prefix of the response body
	Log     string            `json:"log,omitempty"`     // platform log tail (e.g. Lambda LogType: Tail, decoded)
	Reasons map[string]string `json:"reasons,omitempty"` // per probe: why it decided or abstained
}

// SameMap reports whether a and b are one map, not merely equal ones (Evidence maps
// shared among samples are recognised so). A map value is a pointer to the runtime's
// map; comparing the pointers is what reflect's UnsafePointer does, without its cost
// on every sample.
func SameMap(a, b map[string]string) bool {
	return *(*unsafe.Pointer)(unsafe.Pointer(&a)) == *(*unsafe.Pointer)(unsafe.Pointer(&b))
}

// EvidenceKey tells evidence shared among samples apart: its header map (the same
// map, not an equal one), body and log. Samples with the same key hold the same
// evidence, so what was worked out from one holds for the others; the zero key is no
// evidence.
type EvidenceKey struct {
	headers   map[string]string
	body, log string
}

// KeyOf is ev's key (the zero key for nil).
func KeyOf(ev *Evidence) EvidenceKey {
	if ev == nil {
		return EvidenceKey{}
	}
	return EvidenceKey{headers: ev.Headers, body: ev.Body, log: ev.Log}
}

// Same reports whether k and o are the same evidence.
func (k EvidenceKey) Same(o EvidenceKey) bool {
	return SameMap(k.headers, o.headers) && k.body == o.body && k.log == o.log
}

// ServerMS is the time the server took before the first byte: time to first byte minus
// connection set-up (DNS, TCP connect, TLS). A cold start is judged on this, never on a
// fresh handshake. It is never negative.
func (s *Sample) ServerMS() float64 {
	v := s.TTFBMS - s.DNSMS - s.ConnectMS - s.TLSMS
	if v < 0 {
		return 0
	}
	return v
}

// Measured reports whether the sample's latency belongs in latency figures: every
// response, and failures after the request reached the server (a timeout counts at its
// elapsed time, a reset at the moment of the reset), so a failing tail never makes a
// percentile look better. Failures that never reached the server (refused, DNS, TLS)
// and requests cut off by the run's own interruption are counted by kind only.
func (s *Sample) Measured() bool {
	if s.Status != 0 {
		return true
	}
	switch s.Error {
	case ErrTimeout, ErrReset:
		return s.LatencyMS > 0
	}
	return false
}

// OK reports whether the invocation succeeded.
func (s *Sample) OK() bool { return s.Error == "" }

// End is when the response completed.
func (s *Sample) End() time.Time {
	return s.Start.Add(time.Duration(s.LatencyMS * float64(time.Millisecond)))
}
