package results_test

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/thaw-dev/thaw/results"
)

// refLine is the samples file's line for s (without the newline) as the format is
// specified, written the slow and plain way from the standard library, member by
// member: the oracle the fast encoder and the Writer are held to, byte for byte.
// Members come in Sample's field order and are left out when zero; numbers are
// strconv's shortest form ('e' below 1e-6 and from 1e21, as encoding/json chooses);
// times are time.RFC3339Nano; strings are escaped as refQuote says; map keys are
// sorted; an evidence with nothing in it is left out.
func refLine(s *results.Sample) string {
	var m []string
	str := func(k, v string) {
		if v != "" {
			m = append(m, refQuote(k)+":"+refQuote(v))
		}
	}
	num := func(k string, v float64) {
		if v == 0 {
			return
		}
		format := byte('f')
		if a := math.Abs(v); a < 1e-6 || a >= 1e21 {
			format = 'e'
		}
		m = append(m, refQuote(k)+":"+strconv.FormatFloat(v, format, -1, 64))
	}
	integer := func(k string, v int64) {
		if v != 0 {
			m = append(m, refQuote(k)+":"+strconv.FormatInt(v, 10))
		}
	}
	at := func(k string, t time.Time) {
		if !t.IsZero() {
			m = append(m, refQuote(k)+":"+refQuote(t.Format(time.RFC3339Nano)))
		}
	}
	integer("seq", s.Seq)
	str("request_id", s.RequestID)
	str("phase", s.Phase)
	at("scheduled", s.Scheduled)
	at("start", s.Start)
	num("latency_ms", s.LatencyMS)
	num("intended_latency_ms", s.IntendedLatencyMS)
	num("ttfb_ms", s.TTFBMS)
	num("dns_ms", s.DNSMS)
	num("connect_ms", s.ConnectMS)
	num("tls_ms", s.TLSMS)
	if s.ConnReused {
		m = append(m, `"conn_reused":true`)
	}
	num("idle_before_ms", s.IdleBeforeMS)
	integer("in_flight", int64(s.InFlight))
	integer("status", int64(s.Status))
	str("error", s.Error)
	str("error_detail", s.ErrorDetail)
	integer("retries", int64(s.Retries))
	str("class", string(s.Class))
	str("kind", s.Kind)
	str("decided_by", s.DecidedBy)
	num("confidence", s.Confidence)
	str("instance", s.Instance)
	num("init_ms", s.InitMS)
	num("billed_ms", s.BilledMS)
	num("max_memory_mb", s.MaxMemoryMB)
	num("platform_duration_ms", s.PlatformDurMS)
	if ev := s.Evidence; ev != nil {
		var e []string
		if len(ev.Headers) > 0 {
			e = append(e, `"headers":`+refMap(ev.Headers))
		}
		if ev.Body != "" {
			e = append(e, `"body":`+refQuote(ev.Body))
		}
		if ev.Log != "" {
			e = append(e, `"log":`+refQuote(ev.Log))
		}
		if len(ev.Reasons) > 0 {
			e = append(e, `"reasons":`+refMap(ev.Reasons))
		}
		if len(e) > 0 {
			m = append(m, `"evidence":{`+strings.Join(e, ",")+"}")
		}
	}
	num("cpu_ms", s.CPUMS)
	return "{" + strings.Join(m, ",") + "}"
}

// refMap is a JSON object of strings with sorted keys.
func refMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = refQuote(k) + ":" + refQuote(m[k])
	}
	return "{" + strings.Join(keys, ",") + "}"
}

// refQuote is s as a JSON string, rune by rune: the quote and the backslash escaped,
// \n \r \t by name and every other control character as \u00XX (lowercase hex), an
// invalid UTF-8 byte as \ufffd, U+2028 and U+2029 escaped (so the line is also valid
// JavaScript), everything else as it is (no HTML escaping).
func refQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\ufffd`)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
	return b.String()
}
