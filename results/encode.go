package results

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"
)

// AppendSample appends s as one line of samples.ndjson (without the newline): the JSON
// object encoding/json would write, with the same field names, except that fields
// holding their zero value are left out (a decoder gives them back as zero). It uses
// no reflection and allocates nothing when b has room, so the hot path can afford
// it. NaN and infinite durations are an error.
func AppendSample(b []byte, s *Sample) ([]byte, error) {
	var c lineCache
	if last := lastSecond.Load(); last != nil {
		c.sec = *last
	}
	b, err := appendSample(b, s, &c, false)
	if c.sec.changed {
		sec := c.sec
		sec.changed = false
		lastSecond.Store(&sec)
	}
	return b, err
}

// lastSecond is the second AppendSample wrote last (a Writer keeps its own).
var lastSecond atomic.Pointer[secondText]

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
	headers   map[string]string
	body, log string
	text      []byte // the evidence member, its key included
}

// SameMap reports whether a and b are one map, not merely equal ones (Evidence maps
// shared among samples are recognised so). A map value is a pointer to the runtime's
// map; comparing the pointers is what reflect's UnsafePointer does, without its cost
// on every sample.
func SameMap(a, b map[string]string) bool {
	return *(*unsafe.Pointer)(unsafe.Pointer(&a)) == *(*unsafe.Pointer)(unsafe.Pointer(&b))
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
	if SameMap(c.headers, ev.Headers) && c.body == ev.Body && c.log == ev.Log {
		return append(b, c.text...)
	}
	from := len(b)
	b = appendEvidence(b, ev)
	c.headers, c.body, c.log = ev.Headers, ev.Body, ev.Log
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

// appendNum appends the member k (its key text) with v, unless v is 0, as
// encoding/json writes a float: shortest representation, exponent form only for very
// small or very large magnitudes. v is finite.
func appendNum(b []byte, k string, v float64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, k...)
	if a := math.Abs(v); a >= 1e-3 && a < 1e9 {
		// us is the nearest whole number of microseconds: when a is us/1000
		// rounded, a*1000 is within a few units in the last place of us, far less
		// than the half that decides the rounding.
		us := int64(a*1000 + 0.5)
		if float64(us)/1000 == a {
			if v < 0 {
				b = append(b, '-')
			}
			return appendMicros(b, us)
		}
	}
	format := byte('f')
	if a := math.Abs(v); a < 1e-6 || a >= 1e21 {
		format = 'e'
	}
	return strconv.AppendFloat(b, v, format, -1, 64)
}

// appendMicros writes us (at least 0) microseconds as milliseconds, the way strconv's
// shortest form writes the float us/1000 (durations are kept to the microsecond, and
// this is several times faster): a value with at most 15 significant digits has no
// shorter decimal form that reads back as the same float, so the exact decimal,
// trailing zeros cut, is the shortest.
func appendMicros(b []byte, us int64) []byte {
	ms, frac := us/1000, int(us%1000)
	if ms < 10 {
		b = append(b, byte('0'+ms))
	} else {
		b = strconv.AppendInt(b, ms, 10)
	}
	switch {
	case frac == 0:
		return b
	case frac%100 == 0:
		return append(b, '.', byte('0'+frac/100))
	case frac%10 == 0:
		frac /= 10
		return append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	}
	return append(b, '.', byte('0'+frac/100), digitPairs[2*(frac%100)], digitPairs[2*(frac%100)+1])
}

// secondText is one second of one location written as RFC 3339: the date and time
// before the fraction, and the zone after it. Samples come in time order, so most
// times share the second of the time written before them, and only the fraction is
// written anew.
type secondText struct {
	unix    int64
	loc     *time.Location
	head    [len("2006-01-02T15:04:05")]byte
	zone    string
	changed bool // set when the second was replaced
}

// appendTime appends the member k (its key text, the opening quote included) with t
// as t.AppendFormat(b, time.RFC3339Nano) writes it, unless t is zero.
func (c *secondText) appendTime(b []byte, k string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = append(b, k...)
	if c.unix != t.Unix() || c.loc != t.Location() {
		if y := t.Year(); y < 0 || y > 9999 { // not four digits: no shortcut
			return append(t.AppendFormat(b, time.RFC3339Nano), '"')
		}
		whole := t.Truncate(time.Second).Format(time.RFC3339) // no fraction
		c.unix, c.loc, c.changed = t.Unix(), t.Location(), true
		copy(c.head[:], whole)
		c.zone = whole[len(c.head):]
	}
	b = append(b, c.head[:]...)
	if ns := t.Nanosecond(); ns != 0 {
		b = appendFraction(b, ns)
	}
	b = append(b, c.zone...)
	return append(b, '"')
}

// appendFraction appends ns (1 to 999,999,999 nanoseconds) as a decimal fraction of
// a second, trailing zeros cut. The nine digits are written two at a time without a
// loop (a loop's varying count is a branch the processor mispredicts).
func appendFraction(b []byte, ns int) []byte {
	at := len(b)
	b = append(b, ".000000000"...)
	f := b[at : at+10 : at+10]
	r := 2 * (ns % 100)
	f[8], f[9] = digitPairs[r], digitPairs[r+1]
	ns /= 100
	r = 2 * (ns % 100)
	f[6], f[7] = digitPairs[r], digitPairs[r+1]
	ns /= 100
	r = 2 * (ns % 100)
	f[4], f[5] = digitPairs[r], digitPairs[r+1]
	ns /= 100
	r = 2 * (ns % 100)
	f[2], f[3] = digitPairs[r], digitPairs[r+1]
	f[1] = byte('0' + ns/100)
	end := len(b)
	for b[end-1] == '0' {
		end--
	}
	return b[:end]
}

// digitPairs holds 00 to 99, two bytes each.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

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

const hexDigits = "0123456789abcdef"

// plainPrefix is the length of the longest prefix of s that a JSON string holds as it
// is (plainASCII), found eight bytes at a time: with ones = 0x0101…01, a byte of w is
// zero exactly when (w - ones) &^ w has a high bit set in some byte (a borrow only
// spreads from a byte that is zero, so a set bit means some byte is), and likewise a
// byte is below 0x20 when (x - 0x20·ones) &^ x has one; a high bit of x itself is a
// byte outside ASCII.
func plainPrefix(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		quote, slash := x^(ones*'"'), x^(ones*'\\')
		special := (x-ones*0x20)&^x | (quote-ones)&^quote | (slash-ones)&^slash | x
		if special&highs != 0 {
			break
		}
	}
	for i < len(s) && plainASCII[s[i]] {
		i++
	}
	return i
}

// appendQuoted appends s as a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced by U+FFFD, and U+2028/U+2029 escaped (as
// encoding/json does, so the line is also valid JavaScript).
// plainASCII marks the bytes a JSON string holds as they are: printable ASCII but
// the quote and the backslash.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	i := plainPrefix(s)
	if i == len(s) { // most strings need no escape at all
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
