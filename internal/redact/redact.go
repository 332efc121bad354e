// Package redact scrubs secret values (credentials sent to a target) from everything
// thaw writes: samples, summaries, reports, messages. A Set is built once from the
// secret values of a scenario and then applied wherever text may echo them: at the
// point where evidence is captured, and again before anything is written.
//
// A Set is immutable once built and safe for concurrent use.
package redact

import (
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/thaw-dev/thaw/results"
)

// Placeholder replaces every secret found.
const Placeholder = "[redacted]"

// MinLen is the shortest value a Set scrubs. Shorter values ("1", "on") are not
// credentials, and replacing them everywhere would destroy the evidence.
const MinLen = 4

// SecretHeaders are the request headers whose values are always secret, whatever the
// scenario says (canonical form).
var SecretHeaders = []string{
	"Authorization", "Cookie", "Proxy-Authorization", "X-Api-Key", "Api-Key",
	"X-Auth-Token", "X-Amz-Security-Token", "X-Functions-Key", "Ocp-Apim-Subscription-Key",
}

// IsSecretHeader reports whether a request header carries a credential by its name.
func IsSecretHeader(name string) bool {
	for _, h := range SecretHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// HeaderValues returns the secret parts of a credential header's value: the whole
// value and, for a scheme form ("Bearer abc", "Basic xyz"), the credential after the
// scheme, which a target may echo on its own.
func HeaderValues(v string) []string {
	out := []string{v}
	if scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " "); ok && scheme != "" && !strings.Contains(scheme, "=") {
		out = append(out, strings.TrimSpace(cred))
	}
	return out
}

// Set is a set of secret values and the forms a target or an encoder may turn them
// into (JSON-escaped, URL-escaped). The zero value and nil scrub nothing.
type Set struct {
	forms []string // longest first, so that a longer secret wins over a part of it
	r     *strings.Replacer
}

// New returns a Set of values; empty values and values shorter than MinLen are
// ignored, duplicates are kept once.
func New(values ...string) *Set {
	seen := map[string]bool{}
	var forms []string
	for _, v := range values {
		if len(v) < MinLen {
			continue
		}
		for _, f := range variants(v) {
			if len(f) >= MinLen && !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	s := &Set{forms: forms}
	if len(forms) > 0 {
		pairs := make([]string, 0, 2*len(forms))
		for _, f := range forms {
			pairs = append(pairs, f, Placeholder)
		}
		s.r = strings.NewReplacer(pairs...)
	}
	return s
}

// variants are the forms a secret may take once echoed or encoded.
func variants(v string) []string {
	out := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	if b, err := json.Marshal(v); err == nil {
		j := strings.Trim(string(b), `"`)
		out = append(out, j, strings.ReplaceAll(j, "/", `\/`)) // some encoders escape '/'
	}
	return out
}

// Len is the number of forms the Set looks for (0: it scrubs nothing).
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.forms)
}

// String returns v with every secret replaced by Placeholder. A secret cut short at
// the end of v (a truncated body prefix) or at its start (a log tail) is replaced too,
// when at least MinLen of its bytes are there.
func (s *Set) String(v string) string {
	if s.Len() == 0 || v == "" {
		return v
	}
	v = s.r.Replace(v)
	for _, f := range s.forms {
		for k := len(f) - 1; k >= MinLen; k-- {
			if strings.HasSuffix(v, f[:k]) {
				v = v[:len(v)-k] + Placeholder
				break
			}
		}
		for k := len(f) - 1; k >= MinLen; k-- {
			if strings.HasPrefix(v, f[len(f)-k:]) {
				v = Placeholder + v[k:]
				break
			}
		}
	}
	return v
}

// Bytes is String for a byte slice; it returns b itself when there is nothing to do.
func (s *Set) Bytes(b []byte) []byte {
	if s.Len() == 0 || len(b) == 0 {
		return b
	}
	return []byte(s.String(string(b)))
}

// Sample scrubs every free-text field of a sample in place: the error detail, the
// instance id, and the kept evidence (header values, body prefix, log tail, probe
// reasons).
func (s *Set) Sample(smp *results.Sample) {
	if s.Len() == 0 || smp == nil {
		return
	}
	smp.ErrorDetail = s.String(smp.ErrorDetail)
	smp.Instance = s.String(smp.Instance)
	ev := smp.Evidence
	if ev == nil {
		return
	}
	ev.Body = s.String(ev.Body)
	ev.Log = s.String(ev.Log)
	ev.Headers = s.Map(ev.Headers)
	for k, v := range ev.Reasons {
		ev.Reasons[k] = s.String(v)
	}
}

// Map returns m with every value scrubbed: m itself when no value changes, else a new
// map (m may be shared with other samples and is never written to).
func (s *Set) Map(m map[string]string) map[string]string {
	changed := false
	for _, v := range m {
		if s.String(v) != v {
			changed = true
			break
		}
	}
	if !changed {
		return m
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = s.String(v)
	}
	return out
}

// Writer returns a writer that scrubs each Write before passing it to w (a secret
// split across two writes is not seen: write whole lines). With an empty Set it
// returns w.
func (s *Set) Writer(w io.Writer) io.Writer {
	if s.Len() == 0 {
		return w
	}
	return &writer{s: s, w: w}
}

type writer struct {
	s *Set
	w io.Writer
}

// Write scrubs p and writes it; it reports len(p) on success, as callers expect.
func (w *writer) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.s.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
