package emulator_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// TestColdMinusWarm: a cold call outlasts a warm one by at least the configured init
// delay, and the reported init includes a real process start on top of it.
func TestColdMinusWarm(t *testing.T) {
	t.Parallel()
	const initDelay = 150 * time.Millisecond
	em := start(t, func(c *emulator.Config) { c.Init = initDelay.String() })
	cold := call(t, em.URL(), "c-0")
	warm := call(t, em.URL(), "c-1")
	if !cold.cold || warm.cold || cold.instance != warm.instance {
		t.Fatalf("want cold then warm on one instance, got %+v then %+v", cold, warm)
	}
	if d := cold.latency - warm.latency; d < initDelay {
		t.Errorf("cold %v − warm %v = %v, want ≥ init %v", cold.latency, warm.latency, d, initDelay)
	}
	if ms := float64(initDelay.Milliseconds()); !(cold.initMS > ms) {
		t.Errorf("X-Thaw-Init-Ms %.3f, want more than the %v init delay (process start on top)", cold.initMS, initDelay)
	}
	if warm.initMS != cold.initMS {
		t.Errorf("warm call reports init %.3f, want the instance's %.3f", warm.initMS, cold.initMS)
	}
}

// BenchmarkColdStart measures a real process start alone (no init delay): each
// iteration is one cold call on a fresh instance (keep-alive ~0). It reports the p50 of
// the emulator's measured init (process start until it answers) as start-p50-ms.
func BenchmarkColdStart(b *testing.B) {
	cfg := emulator.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.KeepAlive = time.Nanosecond // every call finds its instance expired
	em, err := emulator.Start(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := em.Close(); err != nil {
			b.Error(err)
		}
	}()
	var inits []float64
	for i := 0; b.Loop(); i++ {
		r := call(b, em.URL(), fmt.Sprintf("bench-%d", i))
		if !r.cold {
			b.Fatalf("call %d was warm", i)
		}
		inits = append(inits, r.initMS)
	}
	sort.Float64s(inits)
	b.ReportMetric(inits[len(inits)/2], "start-p50-ms")
	b.ReportMetric(inits[len(inits)*9/10], "start-p90-ms")
}

// BenchmarkWarmCall measures one warm call through the emulator (proxy and handler):
// the baseline a cold start is compared with.
func BenchmarkWarmCall(b *testing.B) {
	cfg := emulator.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	em, err := emulator.Start(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := em.Close(); err != nil {
			b.Error(err)
		}
	}()
	call(b, em.URL(), "first")
	for i := 0; b.Loop(); i++ {
		if r := call(b, em.URL(), fmt.Sprintf("w-%d", i)); r.cold {
			b.Fatalf("call %d was cold", i)
		}
	}
}
