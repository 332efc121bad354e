package probes_test

import (
	"testing"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
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
	benchChain(b, sy, nil, nil, (*probes.Chain).Classify)
}

// benchChain times judge over sy's samples in turn, each with evidence ev; c is the
// default chain when nil.
func benchChain(b *testing.B, sy synth, c *probes.Chain, ev *results.Evidence, judge func(*probes.Chain, *results.Sample)) {
	ss, _ := sy.samples()
	if c == nil {
		var err error
		if c, err = probes.NewChain(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s := ss[i%len(ss)]
		s.Evidence = nil
		if ev != nil {
			e := *ev
			s.Evidence = &e
		}
		judge(c, &s)
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
	c, err := probes.NewChain(nil)
	if err != nil {
		b.Fatal(err)
	}
	c.Provisional()
	benchChain(b, synth{n: 5000, cold: 250, warmMS: 2, initMS: 40, sigma: 0.2, seed: 9}, c, nil, (*probes.Chain).Classify)
}

// BenchmarkRecord is the default chain as thaw run's recorder uses it on every sample
// (Chain.Record): verdicts with reasons from marker, instance and platform, the latency
// probe learning. Responses as functions give them: a plain body with a header thaw
// keeps, a JSON body that says nothing about the instance, one that does (markers).
func BenchmarkRecord(b *testing.B) {
	for _, bc := range []struct {
		name    string
		headers map[string]string
		body    string
	}{
		{"plain", map[string]string{"Server-Timing": "app;dur=0.000"}, "ok"},
		{"json", nil, `{"order":{"id":"a-17","items":[1,2,3],"total":12.5},"status":"ok","region":"eu-west-1"}`},
		{"json markers", nil, `{"result":"ok","cold":false,"instance":"i-3","count":17,"init_ms":212,"since_init_ms":53000}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			benchChain(b, synth{n: 5000, cold: 0, warmMS: 2, sigma: 0.2, seed: 9}, nil,
				&results.Evidence{Headers: bc.headers, Body: bc.body}, (*probes.Chain).Record)
		})
	}
}
