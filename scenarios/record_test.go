package scenarios_test

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// goroutineID is the id of the calling goroutine, from its stack header.
func goroutineID() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	id, _ := strconv.ParseInt(string(b[:bytes.IndexByte(b, ' ')]), 10, 64)
	return id
}

// exclusiveSink fails the test when Record is entered while another Record runs, and
// keeps the order samples arrive in.
type exclusiveSink struct {
	t       *testing.T
	busy    atomic.Bool
	mu      sync.Mutex
	samples []*results.Sample
	hold    time.Duration // how long each Record takes
}

func (e *exclusiveSink) Record(s *results.Sample) error {
	if !e.busy.CompareAndSwap(false, true) {
		e.t.Error("Record entered while another Record was running")
	}
	time.Sleep(e.hold)
	e.mu.Lock()
	e.samples = append(e.samples, s)
	e.mu.Unlock()
	e.busy.Store(false)
	return nil
}

func TestRunnerRecordsOneAtATimeInCompletionOrder(t *testing.T) {
	// 20 workers with latencies that differ per request: samples must reach the
	// classifier and the sink one at a time, in the order they completed.
	var n atomic.Int64
	inv := invokerFunc(func(_ context.Context, s *results.Sample) {
		s.Start = time.Now()
		time.Sleep(time.Duration(n.Add(1)%7) * 300 * time.Microsecond)
		s.LatencyMS = float64(time.Since(s.Start)) / float64(time.Millisecond)
		s.Status = 200
	})
	sink := &exclusiveSink{t: t, hold: 20 * time.Microsecond}
	var classified atomic.Int64
	cls := scenarios.ClassifierFunc(func(*results.Sample) { classified.Add(1) })
	sc := scenarioOf(scenarios.Phase{Name: "c", Concurrency: &scenarios.Concurrency{Workers: 20, Iterations: 400}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := scenarios.NewRunner(sc, inv, cls, sink).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sink.samples) != 400 || classified.Load() != 400 {
		t.Fatalf("recorded %d, classified %d, want 400", len(sink.samples), classified.Load())
	}
	// Each sample is recorded right after its own response, so the ends are in order up
	// to how long a loaded machine keeps a finished goroutine from running.
	const slack = 100 * time.Millisecond
	for i := 1; i < len(sink.samples); i++ {
		if prev, cur := sink.samples[i-1].End(), sink.samples[i].End(); cur.Add(slack).Before(prev) {
			t.Errorf("sample %d ended %v before the one recorded ahead of it", i, prev.Sub(cur))
		}
	}
}

func TestRunnerOpenModelReusesWorkers(t *testing.T) {
	// 400 arrivals at 2,000 rps, each answered in about 0.2 ms: a pool of a few
	// workers sends them all (no goroutine per arrival).
	var mu sync.Mutex
	senders := map[int64]int{}
	inv := invokerFunc(func(_ context.Context, s *results.Sample) {
		id := goroutineID()
		mu.Lock()
		senders[id]++
		mu.Unlock()
		s.Start = time.Now()
		time.Sleep(200 * time.Microsecond)
		s.LatencyMS = float64(time.Since(s.Start)) / float64(time.Millisecond)
		s.Status = 200
	})
	sc := scenarioOf(scenarios.Phase{Name: "o", Rate: &scenarios.Rate{RPS: 2000, Duration: dur(200 * time.Millisecond)}})
	st, sink := run(t, sc, inv)
	if got := len(sink.all()); got != 400 || st.Phases[0].Dropped != 0 {
		t.Fatalf("%d samples, %d dropped; want 400, 0", got, st.Phases[0].Dropped)
	}
	// A loaded machine may hold a request for milliseconds; 400 arrivals on one
	// goroutine each would make 400 senders.
	if len(senders) > 60 {
		t.Errorf("%d goroutines sent 400 arrivals: want a small reused pool", len(senders))
	}
	t.Logf("%d workers sent 400 arrivals", len(senders))
}

func TestRunnerMaxInFlightBoundsUnrecordedSamples(t *testing.T) {
	// A sink that stalls: arrivals meanwhile find max_in_flight sends unrecorded and
	// are dropped, instead of piling up goroutines behind the sink.
	var workers sync.Map
	inv := invokerFunc(func(_ context.Context, s *results.Sample) {
		workers.Store(goroutineID(), true)
		s.Start, s.Status = time.Now(), 200
	})
	stall := make(chan struct{})
	var once sync.Once
	sink := scenarios.SinkFunc(func(*results.Sample) error {
		once.Do(func() { <-stall })
		return nil
	})
	sc := scenarioOf(scenarios.Phase{Name: "o", Rate: &scenarios.Rate{RPS: 1000, Duration: dur(300 * time.Millisecond), MaxInFlight: 3}})
	time.AfterFunc(150*time.Millisecond, func() { close(stall) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := scenarios.NewRunner(sc, inv, nil, sink).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	workers.Range(func(any, any) bool { n++; return true })
	if n > 3 {
		t.Errorf("%d goroutines sent while at most 3 sends may be unrecorded", n)
	}
	if st.Phases[0].Dropped < 50 {
		t.Errorf("dropped %d arrivals during a 150 ms stall at 1,000 rps, want over 50", st.Phases[0].Dropped)
	}
}

func TestRunnerRequestIDs(t *testing.T) {
	// Request ids are RUNID-NNNNNN, the sequence number zero-padded to six digits
	// (wider when it needs to be), as platform logs and the emulator's truth see them.
	inv := invokerFunc(func(_ context.Context, s *results.Sample) { s.Start, s.Status = time.Now(), 200 })
	sc := scenarioOf(scenarios.Phase{Name: "c", Concurrency: &scenarios.Concurrency{Workers: 1, Iterations: 3}})
	_, sink := run(t, sc, inv, scenarios.WithRunID("ab12cd34"))
	for i, want := range []string{"ab12cd34-000001", "ab12cd34-000002", "ab12cd34-000003"} {
		if got := sink.all()[i].RequestID; got != want {
			t.Errorf("request id %d = %q, want %q", i, got, want)
		}
	}
}

func TestRunnerSearchOnlyVerdicts(t *testing.T) {
	// With WithSearchOnlyVerdicts the classifier judges the idle search's samples (it
	// steers by them) and nothing else: the search still converges, the other
	// samples are recorded unknown for the whole-run pass.
	clock := newFakeClock()
	p := &platform{clock: clock, keepAlive: 20 * time.Minute, coldLatency: 300 * time.Millisecond, warmLatency: 10 * time.Millisecond}
	sc := scenarioOf(
		scenarios.Phase{Name: "steady", Concurrency: &scenarios.Concurrency{Workers: 2, Iterations: 30}},
		scenarios.Phase{Name: "search", Idle: &scenarios.Idle{Search: &scenarios.IdleSearch{
			Min: dur(time.Minute), Max: dur(60 * time.Minute), Precision: dur(30 * time.Second), Samples: 1}}})
	var judged atomic.Int64
	cls := scenarios.ClassifierFunc(func(s *results.Sample) {
		judged.Add(1)
		coldClassifier{}.Classify(s)
	})
	sink := &memSink{}
	st, err := scenarios.NewRunner(sc, p, cls, sink, scenarios.WithClock(clock), scenarios.WithSearchOnlyVerdicts()).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res := st.Phases[1].Search
	if res == nil || res.GaveUp || res.LowMS > 20*60e3 || res.HighMS < 20*60e3 {
		t.Fatalf("search %+v: want bounds around the 20 min keep-alive", res)
	}
	if want := int64(len(res.Probes)); judged.Load() != want {
		t.Errorf("%d samples judged, want the search's %d", judged.Load(), want)
	}
	for _, s := range sink.all() {
		if s.Phase == "steady" && s.Class != results.Unknown {
			t.Fatalf("a steady-phase sample was judged online: %q", s.Class)
		}
	}
}
