package probes_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// emulatorLog is the Lambda Runtime Interface Emulator's output for a cold call, a warm
// call and a call after an in-place re-init (its REPORT Init Duration is wrong; its
// INIT REPORT is right), with CloudWatch-style lines of a real function after it.
const emulatorLog = `01 Dec 2026 21:14:38,987 [INFO] (rapid) exec './bootstrap' (cwd=/tmp/rt, handler=)
START RequestId: run-1 Version: $LATEST
01 Dec 2026 21:14:40,007 [INFO] (rapid) INIT START(type: on-demand, phase: init)
01 Dec 2026 21:14:40,160 [INFO] (rapid) INIT REPORT(durationMs: 152.961000)
01 Dec 2026 21:14:40,160 [INFO] (rapid) INVOKE START(requestId: run-1)
END RequestId: run-1
REPORT RequestId: run-1	Init Duration: 0.09 ms	Duration: 154.04 ms	Billed Duration: 155 ms	Memory Size: 3008 MB	Max Memory Used: 3008 MB	
START RequestId: run-2 Version: $LATEST
01 Dec 2026 21:14:40,168 [INFO] (rapid) INVOKE START(requestId: run-2)
function says hello
END RequestId: run-2
REPORT RequestId: run-2	Duration: 0.71 ms	Billed Duration: 1 ms	Memory Size: 3008 MB	Max Memory Used: 3008 MB	
START RequestId: run-3 Version: $LATEST
01 Dec 2026 21:14:41,007 [INFO] (rapid) INIT START(type: on-demand, phase: invoke)
REPORT RequestId: run-3	Duration: 210.00 ms	Billed Duration: 210 ms	Memory Size: 3008 MB	Max Memory Used: 3008 MB	
2026-12-01T21:20:00.000Z INIT_START Runtime Version: provided:al2023.v80	Runtime Version ARN: arn:aws:lambda:eu-west-1::runtime:x
2026-12-01T21:20:00.100Z START RequestId: 7c1e-aws Version: 3
2026-12-01T21:20:00.200Z REPORT RequestId: 7c1e-aws	Duration: 4.10 ms	Billed Duration: 5 ms	Memory Size: 512 MB	Max Memory Used: 40 MB	Init Duration: 98.50 ms	
`

// TestPlatformLogFile joins samples to a log file by request id (thaw's own, or the one
// AWS answered with) and checks the verdicts, init times and billed durations.
func TestPlatformLogFile(t *testing.T) {
	chain := logChain(t, emulatorLog, 20)
	tests := []struct {
		id, awsID string
		class     results.Class
		initMS    float64
		billedMS  float64
	}{
		{"run-1", "", results.Cold, 152.961, 155},
		{"run-2", "", results.Warm, 0, 1},
		{"run-3", "", results.Cold, 0, 210},
		{"thaw-4", "7c1e-aws", results.Cold, 98.5, 5},
		{"run-9", "", results.Unknown, 0, 0}, // not in the log: abstain
	}
	for _, tc := range tests {
		s := &results.Sample{RequestID: tc.id, Status: 200}
		if tc.awsID != "" {
			s.Evidence = &results.Evidence{Headers: map[string]string{"X-Amzn-Requestid": tc.awsID}}
		}
		chain.Classify(s)
		if s.Class != tc.class || s.InitMS != tc.initMS || s.BilledMS != tc.billedMS {
			t.Errorf("%s: class %s init %.3f billed %.0f, want %s %.3f %.0f (reason %q)", tc.id,
				s.Class, s.InitMS, s.BilledMS, tc.class, tc.initMS, tc.billedMS, s.Evidence.Reasons["platform"])
		}
		if tc.class != results.Unknown && (s.DecidedBy != "platform" || s.Evidence.Log == "") {
			t.Errorf("%s: decided by %q, log %q", tc.id, s.DecidedBy, s.Evidence.Log)
		}
	}
}

// TestPlatformLogFileGrows reads a file that is written after the probe is built, a
// line at a time and with a line cut in the middle, as the emulator writes it.
func TestPlatformLogFileGrows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rie.log")
	chain, err := probes.NewChain([]probes.Spec{{Name: "platform", Options: map[string]any{"log": path, "log_wait_ms": 0}}})
	if err != nil {
		t.Fatal(err)
	}
	s := &results.Sample{RequestID: "a", Status: 200}
	chain.Classify(s) // the file does not exist yet
	if s.Class != results.Unknown {
		t.Fatalf("before the log exists: %s", s.Class)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []string{"START RequestId: a Version: $LATEST\nINIT START(type: on-demand, phase: init)\nINIT REP", "ORT(durationMs: 42.5)\nREPORT RequestId: a\tInit Duration: 0.1 ms\tDuration: 43 ms\tBilled Duration: 44 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\n"} {
		if _, err := f.WriteString(chunk); err != nil {
			t.Fatal(err)
		}
	}
	s = &results.Sample{RequestID: "a", Status: 200}
	chain.Classify(s)
	if s.Class != results.Cold || s.InitMS != 42.5 {
		t.Errorf("class %s init %v, want cold 42.5 (reason %q)", s.Class, s.InitMS, s.Evidence.Reasons["platform"])
	}
}

func TestPlatformLogOptions(t *testing.T) {
	_, err := probes.NewChain([]probes.Spec{{Name: "platform", Options: map[string]any{"log": 3, "log_wait_ms": -1}}})
	if err == nil {
		t.Fatal("bad options accepted")
	}
	for _, want := range []string{`option "log": want a string`, `option "log_wait_ms": -1 is below the minimum 0`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// TestPlatformKinds: a SnapStart restore is a cold start of its own sub-kind.
func TestPlatformKinds(t *testing.T) {
	chain, err := probes.NewChain([]probes.Spec{{Name: "platform"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		log   string
		class results.Class
		kind  string
	}{
		{"REPORT RequestId: 1\tDuration: 20.00 ms\tBilled Duration: 300 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 250.5 ms\tBilled Restore Duration: 280 ms\t", results.Cold, results.KindColdRestored},
		{"REPORT RequestId: 2\tDuration: 3.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB\tInit Duration: 55.5 ms", results.Cold, results.KindCold},
		{"REPORT RequestId: 3\tDuration: 3.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB", results.Warm, results.KindWarm},
	}
	for _, tc := range tests {
		s := &results.Sample{Status: 200, Evidence: &results.Evidence{Log: tc.log}}
		chain.Classify(s)
		if s.Class != tc.class || s.Kind != tc.kind {
			t.Errorf("%.30q: %s/%s, want %s/%s", tc.log, s.Class, s.Kind, tc.class, tc.kind)
		}
	}
}

// FuzzPlatformLogFile feeds any file to the platform probe's log reader: it must not
// panic, and a verdict it gives has a non-negative init time and the log it read.
func FuzzPlatformLogFile(f *testing.F) {
	f.Add(emulatorLog, "run-1")
	f.Add("START RequestId: a\nREPORT RequestId: a\tInit Duration: x ms\n", "a")
	f.Add("REPORT RequestId:\nSTART RequestId:\nINIT START\n", "")
	f.Fuzz(func(t *testing.T, log, id string) {
		chain := logChain(t, log, 0)
		s := &results.Sample{RequestID: id, Status: 200}
		chain.Classify(s)
		if s.InitMS < 0 || (s.Class != results.Unknown && s.Evidence.Log == "") {
			t.Errorf("class %s init %v log %q", s.Class, s.InitMS, s.Evidence.Log)
		}
	})
}

// logChain writes log to a file and returns a chain of the platform probe reading it.
func logChain(t *testing.T, log string, waitMS int) *probes.Chain {
	t.Helper()
	path := filepath.Join(t.TempDir(), "platform.log")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	chain, err := probes.NewChain([]probes.Spec{{Name: "platform", Options: map[string]any{"log": path, "log_wait_ms": waitMS}}})
	if err != nil {
		t.Fatal(err)
	}
	return chain
}
