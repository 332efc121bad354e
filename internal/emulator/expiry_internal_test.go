package emulator

import (
	"testing"
	"time"
)

func TestExpiry(t *testing.T) {
	t.Parallel()
	const s = time.Second
	tests := []struct {
		name                           string
		dead                           bool
		inflight                       int
		idle, age, keepAlive, lifetime time.Duration
		want                           string
	}{
		{"fresh", false, 0, 0, 0, 10 * s, 0, ""},
		{"idle just under keep-alive", false, 0, 10*s - 1, 20 * s, 10 * s, 0, ""},
		{"idle at keep-alive", false, 0, 10 * s, 20 * s, 10 * s, 0, "keep-alive"},
		{"busy never expires", false, 1, 99 * s, 99 * s, 10 * s, 30 * s, ""},
		{"no keep-alive limit", false, 0, 99 * s, 99 * s, 0, 0, ""},
		{"lifetime reached while idle", false, 0, 1 * s, 30 * s, 10 * s, 30 * s, "lifetime"},
		{"dead even when busy", true, 2, 0, 0, 10 * s, 0, "dead"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := expiry(tc.dead, tc.inflight, tc.idle, tc.age, tc.keepAlive, tc.lifetime); got != tc.want {
				t.Errorf("expiry = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestScale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scale float64
		in    time.Duration
		want  time.Duration
	}{
		{1, 10 * time.Minute, 10 * time.Minute},
		{60, 10 * time.Minute, 10 * time.Second},
		{0.5, time.Second, 2 * time.Second},
	}
	for _, tc := range tests {
		if got := (Config{TimeScale: tc.scale}).scale(tc.in); got != tc.want {
			t.Errorf("scale(%v) at %g = %v, want %v", tc.in, tc.scale, got, tc.want)
		}
	}
}
