package scenarios_test

import (
	"errors"
	"testing"

	"github.com/thaw-dev/thaw/scenarios"
)

// FuzzParseBytes checks that the parser never panics and that every problem it or
// Validate reports carries a position.
func FuzzParseBytes(f *testing.F) {
	for _, seed := range []string{
		goodYAML,
		"version: 1\nname: x\ntarget: {url: '${U}'}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
		"version: 1\nname: demo\ntarget:\n  url: ${TARGET_URL}\n  timout: 30s\n",
		"phases: [{name: a, idle: {search: {min: 1m, max: 2m, precision: 0s}}}]",
		"probes: [{a: {b: [1, {c: d}]}}, x, {y: null}]",
		"a: &x [*x]\n",
		"version: 1\n---\nversion: 2\n",
		"target: {headers: {A: $${B}, C: ${}}}",
		"phases:\n  - name: a\n    ramp: {from: .nan, stages: [{to: .inf, over: 1s}]}\n",
		"probes: [{marker: {a: &a [1, *a, *a]}}]",
		"{", "- - -", "version: 99999999999999999999", "",
	} {
		f.Add([]byte(seed))
	}
	lookup := env("U", "http://127.0.0.1/", "TARGET_URL", "http://[::1]:8080/")
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenarios.ParseBytes("fuzz.yaml", data, lookup)
		errs := scenarios.Problems(err)
		if sc != nil {
			errs = append(errs, scenarios.Problems(sc.Validate())...)
			_ = sc.EstimatedDuration()
		}
		for _, e := range errs {
			var fe *scenarios.FieldError
			if !errors.As(e, &fe) || fe.File != "fuzz.yaml" || fe.Pos.Line < 1 || fe.Pos.Column < 1 {
				t.Fatalf("problem without a position: %v (%#v)", e, e)
			}
		}
	})
}
