package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
)

// KnownProbes are the probe names a scenario may list.
var KnownProbes = []string{"instance", "latency", "marker", "platform"}

// isSafeName reports whether s matches ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ (a name
// usable in a file name). Written out: that regexp compiled into a hundred repeated
// states at every start of thaw.
func isSafeName(s string) bool {
	if len(s) == 0 || len(s) > 100 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// isHTTPMethod reports whether s matches ^[A-Z]+$.
func isHTTPMethod(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// validator collects the problems of one scenario. Not safe for concurrent use.
type validator struct {
	sc   *Scenario
	errs []error
}

// Validate checks the meaning of a parsed scenario and returns every problem at once,
// as *FieldError values joined with errors.Join (nil when it is valid). Each names the
// file position and field path. Problems Parse already reported for a field are not
// repeated. It does not modify sc and is safe for concurrent use.
func (sc *Scenario) Validate() error {
	v := &validator{sc: sc}
	v.scenario()
	v.target()
	v.secrets()
	v.guards()
	v.probes()
	v.pricing()
	v.phases()
	return errors.Join(v.errs...)
}

// Pos returns where the field at path was written, or the nearest enclosing field that
// has a position (zero if none, e.g. for a scenario built in memory).
func (sc *Scenario) Pos(path string) Position {
	for {
		if p, ok := sc.positions[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return sc.positions[""]
		}
		path = path[:i]
	}
}

func (v *validator) check(ok bool, path, format string, args ...any) {
	if ok || v.sc.failedAt(path) {
		return
	}
	v.errs = append(v.errs, &FieldError{File: v.sc.File, Pos: v.sc.Pos(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) scenario() {
	sc := v.sc
	v.check(sc.Version == 1, "version", "must be 1 (got %d)", sc.Version)
	v.check(sc.Name != "", "name", "is required")
	v.check(sc.Name == "" || isSafeName(sc.Name), "name",
		"must be usable as a directory name: letters, digits, '.', '_', '-', up to 100, not starting with a symbol")
	for i, th := range sc.Thresholds {
		v.check(strings.TrimSpace(th) != "", fmt.Sprintf("thresholds[%d]", i), "must not be empty")
	}
}

func (v *validator) target() {
	t := v.sc.Target
	switch t.Kind {
	case DefaultKind:
		v.httpTarget(t)
	case LambdaKind:
		v.lambdaTarget(t)
	default:
		v.check(false, "target.kind", "must be http or lambda (got %q)", t.Kind)
	}
	v.check(t.Timeout > 0, "target.timeout", "must be > 0")
	v.check(t.BodyPrefixBytes >= -1, "target.body_prefix_bytes", "must be >= 0, or -1 to keep no body")
}

func (v *validator) httpTarget(t Target) {
	v.check(t.URL != "", "target.url", "is required")
	if t.URL != "" {
		// the value is not echoed: a URL may carry a token
		v.check(httpURL(t.URL), "target.url", "must be an http:// or https:// URL with a host")
	}
	v.check(isHTTPMethod(t.Method), "target.method", "must be an upper-case HTTP method (got %q)", t.Method)
	v.check(t.Connection == "reuse" || t.Connection == "fresh", "target.connection", "must be reuse or fresh (got %q)", t.Connection)
	v.check(t.Client == "" || t.Client == "auto" || t.Client == "lean" || t.Client == "std", "target.client", "must be auto, lean or std (got %q)", t.Client)
	v.check(t.Client != "lean" || t.Auth == nil, "target.client", "lean cannot sign requests (auth): use auto or std")
	for _, name := range sortedKeys(t.Headers) {
		v.check(validHeaderName(name), "target.headers."+name, "is not a valid header name")
	}
	lambdaOnly := []struct {
		field string
		set   bool
	}{{"function", t.Function != ""}, {"qualifier", t.Qualifier != ""}, {"region", t.Region != ""},
		{"payload", t.Payload != ""}, {"log_tail", t.LogTail}, {"endpoint", t.Endpoint != ""}}
	for _, f := range lambdaOnly {
		v.check(!f.set, "target."+f.field, "is only for kind lambda")
	}
	if t.Auth != nil {
		s := t.Auth.SigV4
		v.check(s != nil, "target.auth", "needs sigv4")
		if s != nil {
			v.check(s.Service != "", "target.auth.sigv4.service", "is required (e.g. lambda)")
			v.check(s.Region != "", "target.auth.sigv4.region", "is required (e.g. eu-west-1)")
		}
	}
}

func (v *validator) lambdaTarget(t Target) {
	v.check(t.Function != "", "target.function", "is required for kind lambda")
	v.check(t.URL == "", "target.url", "is not used by kind lambda (name the function; endpoint: for an emulator)")
	v.check(t.Endpoint == "" || httpURL(t.Endpoint), "target.endpoint", "must be an http:// or https:// URL with a host")
	v.check(t.Payload == "" || json.Valid([]byte(t.Payload)), "target.payload", "must be JSON")
	v.check(t.Body == "", "target.body", "is not used by kind lambda (use payload)")
	v.check(len(t.Headers) == 0, "target.headers", "are not used by kind lambda")
	v.check(t.Auth == nil, "target.auth", "is not used by kind lambda (the SDK signs its calls)")
	v.check(t.Client == "", "target.client", "is not used by kind lambda")
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// pricing checks what needs no catalog; cmd/thaw checks model, arch, region and memory
// size against it.
func (v *validator) pricing() {
	p := v.sc.Pricing
	if p == nil {
		return
	}
	v.check(p.Model != "", "pricing.model", "is required")
	v.check(p.MemoryMB >= 0, "pricing.memory_mb", "must be >= 0")
	v.check(p.VCPU >= 0, "pricing.vcpu", "must be >= 0")
	v.check(p.EphemeralStorageMB >= 0, "pricing.ephemeral_storage_mb", "must be >= 0")
	v.check(p.MonthlyInvocations >= 0, "pricing.monthly_invocations", "must be >= 0")
	v.check(p.TimeoutMS >= 0, "pricing.timeout_ms", "must be >= 0")
	v.check(p.WarmInstances >= 0, "pricing.warm_instances", "must be >= 0")
	v.check(p.InstanceConcurrency >= 0, "pricing.instance_concurrency", "must be >= 0")
}

func (v *validator) probes() {
	seen := map[string]bool{}
	for i, p := range v.sc.Probes {
		path := fmt.Sprintf("probes[%d]", i)
		known := false
		for _, k := range KnownProbes {
			known = known || p.Name == k
		}
		v.check(known, path, "unknown probe %q (known: %s)", p.Name, strings.Join(KnownProbes, ", "))
		v.check(!seen[p.Name], path, "probe %q listed twice", p.Name)
		seen[p.Name] = true
	}
}

func (v *validator) phases() {
	v.check(len(v.sc.Phases) > 0, "phases", "at least one phase is required")
	seen := map[string]int{}
	for i, p := range v.sc.Phases {
		path := fmt.Sprintf("phases[%d]", i)
		v.check(p.Name != "", path+".name", "is required")
		if first, dup := seen[p.Name]; dup && p.Name != "" {
			v.check(false, path+".name", "%q is also the name of phases[%d]", p.Name, first)
		} else {
			seen[p.Name] = i
		}
		n := p.workloadCount()
		v.check(n == 1, path, "needs exactly one of idle, burst, rate, ramp, concurrency, trace (got %d)", n)
		v.idle(path+".idle", p.Idle)
		v.burst(path+".burst", p.Burst)
		v.rate(path+".rate", p.Rate)
		v.ramp(path+".ramp", p.Ramp)
		v.concurrency(path+".concurrency", p.Concurrency)
		v.trace(path+".trace", p.Trace)
	}
}

func (p Phase) workloadCount() int {
	n := 0
	for _, set := range []bool{p.Idle != nil, p.Burst != nil, p.Rate != nil, p.Ramp != nil, p.Concurrency != nil, p.Trace != nil} {
		if set {
			n++
		}
	}
	return n
}

func (v *validator) idle(path string, w *Idle) {
	if w == nil {
		return
	}
	v.check((len(w.Intervals) > 0) != (w.Search != nil), path, "needs either intervals or search")
	for i, d := range w.Intervals {
		v.check(d > 0, fmt.Sprintf("%s.intervals[%d]", path, i), "must be > 0")
	}
	v.check(w.Samples > 0, path+".samples", "must be > 0")
	v.check(w.Order == "given" || w.Order == "shuffled", path+".order", "must be given or shuffled (got %q)", w.Order)
	if s := w.Search; s != nil {
		path += ".search"
		v.check(s.Min > 0, path+".min", "must be > 0")
		v.check(s.Max > s.Min, path+".max", "must be > min")
		v.check(s.Precision > 0, path+".precision", "must be > 0")
		v.check(s.Samples > 0, path+".samples", "must be > 0")
	}
}

func (v *validator) burst(path string, w *Burst) {
	if w == nil {
		return
	}
	v.check(w.Size > 0, path+".size", "must be > 0")
	v.check(w.Repeat > 0, path+".repeat", "must be > 0")
	v.check(w.AfterIdle >= 0, path+".after_idle", "must be >= 0")
}

func (v *validator) rate(path string, w *Rate) {
	if w == nil {
		return
	}
	v.check(w.RPS > 0 && !math.IsInf(w.RPS, 0), path+".rps", "must be > 0")
	v.check(w.Duration > 0, path+".duration", "must be > 0")
	v.check(w.MaxInFlight > 0, path+".max_in_flight", "must be > 0")
}

func (v *validator) ramp(path string, w *Ramp) {
	if w == nil {
		return
	}
	v.check(w.From >= 0 && !math.IsInf(w.From, 0), path+".from", "must be >= 0")
	v.check(len(w.Stages) > 0, path+".stages", "at least one stage is required")
	for i, st := range w.Stages {
		sp := fmt.Sprintf("%s.stages[%d]", path, i)
		v.check(st.To >= 0 && !math.IsInf(st.To, 0), sp+".to", "must be >= 0")
		v.check(st.Over > 0, sp+".over", "must be > 0")
	}
	v.check(w.MaxInFlight > 0, path+".max_in_flight", "must be > 0")
}

func (v *validator) concurrency(path string, w *Concurrency) {
	if w == nil {
		return
	}
	v.check(w.Workers > 0, path+".workers", "must be > 0")
	v.check(w.Duration > 0 || w.Iterations > 0, path, "needs duration or iterations")
	v.check(w.Duration >= 0, path+".duration", "must be > 0")
	v.check(w.Iterations >= 0, path+".iterations", "must be > 0")
}

// failedAt reports whether Parse already reported a problem at path or inside it.
func (sc *Scenario) failedAt(path string) bool {
	for p := range sc.decodeFailed {
		if p == path || strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

func (v *validator) trace(path string, w *Trace) {
	if w == nil {
		return
	}
	v.check(w.Format == TraceAzure2019 || w.Format == TraceAzure2021, path+".format",
		"must be %s or %s (got %q)", TraceAzure2019, TraceAzure2021, w.Format)
	v.check(w.Invocations != "", path+".invocations", "is required (the trace file)")
	v.check(w.Durations == "" || w.Format != TraceAzure2021, path+".durations", "is for azure-2019 only (azure-2021 rows carry their duration)")
	v.check(w.Top >= 0, path+".top", "must be > 0")
	v.check(w.Top == 0 || len(w.Functions) == 0, path, "needs functions or top, not both")
	for i, fn := range w.Functions {
		v.check(fn != "", fmt.Sprintf("%s.functions[%d]", path, i), "must not be empty")
	}
	if len(w.DayMinutes) > 0 {
		ok := len(w.DayMinutes) == 2 && w.DayMinutes[0] >= 0 && w.DayMinutes[1] > w.DayMinutes[0]
		v.check(ok, path+".day_minutes", "must be [from, to] with 0 <= from < to (minutes from the trace start)")
	}
	v.check(w.Spread == SpreadExponential || w.Spread == SpreadUniform || w.Spread == SpreadEquidistant,
		path+".spread", "must be exponential, uniform or equidistant (got %q)", w.Spread)
	v.check(w.MaxInFlight > 0, path+".max_in_flight", "must be > 0")
}
