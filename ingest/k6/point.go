package k6

import (
	"fmt"
	"time"
)

// Metric names k6 emits for one HTTP request, in the order it emits them.
const (
	MetricReqs      = "http_reqs"
	MetricDuration  = "http_req_duration"
	MetricBlocked   = "http_req_blocked"
	MetricConnect   = "http_req_connecting"
	MetricTLS       = "http_req_tls_handshaking"
	MetricSending   = "http_req_sending"
	MetricWaiting   = "http_req_waiting"
	MetricReceiving = "http_req_receiving"
	MetricFailed    = "http_req_failed"
)

// Names thaw.js uses (extensions/k6/thaw.js): the per-request verdict metric, its tag
// and the metadata keys that carry the request id, instance and init time.
const (
	MetricVerdict   = "faas_req_duration"
	TagClass        = "faas_class"
	TagWorkload     = "faas_workload"
	MetaRequestID   = "request_id"
	MetaInstance    = "faas_instance"
	MetaInitMS      = "faas_init_ms"
	DefaultPhase    = "default" // k6's scenario tag when the script has no scenarios
	DecidedBy       = "k6"      // Sample.DecidedBy of verdicts read from the file
	requestIDPrefix = "k6-"
)

// slot is the index of an http_req_* metric in a request's values.
type slot int

const (
	slotReqs slot = iota
	slotDuration
	slotBlocked
	slotConnect
	slotTLS
	slotSending
	slotWaiting
	slotReceiving
	slotFailed
	nSlots
)

// slots maps every metric the reader keeps to its slot.
var slots = map[string]slot{
	MetricReqs: slotReqs, MetricDuration: slotDuration, MetricBlocked: slotBlocked,
	MetricConnect: slotConnect, MetricTLS: slotTLS, MetricSending: slotSending,
	MetricWaiting: slotWaiting, MetricReceiving: slotReceiving, MetricFailed: slotFailed,
}

// point is one k6 data point of a metric the reader keeps. Tags and metadata are
// decoded lazily: key identifies the (time, tags, metadata) series the point belongs
// to, and decode is called once per request, on its first point, and only while the
// point is being added (it may read the reader's line buffer).
type point struct {
	metric string
	time   time.Time
	value  float64
	line   int64
	key    []byte // valid only while the point is being added
	decode func() (tags, meta map[string]string, err error)
}

// LineError is a malformed line of a k6 output file.
type LineError struct {
	File string
	Line int64
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }
