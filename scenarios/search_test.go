package scenarios_test

import (
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

func TestBisector(t *testing.T) {
	m := time.Minute
	tests := []struct {
		name      string
		keepAlive time.Duration // cold when gap > keepAlive
		lo, hi    time.Duration
		wantLo    time.Duration
		wantHi    time.Duration
		wantGaps  []time.Duration
	}{
		{"boundary at 20m", 20 * m, 0, 64 * m, 20 * m, 24 * m,
			[]time.Duration{32 * m, 16 * m, 24 * m, 20 * m}},
		{"always warm", time.Hour * 10, 0, 64 * m, 60 * m, 64 * m,
			[]time.Duration{32 * m, 48 * m, 56 * m, 60 * m}},
		{"boundary at 21m", 21 * m, 0, 64 * m, 20 * m, 24 * m,
			[]time.Duration{32 * m, 16 * m, 24 * m, 20 * m}},
		{"always cold", 0, 0, 64 * m, 0, 4 * m,
			[]time.Duration{32 * m, 16 * m, 8 * m, 4 * m}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := scenarios.NewBisector(tc.lo, tc.hi, 4*m, 1)
			var gaps []time.Duration
			for len(gaps) < 100 {
				gap, ok := b.Next()
				if !ok {
					break
				}
				gaps = append(gaps, gap)
				class := results.Warm
				if gap > tc.keepAlive {
					class = results.Cold
				}
				b.Observe(&results.Sample{Class: class})
			}
			lo, hi := b.Bounds()
			if lo != tc.wantLo || hi != tc.wantHi || len(gaps) != len(tc.wantGaps) {
				t.Fatalf("bounds [%v, %v] after %v; want [%v, %v] after %v", lo, hi, gaps, tc.wantLo, tc.wantHi, tc.wantGaps)
			}
			for i := range gaps {
				if gaps[i] != tc.wantGaps[i] {
					t.Errorf("gap %d = %v, want %v", i, gaps[i], tc.wantGaps[i])
				}
			}
		})
	}
}

func TestBisectorMajorityAndFailures(t *testing.T) {
	b := scenarios.NewBisector(0, 8*time.Minute, time.Minute, 3)
	// a round of warm, cold, failed: tie counts as cold, failure counts for neither
	b.Observe(&results.Sample{Class: results.Warm})
	b.Observe(&results.Sample{Class: results.Cold})
	if _, hi := b.Bounds(); hi != 8*time.Minute {
		t.Fatal("moved before the round was complete")
	}
	b.Observe(&results.Sample{Class: results.Cold, Error: results.ErrTimeout})
	if lo, hi := b.Bounds(); lo != 0 || hi != 4*time.Minute {
		t.Errorf("bounds [%v, %v], want [0, 4m]", lo, hi)
	}
	p := b.Probes()
	if len(p) != 1 || p[0].Cold != 1 || p[0].Warm != 1 || p[0].Other != 1 || p[0].GapMS != 240000 {
		t.Errorf("probes %+v", p)
	}
}
