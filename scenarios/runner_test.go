package scenarios_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

func run(t *testing.T, sc *scenarios.Scenario, inv scenarios.Invoker, opts ...scenarios.Option) (scenarios.Stats, *memSink) {
	t.Helper()
	sink := &memSink{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := scenarios.NewRunner(sc, inv, coldClassifier{}, sink, opts...).Run(ctx)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return st, sink
}

// checkIdentity asserts seq 1..n unique and request ids unique with the run id.
func checkIdentity(t *testing.T, samples []*results.Sample, runID string) {
	t.Helper()
	seqs := make([]int, 0, len(samples))
	ids := map[string]bool{}
	for _, s := range samples {
		seqs = append(seqs, int(s.Seq))
		if !strings.HasPrefix(s.RequestID, runID+"-") || ids[s.RequestID] {
			t.Errorf("request id %q: not unique or without run id %q", s.RequestID, runID)
		}
		ids[s.RequestID] = true
	}
	sort.Ints(seqs)
	for i, q := range seqs {
		if q != i+1 {
			t.Fatalf("seqs = %v, want 1..%d", seqs, len(seqs))
		}
	}
}

func TestRunnerIdleGapsFromEndOfPreviousResponse(t *testing.T) {
	clock := newFakeClock()
	p := &platform{clock: clock, keepAlive: 3 * time.Minute, coldLatency: 500 * time.Millisecond, warmLatency: 20 * time.Millisecond}
	sc := scenarioOf(scenarios.Phase{Name: "sweep", Idle: &scenarios.Idle{
		Intervals: []scenarios.Duration{dur(time.Minute), dur(5 * time.Minute)}, Samples: 2, Order: "given"}})
	st, sink := run(t, sc, p, scenarios.WithClock(clock), scenarios.WithRunID("abcd0001"))
	got := sink.all()
	if len(got) != 4 || st.Sent != 4 || st.Completed != 4 {
		t.Fatalf("got %d samples, stats %+v; want 4", len(got), st)
	}
	checkIdentity(t, got, "abcd0001")
	wantIdle := []float64{-1, 60000, 300000, 300000}
	wantClass := []results.Class{results.Cold, results.Warm, results.Cold, results.Cold}
	for i, s := range got {
		if s.IdleBeforeMS != wantIdle[i] || s.Class != wantClass[i] {
			t.Errorf("sample %d: idle %v class %v, want %v %v", i, s.IdleBeforeMS, s.Class, wantIdle[i], wantClass[i])
		}
		if i > 0 && !s.Start.Equal(got[i-1].End().Add(time.Duration(wantIdle[i])*time.Millisecond)) {
			t.Errorf("sample %d sent at %v, want previous end %v + gap", i, s.Start, got[i-1].End())
		}
		if !s.Scheduled.Equal(s.Start) || s.IntendedLatencyMS != s.LatencyMS || s.InFlight != 1 {
			t.Errorf("sample %d: closed-model fields %+v", i, s)
		}
	}
	if sink.phases[0] != "sweep" || sink.infos["sweep"].Workload != "idle" || sink.infos["sweep"].OpenModel {
		t.Errorf("phase info %+v", sink.infos)
	}
}

func TestRunnerIdleSearchConverges(t *testing.T) {
	tests := []struct {
		name      string
		keepAlive time.Duration
		scale     float64
		samples   int
	}{
		{"20m keep-alive", 20 * time.Minute, 1, 1},
		{"7m13s keep-alive, 3 samples", 7*time.Minute + 13*time.Second, 1, 3},
		{"time scale 60", 20 * time.Second, 60, 1}, // 20m in scenario time
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			p := &platform{clock: clock, keepAlive: tc.keepAlive, coldLatency: 300 * time.Millisecond, warmLatency: 10 * time.Millisecond}
			sc := scenarioOf(scenarios.Phase{Name: "search", Idle: &scenarios.Idle{Search: &scenarios.IdleSearch{
				Min: dur(time.Minute), Max: dur(60 * time.Minute), Precision: dur(30 * time.Second), Samples: tc.samples}}})
			st, sink := run(t, sc, p, scenarios.WithClock(clock), scenarios.WithTimeScale(tc.scale))
			res := st.Phases[0].Search
			if res == nil || res.GaveUp {
				t.Fatalf("search result %+v", res)
			}
			kaMS := float64(tc.keepAlive) / float64(time.Millisecond)
			precMS := 30000 / tc.scale
			if res.LowMS > kaMS || res.HighMS < kaMS || res.HighMS-res.LowMS > precMS {
				t.Errorf("bounds [%v, %v] ms, want around %v ms within %v", res.LowMS, res.HighMS, kaMS, precMS)
			}
			rounds := len(res.Probes)
			if rounds < 5 || rounds > 8 { // log2(59m/30s) ≈ 6.9
				t.Errorf("%d rounds, want about 7", rounds)
			}
			// one priming call plus samples per round, each recorded
			if want := 1 + rounds*tc.samples; len(sink.all()) != want || p.calls != want {
				t.Errorf("%d samples, %d calls, want %d", len(sink.all()), p.calls, want)
			}
		})
	}
}

func TestRunnerSearchGivesUpWithoutClassifier(t *testing.T) {
	clock := newFakeClock()
	p := &platform{clock: clock, keepAlive: time.Minute, coldLatency: time.Second, warmLatency: time.Millisecond}
	sc := scenarioOf(scenarios.Phase{Name: "s", Idle: &scenarios.Idle{Search: &scenarios.IdleSearch{
		Min: dur(time.Second), Max: dur(time.Hour), Precision: dur(time.Second), Samples: 1}}})
	sink := &memSink{}
	st, err := scenarios.NewRunner(sc, p, nil, sink, scenarios.WithClock(clock)).Run(context.Background())
	if err != nil || !st.Phases[0].Search.GaveUp || len(st.Phases[0].Search.Probes) != 3 {
		t.Fatalf("err %v, search %+v: want it to give up after 3 undecided rounds", err, st.Phases[0].Search)
	}
	for _, s := range sink.all() {
		if s.Class != results.Unknown {
			t.Errorf("class %q without classifier, want unknown", s.Class)
		}
	}
}

func TestRunnerOpenModelPlan(t *testing.T) {
	sc := scenarioOf(scenarios.Phase{Name: "steady", Rate: &scenarios.Rate{RPS: 200, Duration: dur(500 * time.Millisecond)}})
	inv := &sleepInvoker{d: 2 * time.Millisecond}
	st, sink := run(t, sc, inv, scenarios.WithRunID("feed0001"))
	got := sink.all()
	if len(got) != 100 || st.Sent != 100 || st.Dropped != 0 {
		t.Fatalf("%d samples, stats %+v, want 100 sent, none dropped", len(got), st)
	}
	checkIdentity(t, got, "feed0001")
	info := sink.infos["steady"]
	if !info.OpenModel || info.Planned != 100 || info.RateTarget != 200 || info.Workload != "rate" {
		t.Errorf("phase info %+v", info)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Seq < got[j].Seq })
	for i, s := range got { // Seq follows the planned order
		if want := info.Started.Add(time.Duration(i) * 5 * time.Millisecond); !s.Scheduled.Equal(want) {
			t.Fatalf("arrival %d scheduled at +%v, want +%v", i, s.Scheduled.Sub(info.Started), want.Sub(info.Started))
		}
		if s.IntendedLatencyMS < s.LatencyMS || s.Start.Before(s.Scheduled) {
			t.Errorf("sample %d: intended %v < actual %v, or sent before planned", i, s.IntendedLatencyMS, s.LatencyMS)
		}
	}
}

func TestRunnerDropsAtMaxInFlight(t *testing.T) {
	release := make(chan struct{})
	inv := invokerFunc(func(ctx context.Context, s *results.Sample) {
		s.Start = time.Now()
		select {
		case <-release:
		case <-ctx.Done():
		}
		s.LatencyMS = float64(time.Since(s.Start)) / float64(time.Millisecond)
	})
	sc := scenarioOf(scenarios.Phase{Name: "p", Rate: &scenarios.Rate{RPS: 100, Duration: dur(200 * time.Millisecond), MaxInFlight: 2}})
	sink := &memSink{}
	r := scenarios.NewRunner(sc, inv, nil, sink)
	go func() {
		defer close(release)
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if pr := r.Progress(); pr.Dropped == 18 {
				if pr.RateRPS != 100 || pr.InFlight != 2 || pr.Phase != "p" {
					t.Errorf("progress %+v, want rate 100, 2 in flight", pr)
				}
				return
			}
		}
	}()
	st, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	info := sink.infos["p"]
	if st.Sent != 2 || st.Dropped != 18 || info.Planned != 20 || info.Dropped != 18 || len(sink.all()) != 2 {
		t.Errorf("stats %+v info %+v: want 2 sent, 18 dropped of 20", st, info)
	}
}

func TestRunnerCountsLateSends(t *testing.T) {
	clock := newFakeClock()
	clock.lag = 15 * time.Millisecond // every positive sleep overshoots
	inv := invokerFunc(func(_ context.Context, s *results.Sample) { s.Start = clock.Now(); s.LatencyMS = 1 })
	sc := scenarioOf(scenarios.Phase{Name: "p", Rate: &scenarios.Rate{RPS: 10, Duration: dur(300 * time.Millisecond)}})
	tests := []struct {
		tolerance time.Duration
		wantLate  int64
	}{{10 * time.Millisecond, 2}, {20 * time.Millisecond, 0}}
	for _, tc := range tests {
		clock.now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		st, sink := run(t, sc, inv, scenarios.WithClock(clock), scenarios.WithLateTolerance(tc.tolerance))
		if st.Late != tc.wantLate || sink.infos["p"].Late != tc.wantLate || st.Sent != 3 {
			t.Errorf("tolerance %v: late %d (info %d), sent %d; want %d late of 3", tc.tolerance, st.Late, sink.infos["p"].Late, st.Sent, tc.wantLate)
		}
		for _, s := range sink.all() {
			if want := float64(s.Start.Sub(s.Scheduled))/1e6 + 1; s.IntendedLatencyMS != want {
				t.Errorf("intended latency %v, want %v", s.IntendedLatencyMS, want)
			}
		}
	}
}

func TestRunnerSharedIterationsExact(t *testing.T) {
	var inFlight, peak atomic.Int64
	inv := invokerFunc(func(_ context.Context, s *results.Sample) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		s.Start = time.Now()
		time.Sleep(time.Duration(s.Seq%3) * time.Millisecond)
		s.LatencyMS = float64(time.Since(s.Start)) / 1e6
		inFlight.Add(-1)
	})
	for _, tc := range []struct{ workers, iterations int }{{7, 101}, {1, 5}, {20, 3}} {
		peak.Store(0)
		sc := scenarioOf(scenarios.Phase{Name: "w", Concurrency: &scenarios.Concurrency{Workers: tc.workers, Iterations: tc.iterations}})
		st, sink := run(t, sc, inv)
		if len(sink.all()) != tc.iterations || st.Sent != int64(tc.iterations) {
			t.Errorf("%+v: %d samples, want exactly %d", tc, len(sink.all()), tc.iterations)
		}
		if peak.Load() > int64(tc.workers) {
			t.Errorf("%+v: %d in flight at once, more than the workers", tc, peak.Load())
		}
		checkIdentity(t, sink.all(), st.RunID)
	}
}

func TestRunnerConcurrencyDuration(t *testing.T) {
	clock := newFakeClock()
	p := &platform{clock: clock, keepAlive: time.Hour, coldLatency: 100 * time.Millisecond, warmLatency: 100 * time.Millisecond}
	sc := scenarioOf(scenarios.Phase{Name: "w", Concurrency: &scenarios.Concurrency{Workers: 1, Duration: dur(time.Second)}})
	_, sink := run(t, sc, p, scenarios.WithClock(clock))
	if n := len(sink.all()); n != 10 { // one worker, 100 ms each, 1 s
		t.Errorf("%d samples, want 10", n)
	}
}

func TestRunnerBurstReleasedTogether(t *testing.T) {
	const size = 20
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	inv := invokerFunc(func(_ context.Context, s *results.Sample) {
		s.Start = time.Now()
		mu.Lock()
		wait := all
		arrived++
		if arrived%size == 0 {
			close(all)
			all = make(chan struct{})
		}
		mu.Unlock()
		select { // every member of a burst is in flight before any returns
		case <-wait:
			s.Status = 200
		case <-time.After(10 * time.Second):
			s.Error = results.ErrTimeout
		}
		s.LatencyMS = float64(time.Since(s.Start)) / 1e6
	})
	sc := scenarioOf(scenarios.Phase{Name: "b", Burst: &scenarios.Burst{AfterIdle: dur(30 * time.Millisecond), Size: size, Repeat: 2}})
	st, sink := run(t, sc, inv)
	got := sink.all()
	if len(got) != 2*size || st.Errors != 0 {
		t.Fatalf("%d samples, %d errors; want %d, 0", len(got), st.Errors, 2*size)
	}
	releases := map[time.Time][]*results.Sample{}
	for _, s := range got {
		releases[s.Scheduled] = append(releases[s.Scheduled], s)
	}
	if len(releases) != 2 {
		t.Fatalf("%d distinct release instants, want 2", len(releases))
	}
	var instants []time.Time
	for at, group := range releases {
		if len(group) != size {
			t.Errorf("release at %v has %d samples, want %d", at, len(group), size)
		}
		instants = append(instants, at)
	}
	sort.Slice(instants, func(i, j int) bool { return instants[i].Before(instants[j]) })
	var firstEnd time.Time
	for _, s := range releases[instants[0]] {
		if s.End().After(firstEnd) {
			firstEnd = s.End()
		}
	}
	second := instants[1]
	if second.Sub(firstEnd) < 30*time.Millisecond-time.Millisecond {
		t.Errorf("second burst %v after the first ended, want >= after_idle 30ms", second.Sub(firstEnd))
	}
}

func TestRunnerInterruptKeepsInFlight(t *testing.T) {
	inv := &sleepInvoker{d: 40 * time.Millisecond}
	sc := scenarioOf(
		scenarios.Phase{Name: "steady", Rate: &scenarios.Rate{RPS: 100, Duration: dur(20 * time.Second)}},
		scenarios.Phase{Name: "never", Rate: &scenarios.Rate{RPS: 100, Duration: dur(time.Second)}},
	)
	sink := &memSink{}
	r := scenarios.NewRunner(sc, inv, nil, sink)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for r.Progress().Sent < 10 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	began := time.Now()
	st, err := r.Run(ctx)
	if err != nil || !st.Interrupted {
		t.Fatalf("err %v, interrupted %v; want nil, true", err, st.Interrupted)
	}
	if time.Since(began) > 15*time.Second {
		t.Errorf("interrupt took %v", time.Since(began))
	}
	got := sink.all()
	if int64(len(got)) != st.Sent || st.Completed != st.Sent || st.Sent < 10 || st.Sent >= 2000 {
		t.Errorf("recorded %d, stats %+v: every sent sample must be recorded", len(got), st)
	}
	if inv.cancelled != 0 {
		t.Errorf("%d in-flight invocations saw a cancelled context", inv.cancelled)
	}
	if len(sink.phases) != 1 || sink.phases[0] != "steady" || r.Progress().InFlight != 0 {
		t.Errorf("phases reported %v (want only steady), in flight %d", sink.phases, r.Progress().InFlight)
	}
}

func TestRunnerSinkErrorAborts(t *testing.T) {
	inv := &sleepInvoker{d: 2 * time.Millisecond}
	sc := scenarioOf(scenarios.Phase{Name: "w", Concurrency: &scenarios.Concurrency{Workers: 1, Iterations: 1000}},
		scenarios.Phase{Name: "x", Concurrency: &scenarios.Concurrency{Workers: 1, Iterations: 10}})
	sink := &memSink{failAfter: 5}
	st, err := scenarios.NewRunner(sc, inv, nil, sink).Run(context.Background())
	if !errors.Is(err, errFull) || st.Interrupted {
		t.Fatalf("err %v interrupted %v; want the sink error", err, st.Interrupted)
	}
	if len(sink.all()) != 5 || st.Sent >= 1000 || len(sink.phases) != 0 || len(st.Phases) != 1 {
		t.Errorf("recorded %d, sent %d, phases %v: want 5 recorded and an early stop", len(sink.all()), st.Sent, sink.phases)
	}
}

func TestRunnerProgress(t *testing.T) {
	clock := newFakeClock()
	p := &platform{clock: clock, keepAlive: time.Hour, coldLatency: time.Millisecond, warmLatency: time.Millisecond}
	sc := scenarioOf(scenarios.Phase{Name: "a", Idle: &scenarios.Idle{Intervals: []scenarios.Duration{dur(time.Minute)}, Samples: 3, Order: "given"}})
	r := scenarios.NewRunner(sc, p, coldClassifier{}, &memSink{}, scenarios.WithClock(clock))
	if pr := r.Progress(); pr.Phase != "" || pr.Sent != 0 {
		t.Errorf("progress before run %+v", pr)
	}
	var seen []scenarios.Progress
	clockStart := clock.Now()
	p.onCall = func() { seen = append(seen, r.Progress()) }
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	pr := r.Progress()
	if pr.Phase != "a" || pr.Phases != 1 || pr.Sent != 3 || pr.Completed != 3 || pr.InFlight != 0 || pr.PhaseElapsed < 3*time.Minute {
		t.Errorf("progress after run %+v", pr)
	}
	// during the run: the call after the second 1-minute gap sees 2 of the 3 minutes
	// gone and 1 left, in the phase and in the run
	if len(seen) != 3 {
		t.Fatalf("%d progress snapshots", len(seen))
	}
	mid := seen[1]
	if mid.InFlight != 1 || mid.Sent != 2 || mid.Elapsed != clockStart.Add(2*time.Minute+time.Millisecond).Sub(clockStart) ||
		mid.Remaining != time.Minute-time.Millisecond || mid.PhaseRemaining != mid.Remaining {
		t.Errorf("progress during the run %+v", mid)
	}
}

func TestRunnerTimeScaleShrinksDurationsNotRates(t *testing.T) {
	clock := newFakeClock()
	inv := invokerFunc(func(_ context.Context, s *results.Sample) { s.LatencyMS = 1 })
	sc := scenarioOf(
		scenarios.Phase{Name: "rate", Rate: &scenarios.Rate{RPS: 100, Duration: dur(10 * time.Second)}},
		scenarios.Phase{Name: "ramp", Ramp: &scenarios.Ramp{Stages: []scenarios.Stage{{To: 100, Over: dur(10 * time.Second)}}}},
	)
	st, sink := run(t, sc, inv, scenarios.WithClock(clock), scenarios.WithTimeScale(10))
	// 100 rps for 1 s, then a ramp to 100 rps over 1 s (50 arrivals)
	if len(sink.all()) != 150 || st.Phases[0].Sent != 100 || st.Phases[1].Sent != 50 {
		t.Fatalf("%d samples, phases %+v; want 100 + 50", len(sink.all()), st.Phases)
	}
	if st.Phases[0].RateTarget != 100 || st.Phases[1].RateTarget != 50 {
		t.Errorf("rate targets %v and %v, want 100 and 50 (mean of the ramp)", st.Phases[0].RateTarget, st.Phases[1].RateTarget)
	}
	if d := st.Phases[0].Ended.Sub(st.Phases[0].Started); d < 990*time.Millisecond || d > time.Second {
		t.Errorf("rate phase took %v of clock time, want 1s", d)
	}
}

func TestRunnerWithFuncAdapters(t *testing.T) {
	var recorded []int64
	sink := scenarios.SinkFunc(func(s *results.Sample) error { recorded = append(recorded, s.Seq); return nil })
	cls := scenarios.ClassifierFunc(func(s *results.Sample) { s.Class, s.DecidedBy = results.Warm, "test" })
	inv := scenarios.InvokerFunc(func(_ context.Context, s *results.Sample) { s.LatencyMS = 1 })
	sc := scenarioOf(scenarios.Phase{Name: "w", Concurrency: &scenarios.Concurrency{Workers: 1, Iterations: 4}})
	st, err := scenarios.NewRunner(sc, inv, cls, sink).Run(context.Background())
	if err != nil || st.Sent != 4 || len(recorded) != 4 || recorded[0] != 1 || recorded[3] != 4 {
		t.Errorf("err %v, sent %d, recorded %v; want seq 1..4 in order", err, st.Sent, recorded)
	}
}
