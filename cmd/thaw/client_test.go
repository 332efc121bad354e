package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/results"
)

// TestRunClientsAgainstTruth: the same idle sweep across a 400 ms keep-alive, sent by the
// lean HTTP/1.1 client and by net/http (target.client), judged by latency alone
// through the real CLI against the emulator's hidden truth: both clients give the
// classifier what it needs, and charge connection set-up to new connections only.
// Serial: two emulators sweeping at once on a loaded machine blur the latencies.
func TestRunClientsAgainstTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	const perInterval = 8
	for _, client := range []string{"lean", "std"} {
		t.Run(client, func(t *testing.T) {
			em := startBlindEmulator(t, func(c *emulator.Config) { c.KeepAlive, c.Init = 400*time.Millisecond, "300ms" })
			dir := runAgainst(t, em.URL(), fmt.Sprintf(`
version: 1
name: clients
seed: 3
target: {url: "${URL}", client: %s}
probes: [latency]
phases:
  - {name: sweep, idle: {intervals: [50ms, 700ms], samples: %d, order: shuffled}}
`, client, perInterval))
			n, right, unknown, _ := scoreAgainstTruth(t, dir, em.Truth())
			acc := float64(right) / float64(n)
			t.Logf("ACCURACY thaw-run client=%s latency-only sweep n=%d right=%d unknown=%d accuracy=%.3f", client, n, right, unknown, acc)
			if n != 2*perInterval || acc < 0.9 {
				t.Errorf("%d samples, accuracy %.3f: want %d samples, accuracy >= 0.9", n, acc, 2*perInterval)
			}
			err := results.ReadSamples(dir, func(s *results.Sample) error {
				if s.Error != "" || s.Status != 200 {
					return fmt.Errorf("sample %s: status %d error %q %s", s.RequestID, s.Status, s.Error, s.ErrorDetail)
				}
				if s.ConnReused == (s.ConnectMS > 0) || s.TTFBMS <= 0 || s.TTFBMS > s.LatencyMS {
					return fmt.Errorf("sample %s: reused %v connect %.3f ttfb %.3f latency %.3f", s.RequestID, s.ConnReused, s.ConnectMS, s.TTFBMS, s.LatencyMS)
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
}
