package threshold

import (
	"strconv"
	"strings"
	"time"
)

var rates = map[string]bool{RateCold: true, RateWarm: true, RateUnknown: true, RateError: true, RateThrottle: true, RateDropped: true, RateLate: true}

var sources = map[string]bool{SourceAll: true, SourceCold: true, SourceWarm: true, SourceInit: true, SourceServer: true, SourceIntended: true}

var stats = map[string]Stat{"avg": StatAvg, "med": StatMed, "min": StatMin, "max": StatMax, "count": StatCount}

const metricHelp = "expected a metric (p(95), avg, med, min, max, count, cold.…, warm.…, init.…, cold_rate, error_rate, throttle_rate, dropped_rate, late_rate, cost_per_million, phase[NAME].…)"

func (p *parser) metric() (Metric, error) {
	var m Metric
	t := p.peek()
	if t.kind == tIdent && t.text == "phase" {
		p.take()
		name, err := p.phase()
		if err != nil {
			return Metric{}, err
		}
		m.Phase = name
		t = p.peek()
	}
	if t.kind != tIdent {
		return Metric{}, errTok(t, "%s, found %s", metricHelp, describe(t))
	}
	p.take()
	switch {
	case rates[t.text]:
		m.Kind, m.Rate = KindRate, t.text
	case t.text == "cost_per_million":
		if m.Phase != "" {
			return Metric{}, errTok(t, "cost_per_million is only known for the whole run, not per phase")
		}
		m.Kind = KindCost
	case t.text == "count":
		m.Kind = KindCount
	case sources[t.text]:
		if _, err := p.expect(".", "\".\" after "+t.text); err != nil {
			return Metric{}, err
		}
		m.Kind, m.Source = KindLatency, t.text
		return m, p.stat(&m, p.take())
	default:
		m.Kind, m.Source = KindLatency, SourceAll
		if err := p.stat(&m, t); err != nil {
			return Metric{}, err
		}
	}
	return m, nil
}

func (p *parser) phase() (string, error) {
	if _, err := p.expect("[", "\"[\" after phase"); err != nil {
		return "", err
	}
	name := p.take() // the lexer guarantees a name and "]" after "["
	p.take()
	if _, err := p.expect(".", "\".\" after phase["+name.text+"]"); err != nil {
		return "", err
	}
	return name.text, nil
}

func (p *parser) stat(m *Metric, t token) error {
	if t.kind != tIdent {
		return errTok(t, "expected a statistic (p(N), avg, med, min, max, count), found %s", describe(t))
	}
	if s, ok := stats[t.text]; ok {
		m.Stat = s
		return nil
	}
	if t.text != "p" {
		if q, ok := strings.CutPrefix(t.text, "p"); ok && q != "" && strings.Trim(q, "0123456789") == "" {
			return errTok(t, "unknown statistic %q: write p(%s)", t.text, q)
		}
		if t.text == "rate" {
			return errTok(t, "rate is not a latency statistic: write error_rate, cold_rate, throttle_rate, dropped_rate or late_rate (k6's http_req_failed rate is error_rate)")
		}
		return errTok(t, "unknown statistic %q: expected p(N), avg, med, min, max or count", t.text)
	}
	if _, err := p.expect("(", "\"(\" after p"); err != nil {
		return err
	}
	n := p.take()
	if n.kind != tNumber {
		return errTok(n, "expected a percentile between 0 and 100, found %s", describe(n))
	}
	q, err := strconv.ParseFloat(n.text, 64)
	if err != nil || q < 0 || q > 100 {
		return errTok(n, "percentile %s is out of range: expected 0 to 100", n.text)
	}
	if _, err := p.expect(")", "\")\""); err != nil {
		return err
	}
	m.Stat, m.Q = StatPercentile, q
	return nil
}

// value reads the limit and converts it to the metric's base unit.
func (p *parser) value(m Metric) (float64, error) {
	dollar := false
	if t := p.peek(); t.kind == tPunct && t.text == "$" {
		p.take()
		dollar = true
	}
	n := p.take()
	if n.kind != tNumber {
		return 0, errTok(n, "expected a number, found %s", describe(n))
	}
	v, err := strconv.ParseFloat(n.text, 64)
	if err != nil {
		return 0, errTok(n, "bad number %s", n.text)
	}
	unit, ut := p.unit()
	if dollar {
		if m.Kind != KindCost {
			return 0, errTok(n, "$ fits only cost_per_million, not %s", m)
		}
		if unit != "" {
			return 0, errTok(ut, "unexpected unit %q after a $ amount", unit)
		}
		return v, nil
	}
	return convert(m, v, unit, n, ut)
}

// unit reads an optional unit right after a number: an identifier or %.
func (p *parser) unit() (string, token) {
	t := p.peek()
	if t.kind == tPunct && t.text == "%" {
		p.take()
		return "%", t
	}
	if t.kind == tIdent && !isOption(t.text) {
		p.take()
		return t.text, t
	}
	return "", t
}

func isOption(s string) bool { return s == "abort_on_fail" || s == "grace" }

func convert(m Metric, v float64, unit string, n, ut token) (float64, error) {
	switch unit {
	case "", "ms", "s", "%":
	default:
		return 0, errTok(ut, "unknown unit %q: expected a unit (ms, s, %%, $)", unit)
	}
	switch {
	case m.Kind == KindLatency && m.Stat != StatCount:
		switch unit {
		case "ms":
			return v, nil
		case "s":
			return v * 1000, nil
		case "":
			if v == 0 {
				return 0, nil
			}
			return 0, errTok(ut, "expected a unit (ms, s) after %s: %s is a latency (k6's unitless %s is %sms)", n.text, m, n.text, n.text)
		}
		return 0, errTok(ut, "unit %s does not fit %s, a latency (use ms or s)", unit, m)
	case m.Kind == KindRate:
		switch unit {
		case "%":
			if v > 100 {
				return 0, errTok(n, "%s%% is more than 100%%", n.text)
			}
			return v, nil
		case "":
			if v == 0 {
				return 0, nil
			}
			if v < 1 {
				return 0, errTok(ut, "expected %% after %s: %s is a rate in percent (k6's fraction %s is %s%%; write that, or %s%% if you meant it)", n.text, m, n.text, strconv.FormatFloat(v*100, 'g', 6, 64), n.text)
			}
			return 0, errTok(ut, "expected %% after %s: %s is a rate (write %s%%)", n.text, m, n.text)
		}
		return 0, errTok(ut, "unit %s does not fit %s, a rate (use %%)", unit, m)
	case m.Kind == KindCost:
		if unit == "" {
			return v, nil
		}
		return 0, errTok(ut, "unit %s does not fit cost_per_million, in US dollars (write $0.40 or 0.40)", unit)
	}
	if unit != "" { // counts
		return 0, errTok(ut, "unit %s does not fit %s, a count (write a bare number)", unit, m)
	}
	return v, nil
}

func (p *parser) options(t *Threshold) error {
	graceSet := false
	var graceTok token
	for {
		o := p.take()
		switch {
		case o.kind == tEOF:
			if graceSet && !t.AbortOnFail {
				return errTok(graceTok, "grace needs abort_on_fail")
			}
			return nil
		case o.kind == tIdent && o.text == "abort_on_fail":
			t.AbortOnFail = true
		case o.kind == tIdent && o.text == "grace":
			d, err := p.grace()
			if err != nil {
				return err
			}
			t.Grace, graceSet, graceTok = d, true, o
		default:
			return errTok(o, "expected abort_on_fail, grace=DURATION or the end, found %s", describe(o))
		}
	}
}

func (p *parser) grace() (time.Duration, error) {
	if _, err := p.expect("=", "\"=\" after grace"); err != nil {
		return 0, err
	}
	n := p.take()
	if n.kind != tNumber {
		return 0, errTok(n, "expected a duration such as 30s after grace=, found %s", describe(n))
	}
	v, _ := strconv.ParseFloat(n.text, 64) // the lexer only makes valid numbers
	u := p.take()
	mult := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[u.text]
	if u.kind != tIdent || mult == 0 {
		return 0, errTok(u, "expected a duration unit (ms, s, m, h) after %s, found %s", n.text, describe(u))
	}
	if v*float64(mult) > float64(24*time.Hour) {
		return 0, errTok(n, "grace %s%s is longer than 24h", n.text, u.text)
	}
	return time.Duration(v * float64(mult)), nil
}
