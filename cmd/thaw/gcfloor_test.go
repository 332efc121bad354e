package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestHoldFirstGC: collection is off (only the memory limit would start one) until the
// first collection, after which the earlier GC percentage and no limit are back.
func TestHoldFirstGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	waitReleased(t) // the hold the test binary's own init took
	if !holdFirstGC(1 << 30) {
		t.Fatal("holdFirstGC did nothing with GOGC and GOMEMLIMIT unset")
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("GC percent %d while held, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 1<<30 {
		t.Fatalf("memory limit %d while held, want %d", l, 1<<30)
	}
	waitReleased(t)
}

// waitReleased collects until the GC percentage is 100 and no memory limit is set.
func waitReleased(t *testing.T) {
	t.Helper()
	runtime.GC()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		if p == 100 && debug.SetMemoryLimit(-1) == math.MaxInt64 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a collection: GC percent %d, memory limit %d; want 100 and none", p, debug.SetMemoryLimit(-1))
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHoldFirstGCLeavesEnvironment: GOGC or GOMEMLIMIT set by the user wins.
func TestHoldFirstGCLeavesEnvironment(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "200")
			if holdFirstGC(1 << 30) {
				t.Errorf("holdFirstGC acted with %s set", env)
			}
		})
	}
}
