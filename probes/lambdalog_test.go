package probes_test

import (
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/probes"
)

func TestParseLambdaLog(t *testing.T) {
	tests := []struct {
		name     string
		log      string
		cold     bool
		initMS   float64
		billedMS float64
		maxMemMB float64
		durMS    float64
		phase    string
	}{
		{"aws cold", "INIT_START Runtime Version: python:3.12.v30\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc\nSTART RequestId: 8f5 Version: $LATEST\nEND RequestId: 8f5\nREPORT RequestId: 8f5\tDuration: 14.97 ms\tBilled Duration: 15 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 103.01 ms\t\n",
			true, 103.01, 15, 67, 14.97, ""},
		{"aws warm", "START RequestId: 9 Version: $LATEST\nREPORT RequestId: 9\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 68 MB\t\n",
			false, 0, 2, 68, 1.5, ""},
		{"aws snapstart restore", "REPORT RequestId: 1\tDuration: 20.00 ms\tBilled Duration: 300 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 250.5 ms\tBilled Restore Duration: 280 ms\t",
			true, 250.5, 300, 90, 20, ""},
		{"spaces instead of tabs", "REPORT RequestId: x Duration: 3.00 ms Billed Duration: 4 ms Memory Size: 256 MB Max Memory Used: 30 MB Init Duration: 55.5 ms",
			true, 55.5, 4, 30, 3, ""},
		{"emulator: INIT REPORT is the true init", "INIT START(type: on-demand, phase: init)\nINIT REPORT(durationMs: 305.12, phase: init)\nREPORT RequestId: e\tInit Duration: 0.05 ms\tDuration: 2.1 ms\tBilled Duration: 3 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t",
			true, 305.12, 3, 3008, 2.1, "init"},
		{"emulator: in-place re-init", "INIT START(type: on-demand, phase: invoke)\nREPORT RequestId: f\tDuration: 210 ms\tBilled Duration: 210 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t",
			true, 0, 210, 3008, 210, "invoke"},
		{"aws INIT_REPORT", "INIT_REPORT Init Duration: 10004.09 ms\tPhase: init\tStatus: timeout\nREPORT RequestId: g\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB\t",
			true, 10004.09, 1, 1, 1, ""},
		{"not a lambda log", "hello\nworld", false, 0, 0, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := probes.ParseLambdaLog(tc.log)
			if l.Cold() != tc.cold || l.InitMS() != tc.initMS || l.BilledMS != tc.billedMS || l.MaxMemoryMB != tc.maxMemMB || l.DurationMS != tc.durMS || l.InitPhase != tc.phase {
				t.Errorf("got %+v (cold %v init %v)", l, l.Cold(), l.InitMS())
			}
		})
	}
}

// FuzzParseLambdaLog: any text parses without panic to non-negative figures, and a
// log without INIT or an Init/Restore Duration is never cold.
func FuzzParseLambdaLog(f *testing.F) {
	f.Add("REPORT RequestId: 8f5\tDuration: 14.97 ms\tBilled Duration: 15 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 103.01 ms\t")
	f.Add("INIT START(type: on-demand, phase: invoke)\nINIT REPORT(durationMs: 1.5)")
	f.Add("REPORT Duration: -1 ms Init Duration: NaN ms Restore Duration: 1e400 ms")
	f.Add("REPORT ::::: : : Duration:")
	f.Fuzz(func(t *testing.T, log string) {
		l := probes.ParseLambdaLog(log)
		for _, v := range []float64{l.DurationMS, l.BilledMS, l.MemorySizeMB, l.MaxMemoryMB, l.InitMS()} {
			if v < 0 || v != v {
				t.Fatalf("bad figure %v in %+v", v, l)
			}
		}
		if l.Cold() && !strings.Contains(log, "INIT") && !strings.Contains(log, "Init Duration") && !strings.Contains(log, "Restore Duration") {
			t.Fatalf("cold without an init line: %+v", l)
		}
	})
}
