package scenarios_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

func TestRetryWait(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	withHeader := func(v string) *results.Sample {
		return &results.Sample{Evidence: &results.Evidence{Headers: map[string]string{"Retry-After": v}}}
	}
	tests := []struct {
		name    string
		backoff time.Duration
		n       int
		s       *results.Sample
		want    time.Duration
	}{
		{"first", 100 * time.Millisecond, 1, &results.Sample{}, 100 * time.Millisecond},
		{"doubles", 100 * time.Millisecond, 3, &results.Sample{}, 400 * time.Millisecond},
		{"retry-after seconds wins", 100 * time.Millisecond, 1, withHeader("2"), 2 * time.Second},
		{"retry-after date", 0, 1, withHeader(now.Add(5 * time.Second).Format(http.TimeFormat)), 5 * time.Second},
		{"shorter retry-after loses", time.Second, 1, withHeader("0"), time.Second},
		{"capped", 0, 1, withHeader("86400"), scenarios.MaxRetryAfter},
		{"garbage ignored", 50 * time.Millisecond, 1, withHeader("soon"), 50 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := scenarios.RetryWait(tc.backoff, tc.n, tc.s, now); got != tc.want {
				t.Errorf("RetryWait = %v, want %v", got, tc.want)
			}
		})
	}
}

// flaky fails the first `fail` attempts of every invocation with status, then answers
// 200; it counts every attempt. Safe for concurrent use.
type flaky struct {
	clock  *fakeClock
	status int
	fail   int

	mu       sync.Mutex
	attempts map[int64]int
	total    int
}

func (f *flaky) Invoke(_ context.Context, s *results.Sample) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.attempts == nil {
		f.attempts = map[int64]int{}
	}
	f.attempts[s.Seq]++
	f.total++
	s.Start, s.LatencyMS, s.Status = f.clock.Now(), 1, 200
	if f.attempts[s.Seq] <= f.fail {
		s.Status = f.status
		s.Error = map[int]string{429: results.ErrThrottled, 503: results.ErrStatus5xx, 404: results.ErrStatus4xx}[f.status]
	}
}

func TestRunnerRetries(t *testing.T) {
	tests := []struct {
		name        string
		retry       *scenarios.Retry
		status      int
		fail        int
		wantOK      int
		wantRetries int64
	}{
		{"off by default", nil, 503, 1, 0, 0},
		{"5xx retried until ok", &scenarios.Retry{Max: 3}, 503, 2, 10, 20},
		{"gives up after max", &scenarios.Retry{Max: 2}, 429, 5, 0, 20},
		{"4xx not retried", &scenarios.Retry{Max: 3}, 404, 1, 0, 0},
		{"only the kinds asked", &scenarios.Retry{Max: 3, On: []string{"throttled"}}, 503, 1, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			sc := scenarioOf(scenarios.Phase{Name: "c", Concurrency: &scenarios.Concurrency{Workers: 2, Iterations: 10}})
			sc.Target.Retry = tc.retry
			sc.ApplyDefaults()
			inv := &flaky{clock: clock, status: tc.status, fail: tc.fail}
			sink := &memSink{}
			st, err := scenarios.NewRunner(sc, inv, nil, sink, scenarios.WithClock(clock)).Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			samples := sink.all()
			ok, retries := 0, int64(0)
			for _, s := range samples {
				if s.OK() {
					ok++
				}
				retries += int64(s.Retries)
				if s.Retries > 0 && !strings.HasSuffix(s.RequestID, ".r"+string(rune('0'+s.Retries))) {
					t.Errorf("retried sample request id %q", s.RequestID)
				}
			}
			// One sample per invocation, however many attempts: never double counted.
			if len(samples) != 10 || st.Sent != 10 || ok != tc.wantOK || retries != tc.wantRetries || st.Retries != tc.wantRetries {
				t.Errorf("samples %d sent %d ok %d retries %d (stats %d), want 10 10 %d %d", len(samples), st.Sent, ok, retries, st.Retries, tc.wantOK, tc.wantRetries)
			}
			if int64(inv.total) != 10+tc.wantRetries {
				t.Errorf("target saw %d attempts, want %d", inv.total, 10+tc.wantRetries)
			}
		})
	}
}

func TestRunnerMaxRequests(t *testing.T) {
	phases := map[string]scenarios.Phase{
		"closed": {Name: "c", Concurrency: &scenarios.Concurrency{Workers: 3, Duration: dur(time.Hour)}},
		"open":   {Name: "o", Rate: &scenarios.Rate{RPS: 100, Duration: dur(time.Hour)}},
		"idle":   {Name: "i", Idle: &scenarios.Idle{Intervals: []scenarios.Duration{dur(time.Second)}, Samples: 100}},
	}
	for name, p := range phases {
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			sc := scenarioOf(p)
			sc.MaxRequests = 25
			inv := &flaky{clock: clock}
			sink := &memSink{}
			st, err := scenarios.NewRunner(sc, inv, nil, sink, scenarios.WithClock(clock)).Run(context.Background())
			if !errors.Is(err, scenarios.ErrGuard) || !strings.Contains(err.Error(), "max_requests 25") {
				t.Fatalf("err %v, want the max_requests guard", err)
			}
			if inv.total != 25 || len(sink.all()) != 25 || st.Sent != 25 {
				t.Errorf("target saw %d, recorded %d, sent %d; want 25", inv.total, len(sink.all()), st.Sent)
			}
		})
	}
}

func TestRunnerMaxRPSHoldsClosedModel(t *testing.T) {
	clock := newFakeClock()
	// One worker on the fake clock (which is not meant for concurrent sleepers): the
	// target answers at once, so only max_rps spaces the sends.
	sc := scenarioOf(scenarios.Phase{Name: "c", Concurrency: &scenarios.Concurrency{Workers: 1, Duration: dur(10 * time.Second)}})
	sc.MaxRPS = 20
	inv := &flaky{clock: clock}
	sink := &memSink{}
	if _, err := scenarios.NewRunner(sc, inv, nil, sink, scenarios.WithClock(clock)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	samples := sink.all()
	// 10 s at 20/s: 200 sends (±1 at the edges), never two closer than 50 ms.
	if n := len(samples); n < 199 || n > 201 {
		t.Fatalf("%d samples, want 200 ± 1", n)
	}
	starts := make([]time.Time, len(samples))
	for i, s := range samples {
		starts[i] = s.Start
	}
	slices.SortFunc(starts, time.Time.Compare)
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < 50*time.Millisecond {
			t.Fatalf("sends %d and %d only %v apart", i-1, i, gap)
		}
	}
}

// TestRunnerMaxRPSManyWorkers: on the real clock, 6 workers against a 1 ms target for
// 1 s would send hundreds; max_rps 40 holds them to at most 41.
func TestRunnerMaxRPSManyWorkers(t *testing.T) {
	sc := scenarioOf(scenarios.Phase{Name: "c", Concurrency: &scenarios.Concurrency{Workers: 6, Duration: dur(time.Second)}})
	sc.MaxRPS = 40
	sink := &memSink{}
	if _, err := scenarios.NewRunner(sc, &sleepInvoker{d: time.Millisecond}, nil, sink).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(sink.all()); n < 10 || n > 41 {
		t.Fatalf("%d samples in 1 s at max_rps 40, want 10 to 41", n)
	}
}
