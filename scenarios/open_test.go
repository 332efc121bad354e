package scenarios_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// peakInvoker answers after d on the real clock and keeps the peak number of calls in
// flight at once and the goroutines that called it. Safe for concurrent use.
type peakInvoker struct {
	d        time.Duration
	inFlight atomic.Int64
	peak     atomic.Int64
	senders  sync.Map // goroutine id -> true
}

func (f *peakInvoker) Invoke(_ context.Context, s *results.Sample) {
	f.senders.Store(goroutineID(), true)
	n := f.inFlight.Add(1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	s.Start = time.Now()
	if f.d > 0 {
		time.Sleep(f.d)
	}
	s.LatencyMS = float64(time.Since(s.Start)) / float64(time.Millisecond)
	s.Status = 200
	f.inFlight.Add(-1)
}

func (f *peakInvoker) senderCount() int {
	n := 0
	f.senders.Range(func(any, any) bool { n++; return true })
	return n
}

// TestOpenPoolGrowsToWhatTheTargetNeeds: the workers that pace themselves grow to the
// concurrency a slow target needs (100 rps against 50 ms: about 5 in flight) and no
// further than max_in_flight; arrivals are dropped only when max_in_flight is reached,
// and every planned arrival is either sent or dropped.
func TestOpenPoolGrowsToWhatTheTargetNeeds(t *testing.T) {
	tests := []struct {
		name        string
		latency     time.Duration
		maxInFlight int
		wantDrops   bool
		minPeak     int64 // in flight at once, at least
		maxPeak     int64 // and at most
	}{
		{"slow target with room", 50 * time.Millisecond, 0, false, 4, 25},
		{"slow target capped", 50 * time.Millisecond, 3, true, 3, 3},
		{"fast target", 0, 0, false, 1, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := &peakInvoker{d: tc.latency}
			sc := scenarioOf(scenarios.Phase{Name: "p", Rate: &scenarios.Rate{RPS: 100, Duration: dur(500 * time.Millisecond), MaxInFlight: tc.maxInFlight}})
			st, sink := run(t, sc, inv)
			info := sink.infos["p"]
			if info.Planned != 50 || st.Sent+info.Dropped != info.Planned || int64(len(sink.all())) != st.Sent {
				t.Fatalf("planned %d, sent %d, dropped %d, recorded %d: want 50 planned, each sent and recorded or dropped",
					info.Planned, st.Sent, info.Dropped, len(sink.all()))
			}
			if got := info.Dropped > 0; got != tc.wantDrops {
				t.Errorf("dropped %d, want drops %v", info.Dropped, tc.wantDrops)
			}
			if tc.wantDrops && info.Dropped < 10 {
				t.Errorf("dropped %d of 50 with 3 in flight of 50 ms each, want at least 10", info.Dropped)
			}
			peak, senders := inv.peak.Load(), inv.senderCount()
			if peak < tc.minPeak || peak > tc.maxPeak {
				t.Errorf("peak %d in flight, want %d..%d", peak, tc.minPeak, tc.maxPeak)
			}
			// The pool grows only when no worker is free for the next arrival: a few
			// more workers than were ever in flight at once, however loaded the machine.
			limit := int(peak) + 3
			if tc.maxInFlight > 0 {
				limit = tc.maxInFlight
			}
			if senders > limit {
				t.Errorf("%d goroutines sent, with at most %d in flight: want at most %d", senders, peak, limit)
			}
			t.Logf("peak %d in flight, %d senders, %d dropped", peak, senders, info.Dropped)
		})
	}
}

// TestOpenArrivalsInPlannedOrder: with Poisson arrivals and ramps (several workers
// waiting at once), each sample's intended send time is the schedule's own arrival
// for its sequence number, so they rise with it, and none is sent early.
func TestOpenArrivalsInPlannedOrder(t *testing.T) {
	const over = 300 * time.Millisecond
	stages := []scenarios.Stage{{To: 3000, Over: dur(over)}}
	tests := []struct {
		name  string
		phase scenarios.Phase
		truth scenarios.Schedule // built apart from the Runner; seed 7 is scenarioOf's
	}{
		{"poisson rate", scenarios.Phase{Name: "p", Rate: &scenarios.Rate{RPS: 2000, Duration: dur(over), Poisson: true}},
			scenarios.NewPoissonSchedule(scenarios.ConstantSchedule{RPS: 2000, Duration: over}, 7)},
		{"ramp", scenarios.Phase{Name: "p", Ramp: &scenarios.Ramp{Stages: stages}},
			scenarios.NewRampSchedule(0, stages)},
		{"poisson ramp", scenarios.Phase{Name: "p", Ramp: &scenarios.Ramp{Stages: stages, Poisson: true}},
			scenarios.NewPoissonSchedule(scenarios.NewRampSchedule(0, stages), 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, sink := run(t, scenarioOf(tc.phase), &peakInvoker{d: 100 * time.Microsecond})
			got := sink.all()
			sort.Slice(got, func(i, j int) bool { return got[i].Seq < got[j].Seq })
			start := sink.infos["p"].Started
			var want int
			for ; ; want++ {
				if _, ok := tc.truth.Arrival(int64(want)); !ok {
					break
				}
			}
			if len(got) != want || st.Dropped != 0 || want < 300 {
				t.Fatalf("%d samples, %d dropped; the schedule plans %d", len(got), st.Dropped, want)
			}
			for i, s := range got {
				at, _ := tc.truth.Arrival(int64(i))
				if !s.Scheduled.Equal(start.Add(at)) {
					t.Fatalf("seq %d intended at +%v, the schedule's arrival %d is at +%v", s.Seq, s.Scheduled.Sub(start), i, at)
				}
				if i > 0 && s.Scheduled.Before(got[i-1].Scheduled) {
					t.Fatalf("seq %d intended before seq %d", s.Seq, got[i-1].Seq)
				}
				if s.Start.Before(s.Scheduled) {
					t.Fatalf("seq %d sent %v early", s.Seq, s.Scheduled.Sub(s.Start))
				}
			}
		})
	}
}

// TestOpenStopsPromptly: an interrupt or the max_requests guard in the middle of a long
// open-model phase ends it at once; every request sent is recorded, and nothing stays
// in flight.
func TestOpenStopsPromptly(t *testing.T) {
	tests := []struct {
		name        string
		latency     time.Duration
		poisson     bool
		maxRequests int64
	}{
		{"interrupt, fast target", time.Millisecond, false, 0},
		{"interrupt, slow target, poisson", 300 * time.Millisecond, true, 0},
		{"max_requests", 20 * time.Millisecond, false, 60},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := &sleepInvoker{d: tc.latency}
			sc := scenarioOf(scenarios.Phase{Name: "p", Rate: &scenarios.Rate{RPS: 200, Duration: dur(time.Minute), Poisson: tc.poisson}})
			sc.MaxRequests = tc.maxRequests
			sink := &memSink{}
			r := scenarios.NewRunner(sc, inv, nil, sink)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var stopped atomic.Int64 // unix nanoseconds of the interrupt
			if tc.maxRequests == 0 {
				go func() {
					for deadline := time.Now().Add(20 * time.Second); r.Progress().Sent < 30 && time.Now().Before(deadline); {
						time.Sleep(time.Millisecond)
					}
					stopped.Store(time.Now().UnixNano())
					cancel()
				}()
			}
			st, err := r.Run(ctx)
			ended := time.Now()
			if tc.maxRequests > 0 {
				if !errors.Is(err, scenarios.ErrGuard) || st.Sent != tc.maxRequests {
					t.Fatalf("err %v, sent %d: want the max_requests guard after %d", err, st.Sent, tc.maxRequests)
				}
			} else if err != nil || !st.Interrupted {
				t.Fatalf("err %v, interrupted %v: want an interrupted run", err, st.Interrupted)
			} else if took := ended.Sub(time.Unix(0, stopped.Load())); took > tc.latency+10*time.Second {
				t.Errorf("Run returned %v after the interrupt", took)
			}
			if d := ended.Sub(st.Started); d > 25*time.Second {
				t.Errorf("a one-minute phase stopped after %v", d)
			}
			got := sink.all()
			if int64(len(got)) != st.Sent || st.Completed != st.Sent || st.Sent < 30 || r.Progress().InFlight != 0 {
				t.Errorf("recorded %d, sent %d, completed %d, in flight %d: every request sent must be recorded",
					len(got), st.Sent, st.Completed, r.Progress().InFlight)
			}
			checkIdentity(t, got, st.RunID)
		})
	}
}

// TestOpenOneInFlight: with max_in_flight 1 the watcher takes over at every send (the
// one worker is in flight) and hands the next arrival back: one goroutine sends them
// all, never two at once, and every planned arrival is sent or dropped.
func TestOpenOneInFlight(t *testing.T) {
	inv := &peakInvoker{}
	sc := scenarioOf(scenarios.Phase{Name: "p", Rate: &scenarios.Rate{RPS: 1000, Duration: dur(200 * time.Millisecond), MaxInFlight: 1}})
	st, sink := run(t, sc, inv)
	info := sink.infos["p"]
	if info.Planned != 200 || st.Sent+info.Dropped != 200 || int64(len(sink.all())) != st.Sent || st.Sent < 50 {
		t.Fatalf("planned %d, sent %d, dropped %d, recorded %d: want 200 planned, most sent", info.Planned, st.Sent, info.Dropped, len(sink.all()))
	}
	if peak, senders := inv.peak.Load(), inv.senderCount(); peak != 1 || senders != 1 {
		t.Errorf("%d in flight at once from %d goroutines, want 1 and 1", peak, senders)
	}
}
