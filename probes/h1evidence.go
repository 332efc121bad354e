package probes

import (
	"bytes"
	"slices"
	"sync/atomic"

	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/results"
)

// keptHeaders are the evidence headers of one response as read (before redaction):
// canonical names in the order met, values one after another in raw. A connection
// reuses one for every response it reads.
type keptHeaders struct {
	names []string
	ends  []int // where each value ends in raw
	raw   []byte
}

func (k *keptHeaders) reset() {
	k.names, k.ends, k.raw = k.names[:0], k.ends[:0], k.raw[:0]
}

func (k *keptHeaders) add(name string, value []byte) {
	k.names = append(k.names, name)
	k.raw = append(k.raw, value...)
	k.ends = append(k.ends, len(k.raw))
}

// has reports whether name was kept.
func (k *keptHeaders) has(name string) bool {
	return slices.Contains(k.names, name)
}

// value is the i-th kept value.
func (k *keptHeaders) value(i int) []byte {
	from := 0
	if i > 0 {
		from = k.ends[i-1]
	}
	return k.raw[from:k.ends[i]]
}

// fold joins a continuation line to the last kept value with a space, as net/http
// does, while the value stays within maxFoldedValue.
func (k *keptHeaders) fold(line []byte) {
	last := len(k.ends) - 1
	if len(k.value(last))+len(line) > maxFoldedValue {
		return
	}
	k.raw = append(k.raw, ' ')
	k.raw = append(k.raw, trimBlank(line)...)
	k.ends[last] = len(k.raw)
}

func (k *keptHeaders) equal(o *keptHeaders) bool {
	return slices.Equal(k.names, o.names) && slices.Equal(k.ends, o.ends) && bytes.Equal(k.raw, o.raw)
}

// evidenceMemo is the evidence of the last response a client read, shared by every
// sample whose response kept the same headers or the same body prefix: functions
// answer the same headers and body request after request, and building a header map
// and a body string for each was most of the memory a request allocated. Shared maps
// and strings are never written to (results.Evidence says so). Safe for concurrent
// use: each memo is immutable once published.
type evidenceMemo struct {
	headers atomic.Pointer[headersMemo]
	body    atomic.Pointer[bodyMemo]
}

type headersMemo struct {
	kept keptHeaders       // as read
	m    map[string]string // redacted
}

type bodyMemo struct{ raw, redacted string }

// headers returns the (redacted) map of what k kept, nil when nothing was kept.
func (e *evidenceMemo) headersOf(k *keptHeaders, rs *redact.Set) map[string]string {
	if len(k.names) == 0 {
		return nil
	}
	if m := e.headers.Load(); m != nil && m.kept.equal(k) {
		return m.m
	}
	m := &headersMemo{m: make(map[string]string, len(k.names))}
	m.kept.names = slices.Clone(k.names)
	m.kept.ends = slices.Clone(k.ends)
	m.kept.raw = bytes.Clone(k.raw)
	for i, n := range k.names {
		m.m[n] = rs.String(string(k.value(i)))
	}
	e.headers.Store(m)
	return m.m
}

// bodyOf returns the (redacted) body prefix as a string.
func (e *evidenceMemo) bodyOf(prefix []byte, rs *redact.Set) string {
	if m := e.body.Load(); m != nil && m.raw == string(prefix) {
		return m.redacted
	}
	raw := string(prefix)
	m := &bodyMemo{raw: raw, redacted: rs.String(raw)}
	e.body.Store(m)
	return m.redacted
}

// evidence keeps the allow-listed headers and the body prefix; nil when there is none.
func (c *h1Client) evidence(r *h1Resp) *results.Evidence {
	if r.headers == nil && len(r.prefix) == 0 {
		return nil
	}
	ev := &results.Evidence{Headers: r.headers}
	if len(r.prefix) > 0 {
		ev.Body = c.memo.bodyOf(r.prefix, c.redact)
	}
	return ev
}
