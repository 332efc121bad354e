package results

import (
	"errors"
	"slices"
	"strconv"
)

// AppendSample appends s as one line of samples.ndjson (without the newline): a JSON
// object with encoding/json's field names and order that decodes to s, where fields
// holding their zero value are left out (a decoder gives them back as zero). Numbers
// are in strconv's shortest form ('e' below 1e-6 and from 1e21, exponent as strconv
// writes it), times in time.RFC3339Nano; strings escape the quote, the backslash,
// control characters (\n, \r, \t by name, others as \u00XX), U+2028 and U+2029, and
// write invalid UTF-8 as \ufffd; nothing else is escaped. It uses no reflection and
// allocates nothing when b has room, so the hot path can afford it. NaN and infinite
// numbers are an error.
func AppendSample(b []byte, s *Sample) ([]byte, error) {
	var c lineCache // a Writer keeps one from line to line
	return appendSample(b, s, &c, false)
}

// lineCache is what an encoder remembers from one line to the next: the text of the
// last second and of the last evidence written.
type lineCache struct {
	sec secondText
	ev  evidenceText
}

// evidenceText is the encoded evidence of the last sample a Writer wrote, reused for
// the next sample that holds the same header map, body and log and no reasons: an
// invoker shares one header map among samples while responses repeat it (Evidence
// says shared maps are never written to), so the same map is the same text.
type evidenceText struct {
	key  EvidenceKey
	text []byte // the evidence member, its key included
}

// The members' keys, each with the comma before it: an object is written as its
// members, each led by a comma, and the first comma then becomes the opening brace
// (closeObject), so no member asks whether it is the first.
const (
	kSeq        = `,"seq":`
	kRequestID  = `,"request_id":`
	kPhase      = `,"phase":`
	kScheduled  = `,"scheduled":"`
	kStart      = `,"start":"`
	kLatency    = `,"latency_ms":`
	kIntended   = `,"intended_latency_ms":`
	kTTFB       = `,"ttfb_ms":`
	kDNS        = `,"dns_ms":`
	kConnect    = `,"connect_ms":`
	kTLS        = `,"tls_ms":`
	kReused     = `,"conn_reused":true`
	kIdleBefore = `,"idle_before_ms":`
	kInFlight   = `,"in_flight":`
	kStatus     = `,"status":`
	kError      = `,"error":`
	kDetail     = `,"error_detail":`
	kRetries    = `,"retries":`
	kClass      = `,"class":`
	kKind       = `,"kind":`
	kDecidedBy  = `,"decided_by":`
	kConfidence = `,"confidence":`
	kInstance   = `,"instance":`
	kInit       = `,"init_ms":`
	kBilled     = `,"billed_ms":`
	kMaxMemory  = `,"max_memory_mb":`
	kPlatDur    = `,"platform_duration_ms":`
	kEvidence   = `,"evidence":`
	kHeaders    = `,"headers":`
	kBody       = `,"body":`
	kLog        = `,"log":`
	kReasons    = `,"reasons":`
	kCPU        = `,"cpu_ms":`
)

// appendSample is AppendSample with c's memory of the last line (c.ev is used only
// when reuseEvidence is set: AppendSample's callers share no header maps).
func appendSample(b []byte, s *Sample, c *lineCache, reuseEvidence bool) ([]byte, error) {
	if !finite(s) {
		return b, errNotFinite
	}
	obj := len(b)
	b = appendInt(b, kSeq, s.Seq)
	b = appendStr(b, kRequestID, s.RequestID)
	b = appendStr(b, kPhase, s.Phase)
	b = c.sec.appendTime(b, kScheduled, s.Scheduled)
	b = c.sec.appendTime(b, kStart, s.Start)
	b = appendNum(b, kLatency, s.LatencyMS)
	b = appendNum(b, kIntended, s.IntendedLatencyMS)
	b = appendNum(b, kTTFB, s.TTFBMS)
	b = appendNum(b, kDNS, s.DNSMS)
	b = appendNum(b, kConnect, s.ConnectMS)
	b = appendNum(b, kTLS, s.TLSMS)
	if s.ConnReused {
		b = append(b, kReused...)
	}
	b = appendNum(b, kIdleBefore, s.IdleBeforeMS)
	b = appendInt(b, kInFlight, int64(s.InFlight))
	b = appendInt(b, kStatus, int64(s.Status))
	b = appendStr(b, kError, s.Error)
	b = appendStr(b, kDetail, s.ErrorDetail)
	b = appendInt(b, kRetries, int64(s.Retries))
	b = appendClass(b, s.Class)
	b = appendStr(b, kKind, s.Kind)
	b = appendStr(b, kDecidedBy, s.DecidedBy)
	b = appendNum(b, kConfidence, s.Confidence)
	b = appendStr(b, kInstance, s.Instance)
	b = appendNum(b, kInit, s.InitMS)
	b = appendNum(b, kBilled, s.BilledMS)
	b = appendNum(b, kMaxMemory, s.MaxMemoryMB)
	b = appendNum(b, kPlatDur, s.PlatformDurMS)
	if ev := s.Evidence; ev != nil && (len(ev.Headers) > 0 || ev.Body != "" || ev.Log != "" || len(ev.Reasons) > 0) {
		if reuseEvidence && len(ev.Reasons) == 0 && len(ev.Headers) > 0 {
			b = c.ev.appendEvidence(b, ev)
		} else {
			b = appendEvidence(b, ev)
		}
	}
	b = appendNum(b, kCPU, s.CPUMS)
	return closeObject(b, obj), nil
}

// closeObject ends the object whose members (each led by a comma) start at b[obj:]:
// the first comma becomes the opening brace.
func closeObject(b []byte, obj int) []byte {
	if len(b) == obj {
		return append(b, '{', '}')
	}
	b[obj] = '{'
	return append(b, '}')
}

// appendEvidence appends the evidence member.
func appendEvidence(b []byte, ev *Evidence) []byte {
	b = append(b, kEvidence...)
	obj := len(b)
	b = appendStrMap(b, kHeaders, ev.Headers)
	b = appendStr(b, kBody, ev.Body)
	b = appendStr(b, kLog, ev.Log)
	b = appendStrMap(b, kReasons, ev.Reasons)
	return closeObject(b, obj)
}

// appendEvidence appends the evidence member, as the last text when ev holds the
// same header map, body and log, and remembers the text otherwise.
func (c *evidenceText) appendEvidence(b []byte, ev *Evidence) []byte {
	key := KeyOf(ev)
	if key.Same(c.key) {
		return append(b, c.text...)
	}
	from := len(b)
	b = appendEvidence(b, ev)
	c.key = key
	c.text = append(c.text[:0], b[from:]...)
	return b
}

// errNotFinite is the error for a NaN or infinite number, which JSON cannot hold.
var errNotFinite = errors.New("encode sample: NaN or infinite number")

// finite reports whether every number of s is finite: x-x is 0 for a finite x and NaN
// for NaN and the infinities.
func finite(s *Sample) bool {
	return s.LatencyMS-s.LatencyMS == 0 && s.IntendedLatencyMS-s.IntendedLatencyMS == 0 &&
		s.TTFBMS-s.TTFBMS == 0 && s.DNSMS-s.DNSMS == 0 && s.ConnectMS-s.ConnectMS == 0 &&
		s.TLSMS-s.TLSMS == 0 && s.IdleBeforeMS-s.IdleBeforeMS == 0 && s.Confidence-s.Confidence == 0 &&
		s.InitMS-s.InitMS == 0 && s.BilledMS-s.BilledMS == 0 && s.MaxMemoryMB-s.MaxMemoryMB == 0 &&
		s.PlatformDurMS-s.PlatformDurMS == 0 && s.CPUMS-s.CPUMS == 0
}

// appendInt appends the member k (its key text) with v, unless v is 0.
func appendInt(b []byte, k string, v int64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(append(b, k...), v, 10)
}

// appendStr appends the member k (its key text) with v, unless v is "".
func appendStr(b []byte, k, v string) []byte {
	if v == "" {
		return b
	}
	return appendQuoted(append(b, k...), v)
}

// appendClass appends the class member: the three classes as constant text.
func appendClass(b []byte, c Class) []byte {
	switch c {
	case "":
		return b
	case Unknown:
		return append(b, kClass+`"unknown"`...)
	case Warm:
		return append(b, kClass+`"warm"`...)
	case Cold:
		return append(b, kClass+`"cold"`...)
	}
	return appendQuoted(append(b, kClass...), string(c))
}

// appendStrMap appends the member k (its key text) with m's entries, keys sorted (as
// encoding/json does), unless m is empty.
func appendStrMap(b []byte, k string, m map[string]string) []byte {
	if len(m) == 0 {
		return b
	}
	b = append(b, k...)
	var small [8]string // evidence keeps a few headers: no allocation for them
	keys := small[:0]
	for mk := range m {
		keys = append(keys, mk)
	}
	if len(keys) > 1 {
		slices.Sort(keys)
	}
	obj := len(b)
	for _, mk := range keys {
		b = append(b, ',')
		b = appendQuoted(b, mk)
		b = append(b, ':')
		b = appendQuoted(b, m[mk])
	}
	return closeObject(b, obj)
}
