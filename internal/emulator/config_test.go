package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		mut     func(*emulator.Config)
		wantErr []string // substrings; none: valid
	}{
		{"defaults", func(*emulator.Config) {}, nil},
		{"zero concurrency", func(c *emulator.Config) { c.PerInstanceConcurrency = 0 }, []string{"per-instance-concurrency"}},
		{"prewarm above max", func(c *emulator.Config) { c.MaxInstances, c.Prewarm = 2, 3 }, []string{"prewarm 3"}},
		{"bad rates", func(c *emulator.Config) { c.ErrorRate, c.SlowRate = 0.8, 2; c.TimeoutRate = 0.5 },
			[]string{"slow-rate 2", "error-rate + timeout-rate"}},
		{"bad scale and init", func(c *emulator.Config) { c.TimeScale = 0; c.Init = "gamma:1s" },
			[]string{"time-scale 0", `unknown distribution "gamma"`}},
		{"negative duration", func(c *emulator.Config) { c.QueueTimeout = -time.Second }, []string{"queue-timeout -1s"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := emulator.DefaultConfig()
			tc.mut(&c)
			err := c.Validate()
			if (err != nil) != (len(tc.wantErr) > 0) {
				t.Fatalf("Validate() = %v, want errors %q", err, tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
