package emulator

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

// TruthRecord is what really happened to one request (a line of the truth log).
type TruthRecord struct {
	Seq              int64   `json:"seq"`               // arrival order, from 0
	RequestID        string  `json:"request_id"`        // the X-Request-Id header, or "emu-<seq>"
	ArriveNS         int64   `json:"arrive_ns"`         // Unix time of arrival, nanoseconds
	Method           string  `json:"method"`            // HTTP method
	Path             string  `json:"path"`              // URL path
	Instance         string  `json:"instance"`          // "" when no instance served it (429, 502)
	Cold             bool    `json:"cold"`              // first request on the instance
	Prewarmed        bool    `json:"prewarmed"`         // cold, but the instance was started ahead (--prewarm)
	InitMS           float64 `json:"init_ms"`           // the instance's measured init: process start until it answered
	InitDelayMS      float64 `json:"init_delay_ms"`     // the extra init delay drawn for it (part of InitMS)
	SinceInitMS      float64 `json:"since_init_ms"`     // instance age when this request got it
	InstanceRequests int     `json:"instance_requests"` // the instance's request count, this one included
	QueuedMS         float64 `json:"queued_ms"`         // waited for a free instance (--queue)
	Fault            string  `json:"fault,omitempty"`   // error, timeout or slow when injected
	Status           int     `json:"status"`            // HTTP status sent (499: client went away first)
	LatencyMS        float64 `json:"latency_ms"`        // arrival to end of the response, in the emulator
	Error            string  `json:"error,omitempty"`   // why no instance served it
}

// truthLog numbers requests on arrival and writes their records in arrival order as
// they complete (a reorder buffer). Safe for concurrent use.
type truthLog struct {
	mu      sync.Mutex
	seq     int64
	next    int64
	pending map[int64]TruthRecord
	f       *os.File
	w       *bufio.Writer
	keep    bool
	all     []TruthRecord
	err     error
	closed  bool
}

func openTruthLog(path string, keep bool) (*truthLog, error) {
	t := &truthLog{pending: map[int64]TruthRecord{}, keep: keep}
	if path == "" {
		return t, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("truth log: %w", err)
	}
	t.f, t.w = f, bufio.NewWriter(f)
	return t, nil
}

// arrive returns the next arrival number and the arrival time, taken together so that
// both orders agree.
func (t *truthLog) arrive() (int64, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.seq
	t.seq++
	return s, time.Now()
}

// done records a completed request and writes every record now in order.
func (t *truthLog) done(r TruthRecord) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	t.pending[r.Seq] = r
	wrote := false
	for {
		rec, ok := t.pending[t.next]
		if !ok {
			break
		}
		delete(t.pending, t.next)
		t.next++
		t.emitLocked(rec)
		wrote = true
	}
	if wrote && t.w != nil && t.err == nil {
		t.err = t.w.Flush()
	}
}

func (t *truthLog) emitLocked(r TruthRecord) {
	if t.keep {
		t.all = append(t.all, r)
	}
	if t.w == nil || t.err != nil {
		return
	}
	b, err := json.Marshal(r)
	if err == nil {
		b = append(b, '\n')
		_, err = t.w.Write(b)
	}
	t.err = err
}

// close writes the records still waiting (in arrival order) and closes the file.
func (t *truthLog) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return t.err
	}
	t.closed = true
	keys := make([]int64, 0, len(t.pending))
	for k := range t.pending {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		t.emitLocked(t.pending[k])
	}
	t.pending = nil
	if t.w == nil {
		return t.err
	}
	if err := t.w.Flush(); err != nil && t.err == nil {
		t.err = err
	}
	if err := t.f.Close(); err != nil && t.err == nil {
		t.err = err
	}
	if t.err != nil {
		return fmt.Errorf("truth log: %w", t.err)
	}
	return nil
}

// records returns a copy of the records written so far.
func (t *truthLog) records() []TruthRecord {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]TruthRecord(nil), t.all...)
}
