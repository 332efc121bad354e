package emulator_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// TestPrewarm: prewarmed instances answer their first call cold-prewarmed (init done
// ahead, so the call does not pay it) and the next calls warm. The two first calls
// hold their instances for 1 s so that they overlap even on a loaded machine.
func TestPrewarm(t *testing.T) {
	t.Parallel()
	const work = time.Second
	em := start(t, func(c *emulator.Config) { c.Prewarm = 2; c.Init = "300ms" })
	if n := em.Instances(); n != 2 {
		t.Fatalf("%d instances after Start, want 2 prewarmed", n)
	}
	got := make(chan reply, 2)
	for i := range 2 {
		go func() { got <- callPath(t, em.URL(), "/fn?sleep="+work.String(), fmt.Sprintf("p-%d", i)) }()
	}
	for range 2 {
		// Paying the 300 ms init in the call would take it past work + 300 ms.
		if r := <-got; !r.cold || !r.prewarmed || r.latency >= work+300*time.Millisecond || r.initMS < 300 {
			t.Errorf("first use of a prewarmed instance: %+v, want cold, prewarmed, no init paid", r)
		}
	}
	if r := call(t, em.URL(), "after"); r.cold || r.prewarmed {
		t.Errorf("second use: %+v, want warm", r)
	}
}

// TestPerInstanceConcurrency: with 3 requests per instance, 3 slow calls at once share
// one instance.
func TestPerInstanceConcurrency(t *testing.T) {
	t.Parallel()
	em := start(t, func(c *emulator.Config) { c.PerInstanceConcurrency = 3 })
	call(t, em.URL(), "first") // a ready instance
	codes := make(chan int, 3)
	for i := range 3 {
		go func() { codes <- get(fmt.Sprintf("%s/p-%d?sleep=300ms", em.URL(), i)) }()
	}
	for range 3 {
		if c := <-codes; c != 200 {
			t.Errorf("status %d", c)
		}
	}
	if n := em.Instances(); n != 1 {
		t.Errorf("%d instances, want 1 shared", n)
	}
}

// TestQueueTimeout: a queued call that waits longer than the queue timeout gets 429.
func TestQueueTimeout(t *testing.T) {
	t.Parallel()
	em := start(t, func(c *emulator.Config) {
		c.MaxInstances, c.Queue, c.QueueTimeout = 1, true, 100*time.Millisecond
	})
	call(t, em.URL(), "first")
	busy := make(chan int, 1)
	go func() { busy <- get(em.URL() + "/hold?sleep=1s") }()
	waitFor(t, func() bool { return len(em.Truth()) == 1 && inflight(em) })
	time.Sleep(50 * time.Millisecond)
	if r := call(t, em.URL(), "queued"); r.status != http.StatusTooManyRequests {
		t.Errorf("queued past the timeout: status %d, want 429", r.status)
	}
	if c := <-busy; c != 200 {
		t.Errorf("busy call status %d", c)
	}
}

// inflight is true once the emulator has one instance (the held call got it).
func inflight(em *emulator.Emulator) bool { return em.Instances() == 1 }

// TestMaxLifetime: an instance older than the lifetime is replaced (cold) even though
// it was never idle longer than the keep-alive.
func TestMaxLifetime(t *testing.T) {
	t.Parallel()
	em := start(t, func(c *emulator.Config) { c.MaxLifetime = 400 * time.Millisecond })
	var colds []bool
	for i := range 6 {
		colds = append(colds, call(t, em.URL(), fmt.Sprintf("l-%d", i)).cold)
		time.Sleep(100 * time.Millisecond)
	}
	if !colds[0] || colds[1] {
		t.Errorf("cold flags %v: want cold then warm", colds)
	}
	n := 0
	for _, c := range colds[1:] {
		if c {
			n++
		}
	}
	if n < 1 {
		t.Errorf("cold flags %v over 600ms with a 400ms lifetime: want a new instance", colds)
	}
}

// TestFaults: rates of 1 make every call fail the chosen way; the truth says so.
func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mut        func(*emulator.Config)
		wantStatus int
		wantFault  string
		minLatency time.Duration
	}{
		{"error", func(c *emulator.Config) { c.ErrorRate = 1 }, 500, "error", 0},
		{"timeout", func(c *emulator.Config) { c.TimeoutRate, c.TimeoutHold = 1, 200*time.Millisecond }, 504, "timeout", 200 * time.Millisecond},
		{"slow", func(c *emulator.Config) { c.SlowRate, c.Slow = 1, 4*time.Second; c.TimeScale = 20 }, 200, "slow", 200 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			em := start(t, tc.mut)
			r := call(t, em.URL(), "f")
			if r.status != tc.wantStatus || r.instance == "" || r.latency < tc.minLatency {
				t.Errorf("reply %+v, want status %d from an instance, at least %v", r, tc.wantStatus, tc.minLatency)
			}
			if tr := em.Truth(); len(tr) != 1 || tr[0].Fault != tc.wantFault || tr[0].Status != tc.wantStatus {
				t.Errorf("truth %+v, want fault %q status %d", tr, tc.wantFault, tc.wantStatus)
			}
		})
	}
}

// TestFaultRateIsSeeded: the same seed injects errors on the same calls.
func TestFaultRateIsSeeded(t *testing.T) {
	t.Parallel()
	pattern := func() (string, int) {
		em := start(t, func(c *emulator.Config) { c.ErrorRate = 0.3; c.Seed = 7 })
		s, n := "", 0
		for i := range 40 {
			if call(t, em.URL(), fmt.Sprint(i)).status == 500 {
				s += "x"
				n++
			} else {
				s += "."
			}
		}
		return s, n
	}
	a, n := pattern()
	b, _ := pattern()
	if a != b || n < 4 || n > 24 {
		t.Errorf("error patterns %s and %s (%d errors of 40 at rate 0.3): want equal, about 12", a, b, n)
	}
}

// TestHideTruthAndTruthLog: with --hide-truth no X-Thaw header is sent, and the truth
// log on disk after Close has every request in arrival order with the client's ids.
func TestHideTruthAndTruthLog(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "truth.jsonl")
	em := start(t, func(c *emulator.Config) { c.HideTruth, c.TruthLog, c.MaxInstances = true, path, 2 })
	req, err := http.NewRequest(http.MethodGet, em.URL()+"/a", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	for k := range resp.Header {
		if len(k) > 7 && k[:7] == "X-Thaw-" {
			t.Errorf("header %s sent with hide-truth", k)
		}
	}
	call(t, em.URL(), "id-1")
	replies := burst(t, em.URL(), 4) // beyond 2 instances: some throttled
	if err := em.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := emulator.LoadTruthLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 {
		t.Fatalf("%d truth lines, want 6", len(recs))
	}
	if recs[0].RequestID != "emu-0" || !recs[0].Cold || recs[1].RequestID != "id-1" || recs[1].Cold {
		t.Errorf("first records %+v %+v: want emu-0 cold, id-1 warm", recs[0], recs[1])
	}
	byID := map[string]emulator.TruthRecord{}
	for i, r := range recs {
		if r.Seq != int64(i) || (i > 0 && r.ArriveNS < recs[i-1].ArriveNS) {
			t.Errorf("record %d out of arrival order: %+v", i, r)
		}
		if r.Status == 429 && (r.Instance != "" || r.Cold) {
			t.Errorf("throttled record names an instance: %+v", r)
		}
		byID[r.RequestID] = r
	}
	for i, rep := range replies {
		r := byID[fmt.Sprintf("b-%d", i)]
		if r.Status != rep.status {
			t.Errorf("b-%d: truth status %d, client saw %d", i, r.Status, rep.status)
		}
	}
}

// TestCustomHandler: --handler runs any program serving HTTP on $PORT (here Python's
// http.server); cold starts include its real start-up.
func TestCustomHandler(t *testing.T) {
	t.Parallel()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("this test needs python3 as a stand-in function: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fn"), []byte("ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	em := start(t, func(c *emulator.Config) {
		c.Handler = py + " -m http.server --bind 127.0.0.1 --directory " + dir + " $PORT"
	})
	cold := call(t, em.URL(), "py-0")
	warm := call(t, em.URL(), "py-1")
	if !cold.cold || warm.cold || cold.instance != warm.instance || cold.status != 200 || cold.initMS <= 0 {
		t.Errorf("python handler: %+v then %+v, want 200 cold then warm on one instance", cold, warm)
	}
}
