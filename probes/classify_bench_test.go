package probes_test

import (
	"testing"

	"github.com/thaw-dev/thaw/probes"
)

// BenchmarkClassifyOnline is the per-sample cost of the default chain online, with
// the latency probe refitting its 1000-sample window every 100 samples: with cold
// starts in the data (bimodal) and without (unimodal, where refits back off).
func BenchmarkClassifyOnline(b *testing.B) {
	for _, bc := range []struct {
		name string
		cold int
	}{{"bimodal", 250}, {"unimodal", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			benchClassify(b, synth{n: 5000, cold: bc.cold, warmMS: 2, initMS: 40, sigma: 0.2, seed: 9})
		})
	}
}

func benchClassify(b *testing.B, sy synth) {
	ss, _ := sy.samples()
	c, err := probes.NewChain(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s := ss[i%len(ss)]
		s.Evidence = nil
		c.Classify(&s)
		i++
	}
}

// BenchmarkReclassify is the offline cost for a 10 000-sample run (latency fit on all).
func BenchmarkReclassify(b *testing.B) {
	ss, _ := synth{n: 10000, cold: 300, warmMS: 2, initMS: 40, sigma: 0.2, seed: 10}.samples()
	for b.Loop() {
		if _, err := probes.Reclassify(ss, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassifyProvisional is the online chain as thaw run uses it: verdicts
// without reasons (the whole-run pass words them).
func BenchmarkClassifyProvisional(b *testing.B) {
	ss, _ := synth{n: 5000, cold: 250, warmMS: 2, initMS: 40, sigma: 0.2, seed: 9}.samples()
	c, err := probes.NewChain(nil)
	if err != nil {
		b.Fatal(err)
	}
	c.Provisional()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s := ss[i%len(ss)]
		s.Evidence = nil
		c.Classify(&s)
		i++
	}
}
