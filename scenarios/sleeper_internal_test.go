package scenarios

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// TestSleeperNeverEarly: whatever the wait (short ones end on the precise timer), the
// worker's sleeper never returns before the planned time: an arrival is never
// sent early.
func TestSleeperNeverEarly(t *testing.T) {
	s := newSleeper(SystemClock())
	defer s.stop()
	rng := rand.New(rand.NewPCG(1, 2))
	var lateSum time.Duration
	for i := range 200 {
		at := time.Now().Add(time.Duration(rng.Int64N(int64(3 * time.Millisecond))))
		if err := s.until(context.Background(), at); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if now.Before(at) {
			t.Fatalf("wait %d ended %v early", i, at.Sub(now))
		}
		lateSum += now.Sub(at)
	}
	t.Logf("mean lateness %v", lateSum/200)
}

// TestSleeperCancelled: a long wait ends when its context is cancelled, with the
// context's error, and later waits end at once.
func TestSleeperCancelled(t *testing.T) {
	s := newSleeper(SystemClock())
	defer s.stop()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if err := s.until(ctx, start.Add(time.Minute)); err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("a cancelled one-minute wait took %v", d)
	}
	if err := s.until(ctx, time.Now().Add(time.Minute)); err != context.Canceled {
		t.Fatalf("after cancel: err %v", err)
	}
}
