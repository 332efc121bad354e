package emulator_test

import (
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// TestBurst: 10 simultaneous calls after idle, against different caps.
func TestBurst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                        string
		max                         int
		queue                       bool
		wantCold, wantWarm, want429 int
		wantInstances               int
	}{
		{name: "under cap", max: 20, wantCold: 10, wantInstances: 10},
		{name: "over cap throttles", max: 5, wantCold: 5, want429: 5, wantInstances: 5},
		{name: "over cap queues", max: 5, queue: true, wantCold: 5, wantWarm: 5, wantInstances: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			em := start(t, func(c *emulator.Config) {
				c.MaxInstances, c.Queue = tc.max, tc.queue
				c.Init = "300ms" // every cold start outlasts the burst's arrival spread
			})
			got := burst(t, em.URL(), 10)
			var cold, warm, throttled int
			var coldMax, warmMin time.Duration = 0, time.Hour
			instances := map[string]bool{}
			for _, r := range got {
				switch {
				case r.status == 429:
					throttled++
				case r.status == 200 && r.cold:
					cold++
					if r.queuedMS != 0 {
						t.Errorf("cold start reports a queue wait: %+v", r)
					}
					instances[r.instance] = true
					coldMax = max(coldMax, r.latency)
				case r.status == 200:
					warm++
					warmMin = min(warmMin, r.latency)
					if r.queuedMS <= 0 {
						t.Errorf("warm reuse in a burst without X-Thaw-Queued-Ms: %+v", r)
					}
				default:
					t.Errorf("unexpected reply %+v", r)
				}
			}
			if cold != tc.wantCold || warm != tc.wantWarm || throttled != tc.want429 || len(instances) != tc.wantInstances {
				t.Fatalf("cold %d warm %d 429 %d instances %d, want %d %d %d %d",
					cold, warm, throttled, len(instances), tc.wantCold, tc.wantWarm, tc.want429, tc.wantInstances)
			}
			// A queued call sent after the cold call it waits behind (by the burst's
			// arrival spread, a fraction of a millisecond to a few on a busy machine)
			// waits a little less than the 300ms init; a reuse that did not wait takes
			// about a millisecond.
			if warm > 0 && warmMin < 250*time.Millisecond {
				t.Errorf("queued warm reuse took %v, want most of the 300ms init it waited behind", warmMin)
			}
		})
	}
}
