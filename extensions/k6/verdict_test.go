package k6_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

func TestMain(m *testing.M) {
	emulator.ServeHandlerIfChild() // an emulator instance process: serve and exit
	os.Exit(m.Run())
}

// recordEmulator sends a fixed pattern to `thaw emulate`'s engine (cold, warm, a burst
// of three at once, scale to zero after the keep-alive, cold again) through thaw's
// HTTP invoker and returns the recorded samples (headers and body kept as evidence)
// and the emulator's ground truth by request id. handler is the function command
// line (`thaw emulate --handler`); "" is the built-in function.
func recordEmulator(t *testing.T, handler string) ([]results.Sample, map[string]emulator.TruthRecord) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Handler = handler
	cfg.KeepAlive = 400 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	em := emulatortest.Start(t, cfg)
	inv, err := probes.NewHTTPInvoker(probes.HTTPConfig{URL: em.URL() + "/fn", Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	var samples []results.Sample
	send := func(n int) {
		batch := make([]results.Sample, n)
		var wg sync.WaitGroup
		for i := range batch {
			batch[i] = results.Sample{Seq: int64(len(samples) + i + 1), RequestID: fmt.Sprintf("r%d", len(samples)+i+1), IdleBeforeMS: -1}
			wg.Add(1)
			go func(s *results.Sample) { defer wg.Done(); inv.Invoke(ctx, s) }(&batch[i])
		}
		wg.Wait()
		samples = append(samples, batch...)
	}
	send(1)
	send(1)
	send(3) // a burst: two new instances at least
	send(1)
	time.Sleep(1200 * time.Millisecond) // past the keep-alive: scale to zero
	send(1)
	send(1)
	truth := map[string]emulator.TruthRecord{}
	for _, r := range em.Truth() {
		truth[r.RequestID] = r
	}
	for _, s := range samples {
		if !s.OK() {
			t.Fatalf("request %s failed: %s %s", s.RequestID, s.Error, s.ErrorDetail)
		}
	}
	return samples, truth
}

// verdictOf is what the JavaScript module or a probe chain said about one response.
type verdictOf struct {
	Class    string
	Instance string
	InitMS   float64
}

// jsVerdicts feeds the recorded responses (status, evidence headers, body) to
// thaw.invoke under goja, in order, and returns its verdicts.
func jsVerdicts(t *testing.T, samples []results.Sample, opts map[string]any) []verdictOf {
	t.Helper()
	k := loadThaw(t, nil)
	if opts != nil {
		k.call("configure", opts)
	}
	var out []verdictOf
	for _, s := range samples {
		k.responses = append(k.responses, jsResponse{Status: s.Status, Headers: s.Evidence.Headers, Body: s.Evidence.Body, DurationMS: s.LatencyMS})
		r := k.call("invoke", "http://127.0.0.1:1/fn").(map[string]any)
		v := verdictOf{Class: r["class"].(string)}
		if inst, ok := r["instance"].(string); ok {
			v.Instance = inst
		}
		if ms, ok := r["initMs"].(float64); ok {
			v.InitMS = ms
		} else if ms, ok := r["initMs"].(int64); ok {
			v.InitMS = float64(ms)
		}
		out = append(out, v)
	}
	return out
}

// probeVerdicts judges the same samples with thaw's probes (Reclassify, as
// `thaw report --reclassify` does).
func probeVerdicts(t *testing.T, samples []results.Sample, names ...string) []verdictOf {
	t.Helper()
	cp := make([]results.Sample, len(samples))
	copy(cp, samples)
	var specs []probes.Spec
	for _, n := range names {
		specs = append(specs, probes.Spec{Name: n})
	}
	if _, err := probes.Reclassify(cp, specs); err != nil {
		t.Fatal(err)
	}
	var out []verdictOf
	for _, s := range cp {
		out = append(out, verdictOf{Class: string(s.Class), Instance: s.Instance, InitMS: s.InitMS})
	}
	return out
}

// transform rewrites every sample's evidence (a copy).
func transform(samples []results.Sample, fn func(h map[string]string, body string) (map[string]string, string)) []results.Sample {
	out := make([]results.Sample, len(samples))
	for i, s := range samples {
		ev := *s.Evidence
		h := map[string]string{}
		for k, v := range s.Evidence.Headers {
			h[k] = v
		}
		ev.Headers, ev.Body = fn(h, s.Evidence.Body)
		s.Evidence = &ev
		out[i] = s
	}
	return out
}

// verdictCase is one way of presenting recorded responses to both judges.
type verdictCase struct {
	name     string
	samples  []results.Sample
	opts     map[string]any // thaw.configure
	probes   []string
	vsTruth  bool // the verdicts must also match the emulator's truth
	decisive bool // every request must be judged
}

// TestVerdictsMatchProbes: on the same recorded emulator responses, thaw.js decides
// what thaw's probes decide (class, instance, init), whether the facts come as the
// emulator's headers, as a per-instance count only, as an instance id only (instance
// fallback), or from the function itself (extensions/functions/node/http.js under the
// emulator: its X-Function-* headers, or its JSON body fields alone); and the verdicts
// are the emulator's truth.
func TestVerdictsMatchProbes(t *testing.T) {
	builtin, truth := recordEmulator(t, "")
	cases := []verdictCase{
		{"headers", builtin, nil, []string{"marker", "instance"}, true, true},
		{"count only", transform(builtin, func(h map[string]string, _ string) (map[string]string, string) {
			return map[string]string{"X-Thaw-Instance-Requests": h["X-Thaw-Instance-Requests"]}, "ok"
		}), nil, []string{"marker"}, true, true},
		{"bad flag", transform(builtin, func(h map[string]string, _ string) (map[string]string, string) {
			return map[string]string{"X-Function-Cold": "maybe", "X-Function-Instance": h["X-Thaw-Instance"]}, "ok"
		}), nil, []string{"marker"}, false, false},
		{"instance fallback", transform(builtin, func(h map[string]string, _ string) (map[string]string, string) {
			return map[string]string{"X-Thaw-Instance": h["X-Thaw-Instance"]}, `{"note": "no flag"}`
		}), map[string]any{"instanceFallback": true}, []string{"marker", "instance"}, true, true},
		{"nothing", transform(builtin, func(map[string]string, string) (map[string]string, string) { return nil, "plain text" }),
			nil, []string{"marker", "instance"}, false, false},
	}
	checkVerdicts(t, cases, truth)

	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to run the function snippet under the emulator: %v", err)
	}
	snippet, err := filepath.Abs(filepath.Join("..", "functions", "node", "http.js"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOST", "127.0.0.1") // the snippet inherits it: listen on loopback only
	fn, fnTruth := recordEmulator(t, node+" "+snippet)
	checkVerdicts(t, []verdictCase{
		{"function: all headers", fn, nil, []string{"marker", "instance"}, true, true},
		{"function: its headers", transform(fn, func(h map[string]string, body string) (map[string]string, string) {
			out := map[string]string{}
			for k, v := range h {
				if strings.HasPrefix(k, "X-Function-") {
					out[k] = v
				}
			}
			return out, body
		}), nil, []string{"marker"}, true, true},
		{"function: its body", transform(fn, func(_ map[string]string, body string) (map[string]string, string) {
			return nil, body
		}), nil, []string{"marker"}, true, true},
	}, fnTruth)
}

// checkVerdicts runs every case through thaw.js and the probes and compares.
func checkVerdicts(t *testing.T, cases []verdictCase, truth map[string]emulator.TruthRecord) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			js := jsVerdicts(t, tc.samples, tc.opts)
			pr := probeVerdicts(t, tc.samples, tc.probes...)
			for i := range js {
				rid := tc.samples[i].RequestID
				if js[i] != pr[i] {
					t.Errorf("%s: thaw.js %+v, probes %+v", rid, js[i], pr[i])
				}
				if tc.decisive && js[i].Class == string(results.Unknown) {
					t.Errorf("%s: thaw.js did not decide", rid)
				}
				if !tc.decisive && js[i].Class != string(results.Unknown) {
					t.Errorf("%s: thaw.js decided %s from nothing", rid, js[i].Class)
				}
				if tr := truth[rid]; tc.vsTruth && (js[i].Class == string(results.Cold)) != tr.Cold {
					t.Errorf("%s: thaw.js says %s, the emulator says cold=%v", rid, js[i].Class, tr.Cold)
				}
			}
		})
	}
	colds := 0
	for _, tr := range truth {
		if tr.Cold {
			colds++
		}
	}
	if colds < 3 || colds == len(truth) {
		t.Errorf("the pattern should mix cold and warm: %d cold of %d", colds, len(truth))
	}
}
