package probes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

var latencyOnly = []probes.Spec{{Name: "latency"}}

func TestLatencyOffline(t *testing.T) {
	tests := []struct {
		name        string
		run         synth
		minAccuracy float64 // share of all samples classified correctly
		wantCold    bool    // any cold verdict allowed
		wantReason  string  // in every abstention
	}{
		{"init 5x warm, 25 cold of 300", synth{n: 300, cold: 25, warmMS: 10, initMS: 50, sigma: 0.15, seed: 1}, 0.97, true, ""},
		{"init 5x warm, 20 cold of 1000, noisy", synth{n: 1000, cold: 20, warmMS: 2, initMS: 10, sigma: 0.2, outliers: 3, seed: 2}, 0.97, true, ""},
		{"init 20x warm, half cold", synth{n: 200, cold: 100, warmMS: 1, initMS: 20, sigma: 0.3, seed: 3}, 0.99, true, ""},
		{"no cold starts", synth{n: 500, warmMS: 5, sigma: 0.3, seed: 4}, 0, false, "not bimodal"},
		{"no cold starts, scheduler outliers", synth{n: 1000, warmMS: 1, sigma: 0.25, outliers: 8, seed: 5}, 0, false, "not cold starts"},
		{"fresh connections to a warm function", synth{n: 300, warmMS: 3, sigma: 0.2, fresh: true, seed: 6}, 0, false, "not bimodal"},
		{"cold start too small to separate", synth{n: 300, cold: 30, warmMS: 10, initMS: 1, sigma: 0.2, seed: 7}, 0, false, "not bimodal"},
		{"12 samples, 3 cold, clearly apart", synth{n: 12, cold: 3, warmMS: 10, initMS: 100, sigma: 0.1, seed: 8}, 1, true, ""},
		{"6 samples, 3 cold, clearly apart", synth{n: 6, cold: 3, warmMS: 2, initMS: 100, sigma: 0.1, seed: 9}, 1, true, ""},
		{"slow warm mode (cache misses), no cold starts", synth{n: 200, warmMS: 2, sigma: 0.15, outliers: 40, seed: 10}, 0, false, "not cold starts"},
		{"too few samples", synth{n: 5, cold: 2, warmMS: 10, initMS: 100, sigma: 0.1, seed: 8}, 0, false, "too few samples"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss, truth := tc.run.samples()
			sum, err := probes.Reclassify(ss, latencyOnly)
			if err != nil {
				t.Fatal(err)
			}
			correct, cold, unknown := score(ss, truth)
			acc := float64(correct) / float64(len(ss))
			t.Logf("accuracy %.4f, cold %d, unknown %d", acc, cold, unknown)
			if acc < tc.minAccuracy {
				t.Errorf("accuracy %.4f < %.2f", acc, tc.minAccuracy)
			}
			if !tc.wantCold && cold > 0 {
				t.Errorf("%d samples called cold in a run without separable cold starts", cold)
			}
			// Why the probe found no groups is the run's finding, said once.
			if note := sum[0].Note; unknown > 0 && !strings.Contains(note, tc.wantReason) {
				t.Fatalf("the probe's note %q, want it to mention %q", note, tc.wantReason)
			}
			for _, s := range ss {
				if s.Class == results.Unknown && s.Evidence != nil && s.Evidence.Reasons["latency"] != "" {
					t.Fatalf("an abstention for the whole run repeated on a sample: %q", s.Evidence.Reasons["latency"])
				}
				if s.Class != results.Unknown && (s.Confidence < 0.5 || s.Confidence > 1 || s.DecidedBy != "latency") {
					t.Fatalf("verdict %+v: confidence must be in [0.5,1], decided by latency", s)
				}
			}
		})
	}
}

// Online, the probe abstains until it has min_samples, then judges each new sample
// against a rolling fit.
func TestLatencyOnline(t *testing.T) {
	ss, truth := synth{n: 400, cold: 40, warmMS: 4, initMS: 40, sigma: 0.15, seed: 11}.samples()
	c, err := probes.NewChain(latencyOnly)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ss {
		c.Classify(&ss[i])
	}
	for i := range 5 {
		if ss[i].Class != results.Unknown {
			t.Fatalf("sample %d decided before 6 samples: %+v", i, ss[i])
		}
	}
	correct, _, unknown := score(ss[100:], truth[100:])
	if acc := float64(correct) / 300; acc < 0.97 {
		t.Errorf("online accuracy after warm-up %.4f < 0.97 (unknown %d)", acc, unknown)
	}
}

// TestLatencyStallStaysWarm: in a 16-call sweep, one warm call slowed 40× by a stall
// (after a short gap, like its warm neighbours) must not join the cold group just
// because that split leaves a wider gap: the idle gap explains the cold starts alone.
func TestLatencyStallStaysWarm(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var ss []results.Sample
	add := func(idleMS, serverMS float64) {
		ss = append(ss, results.Sample{Seq: int64(len(ss)), Start: at, Status: 200, IdleBeforeMS: idleMS,
			InFlight: 1, TTFBMS: serverMS, LatencyMS: serverMS + 0.1, ConnReused: true})
		at = at.Add(time.Second)
	}
	for i := range 8 {
		add(100+float64(i), 0.5+0.02*float64(i)) // warm
		add(1300+float64(i), 300+float64(i))     // cold
	}
	ss[4].TTFBMS, ss[4].LatencyMS = 20, 20.1 // a warm call (after 100 ms) stalled
	if _, err := probes.Reclassify(ss, latencyOnly); err != nil {
		t.Fatal(err)
	}
	for i, s := range ss {
		want := results.Warm
		if i%2 == 1 {
			want = results.Cold
		}
		if s.Class != want {
			t.Errorf("sample %d (idle %.0f ms, server %.1f ms): %s, want %s (%s)", i, s.IdleBeforeMS, s.TTFBMS, s.Class, want, s.Evidence.Reasons["latency"])
		}
	}
}
