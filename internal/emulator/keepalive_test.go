package emulator_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// TestKeepAlive: with a 2 s keep-alive, a call after 3 s idle is cold on a new
// instance and a call after 0.5 s idle is warm on the same one. Platform time runs
// 4× faster (time-scale 4), so the idle waits are 0.75 s and 0.125 s of wall time.
func TestKeepAlive(t *testing.T) {
	t.Parallel()
	const scale = 4.0
	em := start(t, func(c *emulator.Config) { c.KeepAlive = 2 * time.Second; c.TimeScale = scale })
	idles := []struct {
		idle     time.Duration
		wantCold bool
	}{
		{0, true}, {500 * time.Millisecond, false}, {3 * time.Second, true}, {500 * time.Millisecond, false},
		{500 * time.Millisecond, false}, {3 * time.Second, true}, {3 * time.Second, true},
	}
	prev := ""
	for i, tc := range idles {
		time.Sleep(time.Duration(float64(tc.idle) / scale))
		r := call(t, em.URL(), fmt.Sprintf("k-%d", i))
		if r.status != 200 || r.cold != tc.wantCold {
			t.Fatalf("call %d after %v idle: status %d cold %v, want 200 cold %v", i, tc.idle, r.status, r.cold, tc.wantCold)
		}
		if changed := r.instance != prev; changed != r.cold {
			t.Errorf("call %d: instance %q after %q (changed %v) but cold %v", i, r.instance, prev, changed, r.cold)
		}
		prev = r.instance
	}
	if err := em.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	truth := em.Truth()
	if len(truth) != len(idles) {
		t.Fatalf("truth has %d records, want %d", len(truth), len(idles))
	}
	for i, rec := range truth {
		if rec.RequestID != fmt.Sprintf("k-%d", i) || rec.Cold != idles[i].wantCold || rec.Seq != int64(i) {
			t.Errorf("truth %d = %+v, want request k-%d cold %v", i, rec, i, idles[i].wantCold)
		}
	}
}

// TestKeepAliveJitter: each instance lives between keep-alive and keep-alive + jitter:
// 0.9 s idle is always warm and 2.1 s idle always cold with 1 s + up to 1 s.
func TestKeepAliveJitter(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	t.Parallel()
	const scale = 4.0
	em := start(t, func(c *emulator.Config) {
		c.KeepAlive, c.KeepAliveJitter, c.TimeScale, c.Seed = time.Second, time.Second, scale, 3
	})
	steps := []struct {
		idle     time.Duration
		wantCold bool
	}{{0, true}, {900 * time.Millisecond, false}, {2100 * time.Millisecond, true}, {900 * time.Millisecond, false}, {2100 * time.Millisecond, true}}
	for i, s := range steps {
		time.Sleep(time.Duration(float64(s.idle) / scale))
		if r := call(t, em.URL(), fmt.Sprintf("j-%d", i)); r.cold != s.wantCold {
			t.Errorf("call %d after %v idle: cold %v, want %v", i, s.idle, r.cold, s.wantCold)
		}
	}
}
