package k6

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultWindow is how many requests may have points still arriving at once; older
// incomplete requests are flushed as they are.
const DefaultWindow = 4096

// coreSlots are the metrics every request has (http_req_failed may be disabled);
// allSlots adds http_req_failed.
const (
	coreSlots = 1<<slotFailed - 1
	allSlots  = 1<<nSlots - 1
)

// verdict is what thaw.js decided for a request, from its faas_req_duration point.
type verdict struct {
	class, instance string
	initMS          float64
}

// group collects the points of one request.
type group struct {
	key        string
	end        time.Time
	line       int64
	vals       [nSlots]float64
	have       uint16
	tags, meta map[string]string
	rid        string
	verdict    *verdict
	bad, done  bool
}

func (g *group) has(s slot) bool { return g.have&(1<<s) != 0 }

// assembler groups points into requests with bounded memory (see package doc).
type assembler struct {
	window       int
	open         map[string]*group
	byRID        map[string]*group
	queue        []*group
	head         int
	pending      map[string]verdict // verdicts whose request has not been seen yet
	pendingOrder []string
	emit         func(*group) error
	bad          func(*LineError) error
	file         string
}

func newAssembler(file string, window int, emit func(*group) error, bad func(*LineError) error) *assembler {
	if window <= 0 {
		window = DefaultWindow
	}
	return &assembler{window: window, open: map[string]*group{}, byRID: map[string]*group{},
		pending: map[string]verdict{}, emit: emit, bad: bad, file: file}
}

// complete reports whether every point of g's request has arrived: all http_req_*
// metrics and, for a request made through thaw.js, its verdict. A request whose script
// disabled http_req_failed, or whose verdict never came, is flushed by the window.
func (a *assembler) complete(g *group) bool {
	return g.have&allSlots == allSlots && (g.rid == "" || g.verdict != nil)
}

// add folds one point in.
func (a *assembler) add(p *point) error {
	if p.metric == MetricVerdict {
		return a.addVerdict(p)
	}
	s := slots[p.metric]
	g := a.open[string(p.key)] // no allocation for a lookup
	if g != nil && g.has(s) {  // a second request with the same time and tags
		if err := a.finish(g); err != nil {
			return err
		}
		g = nil
	}
	if g == nil {
		var err error
		if g, err = a.start(p); err != nil {
			return err
		}
	}
	g.vals[s] = p.value
	g.have |= 1 << s
	if !g.bad && a.complete(g) {
		return a.finish(g)
	}
	return nil
}

// start opens a group for p's request, flushing the oldest when the window is full.
func (a *assembler) start(p *point) (*group, error) {
	g := &group{key: string(p.key), end: p.time, line: p.line}
	tags, meta, err := p.decode()
	if err != nil {
		g.bad = true
		if err := a.bad(&LineError{a.file, p.line, err}); err != nil {
			return nil, err
		}
	}
	g.tags, g.meta = tags, meta
	if rid := meta[MetaRequestID]; rid != "" && !g.bad {
		g.rid = rid
		a.byRID[rid] = g
		if v, ok := a.pending[rid]; ok {
			g.verdict = &v
			delete(a.pending, rid)
		}
	}
	a.open[g.key] = g
	a.queue = append(a.queue, g)
	for len(a.open) > a.window {
		if err := a.finish(a.oldest()); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// oldest is the earliest-started group still open.
func (a *assembler) oldest() *group {
	a.trim()
	return a.queue[a.head]
}

// trim drops finished groups from the front of the queue, so that memory holds only
// the requests still open (and those behind an older open one).
func (a *assembler) trim() {
	for a.head < len(a.queue) && a.queue[a.head].done {
		a.queue[a.head] = nil
		a.head++
	}
	if a.head > 1024 && a.head > len(a.queue)/2 {
		n := copy(a.queue, a.queue[a.head:])
		clear(a.queue[n:])
		a.queue, a.head = a.queue[:n], 0
	}
}

// addVerdict joins a thaw.js verdict point to its request through the request id.
func (a *assembler) addVerdict(p *point) error {
	tags, meta, err := p.decode()
	if err != nil {
		return a.bad(&LineError{a.file, p.line, err})
	}
	rid := meta[MetaRequestID]
	if rid == "" {
		return nil // not from thaw.js: nothing to join
	}
	v := verdict{class: tags[TagClass], instance: meta[MetaInstance]}
	if s := meta[MetaInitMS]; s != "" {
		if _, err := fmt.Sscan(s, &v.initMS); err != nil {
			return a.bad(&LineError{a.file, p.line, fmt.Errorf("metadata %q: %q is not a number", MetaInitMS, s)})
		}
	}
	if g, ok := a.byRID[rid]; ok && !g.done {
		g.verdict = &v
		if a.complete(g) {
			return a.finish(g)
		}
		return nil
	}
	a.pending[rid] = v
	a.pendingOrder = append(a.pendingOrder, rid)
	for len(a.pendingOrder) > a.window {
		delete(a.pending, a.pendingOrder[0])
		a.pendingOrder = a.pendingOrder[1:]
	}
	return nil
}

// finish closes g and emits it (or reports it when points are missing).
func (a *assembler) finish(g *group) error {
	if g.done {
		return nil
	}
	g.done = true
	if a.open[g.key] == g {
		delete(a.open, g.key)
	}
	if g.rid != "" && a.byRID[g.rid] == g {
		delete(a.byRID, g.rid)
	}
	a.trim()
	if g.bad {
		return nil
	}
	if g.have&coreSlots != coreSlots {
		var missing []string
		for name, s := range slots {
			if s != slotFailed && !g.has(s) {
				missing = append(missing, name)
			}
		}
		slices.Sort(missing)
		return a.bad(&LineError{a.file, g.line, fmt.Errorf("request incomplete, no %s point", strings.Join(missing, ", "))})
	}
	return a.emit(g)
}

// flush emits every group still open, oldest first (end of input).
func (a *assembler) flush() error {
	for {
		a.trim()
		if a.head >= len(a.queue) {
			return nil
		}
		if err := a.finish(a.queue[a.head]); err != nil {
			return err
		}
	}
}
