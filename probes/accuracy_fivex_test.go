package probes_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// fiveX is a loopback function with its own truth: warm requests take warmMS of
// server time, a request after more than keepAlive idle is cold and takes initMS more
// (init = 5× warm: the edge of the latency probe's requirement).
type fiveX struct {
	warm, init, keepAlive time.Duration
	mu                    sync.Mutex
	lastEnd               time.Time
	truth                 map[string]bool // request id → cold
}

func (f *fiveX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	cold := f.lastEnd.IsZero() || time.Since(f.lastEnd) > f.keepAlive
	f.truth[r.Header.Get("X-Request-Id")] = cold
	f.mu.Unlock()
	d := f.warm
	if cold {
		d += f.init
	}
	time.Sleep(d)
	w.WriteHeader(http.StatusOK)
	f.mu.Lock()
	f.lastEnd = time.Now()
	f.mu.Unlock()
}

// TestAccuracyLatencyFiveX: sequential idle workload, init exactly 5× the warm server
// time, at least 20 cold starts; the latency probe alone is scored against the truth.
func TestAccuracyLatencyFiveX(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	fn := &fiveX{warm: 8 * time.Millisecond, init: 40 * time.Millisecond, keepAlive: 120 * time.Millisecond, truth: map[string]bool{}}
	srv := httptest.NewServer(fn)
	defer srv.Close()
	d := newDriver(t, srv.URL, false)
	n := 70
	if long() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(5, 5))
	gaps := make([]time.Duration, n)
	for i := range gaps {
		gaps[i] = []time.Duration{15 * time.Millisecond, 200 * time.Millisecond}[rng.IntN(2)]
	}
	d.idle("idle", gaps)
	ss := offline(t, d.samples, []probes.Spec{{Name: "latency"}})
	var tl tally
	for _, s := range ss {
		cold, ok := fn.truth[s.RequestID]
		if !ok || !s.OK() {
			continue
		}
		tl.n++
		if cold {
			tl.truthCold++
		}
		if s.Class == results.Unknown {
			tl.unknown++
		}
		if s.Class != results.Unknown && (s.Class == results.Cold) == cold {
			tl.correct++
		}
	}
	figure(t, "latency-offline init=5x-warm (8 ms warm, +40 ms init) n=%d truth_cold=%d unknown=%d correct=%.2f%%", tl.n, tl.truthCold, tl.unknown, 100*tl.acc())
	if tl.truthCold < 20 {
		t.Errorf("only %d cold starts, want ≥ 20", tl.truthCold)
	}
	if tl.acc() < latencyGate() {
		t.Errorf("latency probe %.4f correct < %.2f", tl.acc(), latencyGate())
	}
}
