package k6

import (
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// Request is one HTTP request read from a k6 file: its thaw sample, the workload its
// scenario declared (faas_workload tag, "" if none) and its URL without credentials
// or query.
type Request struct {
	Sample   results.Sample
	Workload string
	URL      string
}

// inFlightRing is how many recent response ends are kept to count requests in flight.
const inFlightRing = 256

// builder turns complete groups into samples, keeping what spans requests: the
// sequence number, the latest response end (for idle_before_ms) and recent ends (for
// in_flight, exact up to inFlightRing concurrent requests).
type builder struct {
	seq     int64
	lastEnd time.Time
	ends    [inFlightRing]time.Time
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func (b *builder) build(g *group) Request {
	v := &g.vals
	latency := v[slotBlocked] + v[slotSending] + v[slotWaiting] + v[slotReceiving]
	start := g.end.Add(-ms(latency))
	b.seq++
	s := results.Sample{
		Seq:          b.seq,
		RequestID:    g.meta[MetaRequestID],
		Phase:        g.tags["scenario"],
		Scheduled:    start,
		Start:        start,
		LatencyMS:    latency,
		TTFBMS:       v[slotBlocked] + v[slotSending] + v[slotWaiting],
		DNSMS:        max(v[slotBlocked]-v[slotConnect]-v[slotTLS], 0),
		ConnectMS:    v[slotConnect],
		TLSMS:        v[slotTLS],
		ConnReused:   v[slotConnect] == 0 && v[slotTLS] == 0,
		IdleBeforeMS: -1,
		Class:        results.Unknown,
	}
	if s.RequestID == "" {
		s.RequestID = requestIDPrefix + strconv.FormatInt(b.seq, 10)
	}
	if s.Phase == "" {
		s.Phase = DefaultPhase
	}
	s.Status, _ = strconv.Atoi(g.tags["status"])
	s.Error = ErrorKind(s.Status, g.tags["error_code"])
	if s.Error == "" && g.has(slotFailed) && g.vals[slotFailed] != 0 {
		s.Error = results.ErrOther // failed by the script's responseCallback
	}
	if s.Error != "" {
		s.ErrorDetail = scrubText(g.tags["error"])
	}
	b.verdict(&s, g)
	b.timeline(&s)
	return Request{Sample: s, Workload: g.tags[TagWorkload], URL: scrubURL(g.tags["url"])}
}

// verdict sets the class from a faas_class tag on the request or thaw.js's verdict.
func (b *builder) verdict(s *results.Sample, g *group) {
	class, inst, initMS := g.tags[TagClass], g.meta[MetaInstance], 0.0
	if g.verdict != nil {
		class, inst, initMS = g.verdict.class, g.verdict.instance, g.verdict.initMS
	} else if v := g.meta[MetaInitMS]; v != "" {
		initMS, _ = strconv.ParseFloat(v, 64)
	}
	s.Instance = inst
	switch results.Class(class) {
	case results.Cold:
		s.Class, s.Kind, s.InitMS = results.Cold, results.KindCold, initMS
	case results.Warm:
		s.Class, s.Kind = results.Warm, results.KindWarm
	default:
		return
	}
	s.DecidedBy, s.Confidence = DecidedBy, 1
}

// timeline fills idle_before_ms and in_flight from the requests emitted before.
func (b *builder) timeline(s *results.Sample) {
	if !b.lastEnd.IsZero() {
		s.IdleBeforeMS = max(float64(s.Start.Sub(b.lastEnd))/float64(time.Millisecond), 0)
	}
	s.InFlight = 1
	for _, e := range b.ends {
		if e.After(s.Start) {
			s.InFlight++
		}
	}
	end := s.End()
	b.ends[b.seq%inFlightRing] = end
	if end.After(b.lastEnd) {
		b.lastEnd = end
	}
}

// ErrorKind maps a k6 request's status and error_code tag to thaw's error kinds
// (results.Err*); "" for a success. k6's codes: 1050 request timeout, 1100–1199 DNS,
// 1201 broken pipe, 1211 dial timeout, 1212 connection refused, 1220 reset by peer,
// 1300–1399 TLS and x509, 1400–1599 HTTP 4xx/5xx (1000 + status).
func ErrorKind(status int, code string) string {
	c, _ := strconv.Atoi(code)
	switch {
	case c == 1050 || c == 1211:
		return results.ErrTimeout
	case c >= 1100 && c < 1200:
		return results.ErrDNS
	case c == 1212:
		return results.ErrRefused
	case c == 1220 || c == 1201:
		return results.ErrReset
	case c >= 1300 && c < 1400:
		return results.ErrTLS
	case status == 429:
		return results.ErrThrottled
	case status >= 500 && status < 600:
		return results.ErrStatus5xx
	case status >= 400 && status < 500:
		return results.ErrStatus4xx
	case c != 0 || status == 0 || status >= 600:
		return results.ErrOther
	}
	return ""
}

// scrubURL drops credentials, query and fragment from a URL: they may hold secrets.
func scrubURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// urlInText matches a URL inside free text; compiled on first use, not at start-up.
var urlInText = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)
})

// scrubText removes credentials and queries from URLs inside a message.
func scrubText(s string) string {
	return urlInText().ReplaceAllStringFunc(s, scrubURL)
}
