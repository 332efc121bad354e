package probes

import (
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
	m     map[string]string // redacted
	exact bool              // no value was changed by redaction: m holds them as read
}

type bodyMemo struct {
	s     string // redacted
	exact bool   // s is the body as read
}

// headersOf returns the (redacted) map of what k kept, nil when nothing was kept. A
// response whose values differ (a Server-Timing duration that changes with every
// answer) costs one small allocation more than a map of its own.
func (e *evidenceMemo) headersOf(k *keptHeaders, rs *redact.Set) map[string]string {
	if len(k.names) == 0 {
		return nil
	}
	if h := e.headers.Load(); h != nil && h.exact && len(h.m) == len(k.names) {
		same := true
		for i, n := range k.names { // names are distinct: equal sizes and values, equal maps
			if v, ok := h.m[n]; !ok || v != string(k.value(i)) {
				same = false
				break
			}
		}
		if same {
			return h.m
		}
	}
	h := &headersMemo{m: make(map[string]string, len(k.names)), exact: true}
	for i, n := range k.names {
		raw := string(k.value(i))
		v := rs.String(raw)
		h.exact = h.exact && v == raw
		h.m[n] = v
	}
	e.headers.Store(h)
	return h.m
}

// bodyOf returns the (redacted) body prefix as a string.
func (e *evidenceMemo) bodyOf(prefix []byte, rs *redact.Set) string {
	if b := e.body.Load(); b != nil && b.exact && b.s == string(prefix) {
		return b.s
	}
	raw := string(prefix)
	b := &bodyMemo{s: rs.String(raw)}
	b.exact = b.s == raw
	e.body.Store(b)
	return b.s
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
