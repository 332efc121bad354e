package scenarios

import "reflect"

func reflectValue(sc *Scenario) reflect.Value { return reflect.ValueOf(sc).Elem() }

// ApplyDefaults fills the fields left at their zero value with the documented defaults
// (DefaultMethod, DefaultTimeout, …; samples and repeat 1; DefaultProbes). Parse calls
// it; call it yourself on a Scenario built in memory. Not safe for concurrent use.
func (sc *Scenario) ApplyDefaults() {
	t := &sc.Target
	setDefault(&t.Kind, DefaultKind)
	setDefault(&t.Method, DefaultMethod)
	setDefault(&t.Connection, DefaultConnection)
	setDefault(&t.RequestIDHeader, DefaultRequestIDHeader)
	if t.Timeout == 0 {
		t.Timeout = Duration(DefaultTimeout)
	}
	if t.BodyPrefixBytes == 0 {
		t.BodyPrefixBytes = DefaultBodyPrefixBytes
	}
	if r := t.Retry; r != nil {
		if r.On == nil {
			r.On = []string{"throttled", "5xx"}
		}
		if r.Backoff == 0 {
			r.Backoff = Duration(DefaultRetryBackoff)
		}
	}
	if sc.Probes == nil {
		for _, name := range DefaultProbes {
			sc.Probes = append(sc.Probes, ProbeSpec{Name: name})
		}
	}
	for i := range sc.Phases {
		sc.Phases[i].applyDefaults()
	}
}

func (p *Phase) applyDefaults() {
	if p.Idle != nil {
		setDefaultInt(&p.Idle.Samples, 1)
		setDefault(&p.Idle.Order, "given")
		if p.Idle.Search != nil {
			setDefaultInt(&p.Idle.Search.Samples, 1)
		}
	}
	if p.Burst != nil {
		setDefaultInt(&p.Burst.Repeat, 1)
	}
	if p.Rate != nil {
		setDefaultInt(&p.Rate.MaxInFlight, DefaultMaxInFlight)
	}
	if p.Ramp != nil {
		setDefaultInt(&p.Ramp.MaxInFlight, DefaultMaxInFlight)
	}
	if p.Trace != nil {
		setDefaultInt(&p.Trace.MaxInFlight, DefaultMaxInFlight)
		setDefault(&p.Trace.Spread, SpreadExponential)
	}
}

func setDefault(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

func setDefaultInt(n *int, v int) {
	if *n == 0 {
		*n = v
	}
}
