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
	return appendSample(b, s, nil)
}

// evidenceText is the encoded evidence of the last sample a Writer wrote, reused for
// the next sample that holds the same header map, body and log and no reasons: an
// invoker shares one header map among samples while responses repeat it (Evidence
// says shared maps are never written to), so the same map is the same text.
type evidenceText struct {
	headers   map[string]string
	body, log string
	text      []byte // the evidence object, braces included
}

// SameMap reports whether a and b are one map, not merely equal ones (Evidence maps
// shared among samples are recognised so). A map value is a pointer to the runtime's
// map; comparing the pointers is what reflect's UnsafePointer does, without its cost
// on every sample.
func SameMap(a, b map[string]string) bool {
	return *(*unsafe.Pointer)(unsafe.Pointer(&a)) == *(*unsafe.Pointer)(unsafe.Pointer(&b))
}

// appendSample is AppendSample, reusing c's text for evidence it has already encoded
// (c may be nil).
func appendSample(b []byte, s *Sample, c *evidenceText) ([]byte, error) {
	e := encoder{b: append(b, '{')}
	e.int("seq", s.Seq)
	e.str("request_id", s.RequestID)
	e.str("phase", s.Phase)
	e.time("scheduled", s.Scheduled)
	e.time("start", s.Start)
	e.num("latency_ms", s.LatencyMS)
	e.num("intended_latency_ms", s.IntendedLatencyMS)
	e.num("ttfb_ms", s.TTFBMS)
	e.num("dns_ms", s.DNSMS)
	e.num("connect_ms", s.ConnectMS)
	e.num("tls_ms", s.TLSMS)
	e.flag("conn_reused", s.ConnReused)
	e.num("idle_before_ms", s.IdleBeforeMS)
	e.int("in_flight", int64(s.InFlight))
	e.int("status", int64(s.Status))
	e.str("error", s.Error)
	e.str("error_detail", s.ErrorDetail)
	e.int("retries", int64(s.Retries))
	e.str("class", string(s.Class))
	e.str("kind", s.Kind)
	e.str("decided_by", s.DecidedBy)
	e.num("confidence", s.Confidence)
	e.str("instance", s.Instance)
	e.num("init_ms", s.InitMS)
	e.num("billed_ms", s.BilledMS)
	e.num("max_memory_mb", s.MaxMemoryMB)
	e.num("platform_duration_ms", s.PlatformDurMS)
	if ev := s.Evidence; ev != nil && (len(ev.Headers) > 0 || ev.Body != "" || ev.Log != "" || len(ev.Reasons) > 0) {
		e.key("evidence")
		reuse := c != nil && len(ev.Reasons) == 0 && len(ev.Headers) > 0
		if reuse && SameMap(c.headers, ev.Headers) && c.body == ev.Body && c.log == ev.Log {
			e.b = append(e.b, c.text...)
		} else {
			from := len(e.b)
			e.b = append(e.b, '{')
			e.strMap("headers", ev.Headers)
			e.str("body", ev.Body)
			e.str("log", ev.Log)
			e.strMap("reasons", ev.Reasons)
			e.b = append(e.b, '}')
			if reuse {
				c.headers, c.body, c.log = ev.Headers, ev.Body, ev.Log
				c.text = append(c.text[:0], e.b[from:]...)
			}
		}
	}
	e.num("cpu_ms", s.CPUMS)
	e.b = append(e.b, '}')
	return e.b, e.err
}

// errNotFinite is the error for a NaN or infinite number, which JSON cannot hold.
var errNotFinite = errors.New("encode sample: NaN or infinite number")

// encoder writes one JSON object's members into b.
type encoder struct {
	b   []byte
	err error
}

func (e *encoder) key(k string) {
	if len(e.b) > 0 && e.b[len(e.b)-1] != '{' {
		e.b = append(e.b, ',')
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

func (e *encoder) int(k string, v int64) {
	if v != 0 {
		e.key(k)
		e.b = strconv.AppendInt(e.b, v, 10)
	}
}

func (e *encoder) flag(k string, v bool) {
	if v {
		e.key(k)
		e.b = append(e.b, "true"...)
	}
}

// num writes a float as encoding/json does: shortest representation, exponent form
// only for very small or very large magnitudes.
func (e *encoder) num(k string, v float64) {
	if v == 0 {
		return
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		e.err = errNotFinite
		return
	}
	e.key(k)
	if a := math.Abs(v); a >= 1e-3 && a < 1e9 {
		if us := math.Round(v * 1000); us/1000 == v {
			e.b = appendMicros(e.b, int64(us))
			return
		}
	}
	format := byte('f')
	if a := math.Abs(v); a < 1e-6 || a >= 1e21 {
		format = 'e'
	}
	e.b = strconv.AppendFloat(e.b, v, format, -1, 64)
}

// appendMicros writes us microseconds as milliseconds, the way strconv's shortest
// form writes the float us/1000 (durations are kept to the microsecond, and this is
// several times faster): a value with at most 15 significant digits has no shorter
// decimal form that reads back as the same float, so the exact decimal, trailing
// zeros cut, is the shortest.
func appendMicros(b []byte, us int64) []byte {
	if us < 0 {
		b = append(b, '-')
		us = -us
	}
	b = strconv.AppendInt(b, us/1000, 10)
	frac := us % 1000
	if frac == 0 {
		return b
	}
	digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 3
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

func (e *encoder) time(k string, t time.Time) {
	if t.IsZero() {
		return
	}
	e.key(k)
	e.b = append(e.b, '"')
	e.b = appendRFC3339Nano(e.b, t)
	e.b = append(e.b, '"')
}

// secondText is one second of one location written as RFC 3339: the date and time
// before the fraction, and the zone after it.
type secondText struct {
	unix       int64
	loc        *time.Location
	head, zone string
}

// lastSecond caches the text of the second last written: samples come in time order,
// so most times share it, and only the fraction is written anew.
var lastSecond atomic.Pointer[secondText]

// appendRFC3339Nano appends t as t.AppendFormat(b, time.RFC3339Nano) does.
func appendRFC3339Nano(b []byte, t time.Time) []byte {
	c := lastSecond.Load()
	if c == nil || c.unix != t.Unix() || c.loc != t.Location() {
		if y := t.Year(); y < 0 || y > 9999 { // not four digits: no shortcut
			return t.AppendFormat(b, time.RFC3339Nano)
		}
		whole := t.Truncate(time.Second).Format(time.RFC3339) // no fraction
		n := len("2006-01-02T15:04:05")
		c = &secondText{unix: t.Unix(), loc: t.Location(), head: whole[:n], zone: whole[n:]}
		lastSecond.Store(c)
	}
	b = append(b, c.head...)
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for i, v := 9, ns; i >= 1; i-- {
			frac[i] = byte('0' + v%10)
			v /= 10
		}
		end := 10
		for frac[end-1] == '0' {
			end--
		}
		b = append(b, frac[:end]...)
	}
	return append(b, c.zone...)
}

func (e *encoder) str(k, v string) {
	if v == "" {
		return
	}
	e.key(k)
	e.b = appendQuoted(e.b, v)
}

// strMap writes a map of strings with sorted keys (as encoding/json does).
func (e *encoder) strMap(k string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	e.key(k)
	var small [8]string // evidence keeps a few headers: no allocation for them
	keys := small[:0]
	for mk := range m {
		keys = append(keys, mk)
	}
	if len(keys) > 1 {
		slices.Sort(keys)
	}
	e.b = append(e.b, '{')
	for i, mk := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.b = appendQuoted(e.b, mk)
		e.b = append(e.b, ':')
		e.b = appendQuoted(e.b, m[mk])
	}
	e.b = append(e.b, '}')
}

const hexDigits = "0123456789abcdef"

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
	i := 0
	for i < len(s) && plainASCII[s[i]] { // most strings need no escape at all
		i++
	}
	if i == len(s) {
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
