package results_test

import (
	"math"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// TestSendLag: an open-model phase's send_lag is Start − Scheduled over all its
// samples (failures too; a send on time counts as 1 µs); other phases report none
// and keep it out of the totals.
func TestSendLag(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	for _, tc := range []struct {
		name    string
		open    bool
		lagsMS  []float64 // Start − Scheduled of each sample
		errKind string
		want    *results.Percentiles
	}{
		{name: "open", open: true, lagsMS: []float64{0.1, 0.2, 0.3, 0.4, 10},
			want: &results.Percentiles{Count: 5, Min: 0.1, P50: 0.3, P99: 10, Max: 10}},
		{name: "failed sends count", open: true, lagsMS: []float64{2, 2, 4}, errKind: "timeout",
			want: &results.Percentiles{Count: 3, Min: 2, P50: 2, P99: 4, Max: 4}},
		{name: "open, on time", open: true, lagsMS: []float64{0, 0},
			want: &results.Percentiles{Count: 2, Min: 0.001, P50: 0.001, P99: 0.001, Max: 0.001}},
		{name: "open, nothing sent", open: true, want: &results.Percentiles{}},
		{name: "closed", lagsMS: []float64{0.01, 0.02, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			agg := results.NewAggregator()
			agg.SetPhaseInfo("p", results.PhaseInfo{Workload: "rate", OpenModel: tc.open})
			for i, lag := range tc.lagsMS {
				s := &results.Sample{Seq: int64(i + 1), Phase: "p", Status: 200, LatencyMS: 5, Error: tc.errKind}
				s.Scheduled = t0.Add(time.Duration(i) * time.Second)
				s.Start = s.Scheduled.Add(ms(lag))
				agg.Add(s)
			}
			phases, totals, err := agg.Summary()
			if err != nil {
				t.Fatal(err)
			}
			got := phases[0].SendLag
			if (got == nil) != (tc.want == nil) {
				t.Fatalf("send_lag %+v, want %+v", got, tc.want)
			}
			if got == nil {
				if _, ok := phases[0].Histograms[results.HistSendLag]; ok {
					t.Error("a send_lag histogram was written for a closed-model phase")
				}
				if totals.SendLag != nil {
					t.Errorf("totals send_lag %+v from a closed-model phase", totals.SendLag)
				}
				return
			}
			for _, c := range []struct {
				name      string
				got, want float64
			}{{"count", float64(got.Count), float64(tc.want.Count)}, {"min", got.Min, tc.want.Min},
				{"p50", got.P50, tc.want.P50}, {"p99", got.P99, tc.want.P99}, {"max", got.Max, tc.want.Max}} {
				if math.Abs(c.got-c.want) > 0.001*c.want+0.001 {
					t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
				}
			}
			if tc.want.Count > 0 && (totals.SendLag == nil || totals.SendLag.Count != tc.want.Count) {
				t.Errorf("totals send_lag %+v, want count %d", totals.SendLag, tc.want.Count)
			}
		})
	}
}
