package analysis_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/analysis"
	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// sweep is a 16-call idle sweep: warm calls (0.5 ms) after 100 ms, cold ones (300 ms)
// after 1300 ms, every verdict still unknown (as provisional verdicts can be); one
// warm call carries a verdict from an outside judge.
func sweep() ([]results.Sample, []bool) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var ss []results.Sample
	var cold []bool
	for i := range 16 {
		c := i%2 == 1
		idle, server := 100.0+float64(i), 0.5+0.01*float64(i)
		if c {
			idle, server = 1300+float64(i), 300+float64(i)
		}
		ss = append(ss, results.Sample{Seq: int64(i), RequestID: "r", Phase: "sweep", Start: at, Status: 200,
			IdleBeforeMS: idle, InFlight: 1, TTFBMS: server, LatencyMS: server + 0.1, Class: results.Unknown})
		cold = append(cold, c)
		at = at.Add(2 * time.Second)
	}
	// an outside judge's verdict (in a phase of its own, so the keep-alive evidence
	// stays clean) is kept
	ss[2].Class, ss[2].DecidedBy, ss[2].Phase = results.Cold, "k6", "ingested"
	cold[2] = true
	return ss, cold
}

func meta() *results.Summary {
	return &results.Summary{Scenario: "sweep", ThresholdExprs: []string{"cold_rate < 10%"},
		Phases: []results.PhaseSummary{results.PhaseOf("sweep", results.PhaseInfo{Workload: "idle"})}}
}

// TestFinish: the pass gives final verdicts, rewrites the samples with them, and every
// figure (counts, keep-alive, thresholds) uses them; a chain that recorded the samples
// as they were written gives the same answer without the first read.
func TestFinish(t *testing.T) {
	specs := []probes.Spec{{Name: "latency"}}
	tests := []struct {
		name    string
		learned bool
	}{{"two reads", false}, {"recorded as written", true}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ss, truth := sweep()
			o := analysis.Options{Judge: true, Probes: specs}
			if tc.learned {
				o.Recorded = record(t, dir, meta(), o, ss)
			} else if _, err := results.WriteRun(dir, *meta(), results.SliceSamples(ss)); err != nil {
				t.Fatal(err)
			}
			sum, err := analysis.Finish(dir, meta(), o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := results.LoadSamples(dir)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range got {
				if (s.Class == results.Cold) != truth[i] || s.Class == results.Unknown {
					t.Errorf("sample %d: %s (decided by %q), want cold=%v", i, s.Class, s.DecidedBy, truth[i])
				}
			}
			if got[2].DecidedBy != "k6" {
				t.Errorf("the outside verdict was replaced: decided by %q", got[2].DecidedBy)
			}
			if sum.Totals.Cold != 9 || sum.Totals.Warm != 7 || sum.Totals.Unknown != 0 {
				t.Errorf("summary cold %d warm %d unknown %d, want 9 7 0", sum.Totals.Cold, sum.Totals.Warm, sum.Totals.Unknown)
			}
			if ka := sum.KeepAlive; ka == nil || ka.LowMS < 100 || ka.HighMS < 1300 {
				t.Errorf("keep-alive %+v: want an estimate between the warm and cold gaps", ka)
			}
			if len(sum.Thresholds) != 1 || sum.Thresholds[0].Pass || analysis.Passed(sum) {
				t.Errorf("thresholds %+v: cold_rate < 10%% must fail on the final verdicts", sum.Thresholds)
			}
			onDisk, err := results.ReadSummary(dir)
			if err != nil || onDisk.Totals.Cold != 9 {
				t.Errorf("summary.json: %v, cold %v", err, onDisk)
			}
		})
	}
}

// TestFinishKeepsVerdictsWithoutJudge: without Judge the verdicts in the file stand,
// and the file is read, not written again.
func TestFinishKeepsVerdictsWithoutJudge(t *testing.T) {
	dir := t.TempDir()
	ss, _ := sweep()
	if _, err := results.WriteRun(dir, *meta(), results.SliceSamples(ss)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, results.SamplesFile)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := analysis.Finish(dir, meta(), analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Totals.Cold != 1 || sum.Totals.Unknown != 15 || sum.Totals.Count != 16 {
		t.Errorf("count %d cold %d unknown %d, want the file's 16, 1 and 15", sum.Totals.Count, sum.Totals.Cold, sum.Totals.Unknown)
	}
	after, err := os.Stat(path)
	if err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("samples.ndjson was written again: %v", err)
	}
}

// TestFinishSettled: when the latency probe finds nothing to tell apart, the verdicts
// a chain gave as it recorded the samples are final: the pass only reads the file,
// and its counts and probe summary are those of the recording chain.
func TestFinishSettled(t *testing.T) {
	specs := []probes.Spec{{Name: "instance"}, {Name: "latency"}}
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var ss []results.Sample
	for i := range 40 {
		ss = append(ss, results.Sample{Seq: int64(i), RequestID: "r", Phase: "load", Start: at, Status: 200,
			IdleBeforeMS: 5, InFlight: 1, TTFBMS: 1 + 0.01*float64(i%7), LatencyMS: 1.2,
			Evidence: &results.Evidence{Headers: map[string]string{"X-Thaw-Instance": fmt.Sprintf("i-%d", i%3)}}})
		at = at.Add(10 * time.Millisecond)
	}
	ss[5].Status, ss[5].Error = 429, results.ErrThrottled // an error: no timing to judge for the latency probe
	dir := t.TempDir()
	m := &results.Summary{Scenario: "load", Pricing: &results.Pricing{Model: "aws-lambda", MemoryMB: 1024},
		Phases: []results.PhaseSummary{results.PhaseOf("load", results.PhaseInfo{Workload: "idle"})}}
	o := analysis.Options{Judge: true, Probes: specs}
	o.Recorded = record(t, dir, m, o, ss)
	// Nothing is left to judge and every figure was fed as the samples were written:
	// the pass does not even read the file.
	path := filepath.Join(dir, results.SamplesFile)
	if err := os.Rename(path, path+".away"); err != nil {
		t.Fatal(err)
	}
	sum, err := analysis.Finish(dir, m, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".away", path); err != nil {
		t.Fatal(err)
	}
	if sum.Totals.Cold != 3 || sum.Totals.Warm != 37 || sum.Totals.Unknown != 0 || sum.Totals.Count != 40 {
		t.Errorf("count %d cold %d warm %d unknown %d, want 40 3 37 0", sum.Totals.Count, sum.Totals.Cold, sum.Totals.Warm, sum.Totals.Unknown)
	}
	want := []results.ProbeSummary{{Name: "instance", Decided: 40}, {Name: "latency", NoEvidence: 1}}
	if len(sum.Probes) != 2 || sum.Probes[0].Decided != want[0].Decided || sum.Probes[0].NoEvidence != 0 ||
		sum.Probes[1].Decided != 0 || sum.Probes[1].NoEvidence != 1 || !strings.HasPrefix(sum.Probes[1].Note, "abstain") {
		t.Errorf("probes %+v, want %+v and the latency probe's abstention", sum.Probes, want)
	}
	// judged again from scratch, the file gives the same verdicts
	again, err := analysis.Finish(dir, m, analysis.Options{Judge: true, Probes: specs})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(t, again), mustJSON(t, sum); a != b {
		t.Errorf("judged again from the file, the summary differs:\n%s\nrecorded:\n%s", a, b)
	}
}

// record does what thaw run does with each sample: judged as it is written (here by
// WriteRun, in order), then fed to the figures.
func record(t *testing.T, dir string, m *results.Summary, o analysis.Options, ss []results.Sample) *analysis.Recording {
	t.Helper()
	rec, err := analysis.NewRecording(m, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ss {
		rec.Judge(&ss[i])
	}
	if _, err := results.WriteRun(dir, *m, results.SliceSamples(ss)); err != nil {
		t.Fatal(err)
	}
	for i := range ss {
		rec.Add(&ss[i])
	}
	return rec
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
