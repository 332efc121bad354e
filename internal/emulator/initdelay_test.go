package emulator_test

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

func TestParseInitDelay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in             string
		wantErr        bool
		wantLo, wantHi time.Duration // every draw in [lo, hi]
		wantP50Near    time.Duration // median of draws within 10%
	}{
		{in: "", wantLo: 0, wantHi: 0},
		{in: "250ms", wantLo: 250 * time.Millisecond, wantHi: 250 * time.Millisecond, wantP50Near: 250 * time.Millisecond},
		{in: "fixed:1s", wantLo: time.Second, wantHi: time.Second, wantP50Near: time.Second},
		{in: "uniform:100ms,300ms", wantLo: 100 * time.Millisecond, wantHi: 300 * time.Millisecond, wantP50Near: 200 * time.Millisecond},
		{in: "lognormal:300ms,0.5", wantLo: 1, wantHi: time.Hour, wantP50Near: 300 * time.Millisecond},
		{in: "LogNormal: 300ms , 0", wantLo: 300 * time.Millisecond, wantHi: 300 * time.Millisecond, wantP50Near: 300 * time.Millisecond},
		{in: "-1s", wantErr: true},
		{in: "2h", wantErr: true},
		{in: "lognormal:300ms", wantErr: true},
		{in: "lognormal:300ms,-1", wantErr: true},
		{in: "uniform:2s,1s", wantErr: true},
		{in: "weibull:1s,2", wantErr: true},
		{in: "fast", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, err := emulator.ParseInitDelay(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("ParseInitDelay(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			}
			if err != nil {
				return
			}
			rng := rand.New(rand.NewPCG(1, 2))
			draws := make([]time.Duration, 2001)
			for i := range draws {
				draws[i] = d.Sample(rng)
				if draws[i] < tc.wantLo || draws[i] > tc.wantHi {
					t.Fatalf("draw %v outside [%v, %v]", draws[i], tc.wantLo, tc.wantHi)
				}
			}
			sort.Slice(draws, func(i, j int) bool { return draws[i] < draws[j] })
			p50 := draws[len(draws)/2]
			if diff := p50 - tc.wantP50Near; diff > tc.wantP50Near/10 || -diff > tc.wantP50Near/10 {
				t.Errorf("median draw %v, want about %v", p50, tc.wantP50Near)
			}
		})
	}
}

// FuzzParseInitDelay: any text either fails or gives draws within 0..1h, and the
// delay's String parses back to the same distribution.
func FuzzParseInitDelay(f *testing.F) {
	for _, s := range []string{"", "0", "250ms", "lognormal:300ms,0.5", "uniform:1ms,2ms", "fixed:", ":", "lognormal:,", "uniform:1h,1h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := emulator.ParseInitDelay(s)
		if err != nil {
			return
		}
		rng := rand.New(rand.NewPCG(3, 4))
		for range 20 {
			if v := d.Sample(rng); v < 0 || v > time.Hour {
				t.Fatalf("%q drew %v", s, v)
			}
		}
		again, err := emulator.ParseInitDelay(d.String())
		if err != nil || again.Kind != d.Kind || again.Base != d.Base || again.Max != d.Max || again.Sigma != d.Sigma {
			t.Fatalf("%q → %q → %+v, %v", s, d.String(), again, err)
		}
	})
}
