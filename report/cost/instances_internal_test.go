package cost

import (
	"fmt"
	"math"
	"testing"
)

// TestInstanceTimeBoundedMemory feeds a long run (200,000 requests of 100 ms, one every
// 50 ms, over 1,000 instances used in turn, slightly out of order) and checks that the
// spans kept stay few while the busy time is exact.
func TestInstanceTimeBoundedMemory(t *testing.T) {
	it := newInstanceTime(0)
	most := 0
	const n = 200_000
	for i := 0; i < n; i++ {
		k := i ^ 1 // pairs swapped: not in start order
		from := float64(k) * 50
		it.add(fmt.Sprintf("i-%d", k%1000), from, from+100)
		if i%500 == 0 {
			kept := 0
			for _, s := range it.perInst {
				kept += len(s)
			}
			most = max(most, kept)
		}
	}
	// Instance k%1000 is reused every 50 s: its requests never overlap, so the busy
	// time is the sum, 200,000 × 100 ms.
	if got := it.total(); math.Abs(got-n*100) > 1e-6 {
		t.Errorf("busy %.0f ms, want %d", got, n*100)
	}
	// The horizon trails the latest end by the longest request plus a minute, and a
	// flush runs every 1,024 requests: about (60 s + 51 s) / 50 ms ≈ 2,250 spans.
	if most > 3_000 {
		t.Errorf("kept up to %d spans at once, want memory bounded by the horizon (≤ 3,000)", most)
	}
}
