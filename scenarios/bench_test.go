package scenarios_test

import (
	"context"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

type nopSink struct{}

func (nopSink) Record(*results.Sample) error { return nil }

// BenchmarkRunnerOpenModel measures the open-model workers on the real clock: b.N arrivals at
// 20000 rps through a no-op invoker. late/op is the fraction of sends that started more
// than the late tolerance after their planned time.
func BenchmarkRunnerOpenModel(b *testing.B) {
	const rps = 20000
	sc := scenarioOf(scenarios.Phase{Name: "rate", Rate: &scenarios.Rate{RPS: rps, Duration: dur(time.Duration(b.N) * time.Second / rps)}})
	inv := invokerFunc(func(_ context.Context, s *results.Sample) { s.Start = time.Now() })
	b.ReportAllocs()
	b.ResetTimer()
	st, err := scenarios.NewRunner(sc, inv, nil, nopSink{}).Run(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Late)/float64(max(st.Sent, 1)), "late/op")
	b.ReportMetric(float64(st.Dropped), "dropped")
}

// BenchmarkRampArrival measures computing one ramp arrival time.
func BenchmarkRampArrival(b *testing.B) {
	r := scenarios.NewRampSchedule(0, []scenarios.Stage{{To: 1000, Over: dur(time.Hour)}, {To: 10, Over: dur(time.Hour)}})
	total := int64(r.Total())
	for i := range b.N {
		if _, ok := r.Arrival(int64(i) % total); !ok {
			b.Fatal("no arrival")
		}
	}
}
