package probes_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

func sample(hdr map[string]string, body string, latencyMS float64) results.Sample {
	return results.Sample{Status: 200, LatencyMS: latencyMS, TTFBMS: latencyMS, Class: results.Unknown,
		Evidence: &results.Evidence{Headers: hdr, Body: body}}
}

func TestNewChainErrors(t *testing.T) {
	tests := []struct {
		name  string
		specs []probes.Spec
		want  []string // all must appear in the error
	}{
		{"unknown probe", []probes.Spec{{Name: "magic"}}, []string{`unknown probe "magic"`, "latency, marker"}},
		{"unknown option", []probes.Spec{{Name: "marker", Options: map[string]any{"cold_headr": "X"}}}, []string{`probe "marker"`, `unknown option "cold_headr"`}},
		{"wrong type", []probes.Spec{{Name: "instance", Options: map[string]any{"header": 3}}}, []string{`probe "instance"`, `option "header"`, "string"}},
		{"bad regex", []probes.Spec{{Name: "instance", Options: map[string]any{"regex": "("}}}, []string{`option "regex"`}},
		{"regex without group", []probes.Spec{{Name: "instance", Options: map[string]any{"regex": "id=\\w+"}}}, []string{"capture group"}},
		{"bad number", []probes.Spec{{Name: "latency", Options: map[string]any{"min_samples": "many"}}}, []string{`probe "latency"`, `option "min_samples"`, "number"}},
		{"number too small", []probes.Spec{{Name: "latency", Options: map[string]any{"window": 3}}}, []string{`option "window"`, "minimum"}},
		{"twice", []probes.Spec{{Name: "marker"}, {Name: "marker"}}, []string{"listed twice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := probes.NewChain(tc.specs)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestNewChainAcceptsYAMLShapes(t *testing.T) {
	_, err := probes.NewChain([]probes.Spec{
		{Name: "marker", Options: map[string]any{"cold_header": []any{"X-A", "X-B"}, "queued_min_ms": uint64(3)}},
		{Name: "Instance", Options: map[string]any{"regex": `"id":"([^"]+)"`}},
		{Name: "latency", Options: map[string]any{"min_ratio": 1.5, "window": "200"}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func lambdaLog(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// noEvidence in TestChainDecides: the probe found nothing of its kind in the sample.
const noEvidence = "<no evidence>"

func TestChainDecides(t *testing.T) {
	const coldReport = "START RequestId: a\nREPORT RequestId: a\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 180.25 ms\t\n"
	tests := []struct {
		name      string
		s         results.Sample
		class     results.Class
		kind      string
		by        string
		instance  string
		initMS    float64
		reasonHas map[string]string
	}{
		{"thaw emulator cold", sample(map[string]string{"X-Thaw-Cold": "true", "X-Thaw-Instance": "i-1", "X-Thaw-Init-Ms": "120"}, "", 130),
			results.Cold, results.KindCold, "marker", "i-1", 120, map[string]string{"marker": "X-Thaw-Cold = true"}},
		{"thaw emulator prewarmed flag", sample(map[string]string{"X-Thaw-Cold": "true", "X-Thaw-Prewarmed": "true", "X-Thaw-Instance": "i-2"}, "", 3),
			results.Cold, results.KindColdPrewarmed, "marker", "i-2", 0, nil},
		{"snippet cold but initialised long before", sample(map[string]string{"X-Function-Cold": "1", "X-Function-Since-Init-Ms": "60000", "X-Function-Instance": "f"}, "", 4),
			results.Cold, results.KindColdPrewarmed, "marker", "f", 0, nil},
		{"snippet true cold", sample(map[string]string{"X-Function-Cold": "true", "X-Function-Since-Init-Ms": "3", "X-Function-Instance": "f"}, "", 90),
			results.Cold, results.KindCold, "marker", "f", 0, nil},
		{"warm queued behind a cold start (since init)", sample(map[string]string{"X-Function-Cold": "false", "X-Function-Since-Init-Ms": "40", "X-Function-Instance": "f"}, "", 95),
			results.Warm, results.KindWarmQueued, "marker", "f", 0, nil},
		{"warm queued (queued header)", sample(map[string]string{"X-Thaw-Cold": "false", "X-Thaw-Queued-Ms": "80", "X-Thaw-Since-Init-Ms": "5000"}, "", 95),
			results.Warm, results.KindWarmQueued, "marker", "", 0, nil},
		{"warm", sample(map[string]string{"X-Thaw-Cold": "false", "X-Thaw-Queued-Ms": "0", "X-Thaw-Since-Init-Ms": "5000"}, "", 2),
			results.Warm, results.KindWarm, "marker", "", 0, nil},
		{"warm keeps no init (emulator reports the instance's init on every response)", sample(map[string]string{"X-Thaw-Cold": "false", "X-Thaw-Init-Ms": "120", "X-Thaw-Since-Init-Ms": "0.8", "X-Thaw-Instance": "i-1"}, "", 1.2),
			results.Warm, results.KindWarm, "marker", "i-1", 0, nil},
		{"body fields", sample(nil, `{"instance":"py-9","cold":false,"since_init_ms":9000,"count":4}`, 2),
			results.Warm, results.KindWarm, "marker", "py-9", 0, nil},
		{"truncated body", sample(nil, `{"instance":"js-1","cold":true,"since_init_ms":1,"payload":"aaaaaaaaa`, 50),
			results.Cold, results.KindCold, "marker", "js-1", 0, nil},
		{"count only", sample(map[string]string{"X-Function-Count": "1"}, "", 50),
			results.Cold, results.KindCold, "marker", "", 0, map[string]string{"marker": "count = 1"}},
		{"bad flag falls through to instance", sample(map[string]string{"X-Thaw-Cold": "maybe", "X-Thaw-Instance": "new"}, "", 50),
			results.Cold, results.KindCold, "instance", "new", 0, map[string]string{"marker": "not a cold flag"}},
		{"lambda tail cold", sample(map[string]string{"X-Amz-Log-Result": lambdaLog(coldReport)}, "", 200),
			results.Cold, results.KindCold, "platform", "", 180.25, map[string]string{"marker": noEvidence, "instance": noEvidence}},
		{"lambda tail warm", sample(map[string]string{"X-Amz-Log-Result": lambdaLog("REPORT RequestId: b\tDuration: 1.1 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t")}, "", 3),
			results.Warm, results.KindWarm, "platform", "", 0, nil},
		{"marker wins over platform, platform facts kept", sample(map[string]string{"X-Thaw-Cold": "false", "X-Amz-Log-Result": lambdaLog(coldReport)}, "", 3),
			results.Warm, results.KindWarm, "marker", "", 180.25, map[string]string{"platform": "init"}},
		{"nothing to go on", sample(map[string]string{"X-Duration-Seconds": "0.25"}, "hello", 3),
			results.Unknown, "", "", "", 0, map[string]string{"platform": noEvidence, "marker": noEvidence, "instance": noEvidence, "latency": "too few samples"}},
		{"failed without response", results.Sample{Error: results.ErrRefused},
			results.Unknown, "", "", "", 0, map[string]string{"marker": "", "instance": "", "platform": "", "latency": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := probes.NewChain(nil)
			if err != nil {
				t.Fatal(err)
			}
			s := tc.s
			c.Classify(&s)
			if s.Class != tc.class || s.Kind != tc.kind || s.DecidedBy != tc.by || s.Instance != tc.instance || s.InitMS != tc.initMS {
				t.Errorf("got class %q kind %q by %q instance %q init %v; want %q %q %q %q %v\nreasons %v",
					s.Class, s.Kind, s.DecidedBy, s.Instance, s.InitMS, tc.class, tc.kind, tc.by, tc.instance, tc.initMS, s.Evidence.Reasons)
			}
			if tc.class != results.Unknown && (s.Confidence <= 0.5 || s.Confidence > 1) {
				t.Errorf("confidence %v", s.Confidence)
			}
			var reasons map[string]string
			if s.Evidence != nil {
				reasons = s.Evidence.Reasons
			}
			if tc.by != "" && reasons[tc.by] == "" {
				t.Errorf("no reason from %s, which decided: %v", tc.by, reasons)
			}
			counts := map[string]results.ProbeSummary{}
			for _, ps := range c.Summary() {
				counts[ps.Name] = ps
			}
			for p, w := range tc.reasonHas {
				switch {
				case w == noEvidence:
					// Nothing of the probe's kind: counted once for the run, not repeated
					// on the sample.
					if reasons[p] != "" || counts[p].NoEvidence != 1 {
						t.Errorf("%s: reason %q, no_evidence %d; want none and 1", p, reasons[p], counts[p].NoEvidence)
					}
				case w == "":
					if reasons[p] != "" || counts[p].NoEvidence != 0 || counts[p].Decided != 0 {
						t.Errorf("%s: reason %q, counts %+v; want nothing", p, reasons[p], counts[p])
					}
				case !strings.Contains(reasons[p], w):
					t.Errorf("reason of %s = %q, want %q in it", p, reasons[p], w)
				}
			}
			if tc.by != "" && counts[tc.by].Decided != 1 {
				t.Errorf("summary of %s: %+v, want decided 1", tc.by, counts[tc.by])
			}
		})
	}
}

// The instance probe calls the first sight of an id cold and every later one warm;
// Reclassify judges again in completion order and gives the same answer.
func TestInstanceSequence(t *testing.T) {
	ids := []string{"a", "a", "b", "a", "b", "c"}
	want := []results.Class{results.Cold, results.Warm, results.Cold, results.Warm, results.Warm, results.Cold}
	specs := []probes.Spec{{Name: "instance", Options: map[string]any{"header": "X-Id", "regex": `id=(\w+)`}}}
	c, err := probes.NewChain(specs)
	if err != nil {
		t.Fatal(err)
	}
	ss := make([]results.Sample, len(ids))
	for i, id := range ids {
		ss[i] = sample(map[string]string{"X-Id": id}, "", 1)
		if i%2 == 1 { // the regex over the body finds it too
			ss[i] = sample(nil, "served by id="+id, 1)
		}
		ss[i].Seq = int64(i)
		c.Classify(&ss[i])
		if ss[i].Class != want[i] || ss[i].Instance != id {
			t.Errorf("sample %d (%s): class %q instance %q, want %q", i, id, ss[i].Class, ss[i].Instance, want[i])
		}
	}
	if _, err := probes.Reclassify(ss, specs); err != nil {
		t.Fatal(err)
	}
	for i := range ss {
		if ss[i].Class != want[i] {
			t.Errorf("reclassified sample %d: %q, want %q", i, ss[i].Class, want[i])
		}
	}
}

// Reclassify forgets the old verdict: a sample once called cold by a marker that is
// no longer in the chain is judged again only from its evidence.
func TestReclassifyClearsVerdicts(t *testing.T) {
	ss := []results.Sample{
		{Seq: 1, Status: 200, TTFBMS: 3, LatencyMS: 3, Class: results.Cold, Kind: results.KindCold, DecidedBy: "marker",
			Confidence: 1, Instance: "old", InitMS: 99, Evidence: &results.Evidence{Reasons: map[string]string{"marker": "stale"}}},
		{Seq: 2, Status: 200, TTFBMS: 3, LatencyMS: 3, Class: results.Warm, DecidedBy: "instance", Confidence: 1,
			Evidence: &results.Evidence{Headers: map[string]string{"X-Thaw-Cold": "true", "X-Thaw-Instance": "i-9"}}},
	}
	if _, err := probes.Reclassify(ss, []probes.Spec{{Name: "latency"}, {Name: "marker"}}); err != nil {
		t.Fatal(err)
	}
	if s := ss[0]; s.Class != results.Unknown || s.DecidedBy != "" || s.Kind != "" || s.Confidence != 0 || s.Instance != "" || s.InitMS != 0 {
		t.Errorf("stale verdict kept: %+v", s)
	}
	// Nothing about this sample in particular is left to say (no marker, and the latency
	// probe's finding is the run's), so the old reasons are gone, not replaced.
	if r := ss[0].Evidence.Reasons; len(r) != 0 {
		t.Errorf("stale reasons kept: %v", r)
	}
	if s := ss[1]; s.Class != results.Cold || s.DecidedBy != "marker" || s.Instance != "i-9" {
		t.Errorf("not judged again from evidence: %+v", s)
	}
	if _, err := probes.Reclassify(ss, []probes.Spec{{Name: "nope"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("bad spec: %v", err)
	}
}

func TestDefaultSpecsAreKnown(t *testing.T) {
	names := probes.Names()
	for _, sp := range probes.DefaultSpecs() {
		found := false
		for _, n := range names {
			found = found || n == sp.Name
		}
		if !found {
			t.Errorf("default probe %q not in Names() %v", sp.Name, names)
		}
	}
	if len(names) != 4 {
		t.Errorf("Names() = %v", names)
	}
}

// TestRecordThenSettle: a chain that records samples as they are written, then either
// finds them settled or judges them again after Restart, gives every sample exactly
// the verdict and reasons that judging the whole run afresh gives (Reclassify), and
// the same probe summary, whatever the order of the probes and whether the latency
// probe finds two groups.
func TestRecordThenSettle(t *testing.T) {
	withIDs := func(ss []results.Sample, truth []bool) []results.Sample {
		inst := 0
		for i := range ss {
			if truth[i] {
				inst++
			}
			ss[i].Evidence = &results.Evidence{Headers: map[string]string{"X-Thaw-Instance": "i-" + itoa(inst)}}
		}
		ss[3].Status, ss[3].Error = 429, results.ErrThrottled
		return ss
	}
	bimodal := func() []results.Sample {
		return withIDs(synth{n: 200, cold: 12, warmMS: 2, initMS: 300, sigma: 0.2, seed: 1}.samples())
	}
	uniform := func() []results.Sample {
		return withIDs(synth{n: 200, cold: 0, warmMS: 2, sigma: 0.2, seed: 2}.samples())
	}
	tests := []struct {
		name    string
		specs   []probes.Spec
		samples func() []results.Sample
		settled bool
	}{
		{"default order, two groups", nil, bimodal, false},
		{"default order, one group", nil, uniform, true},
		{"latency first, two groups", []probes.Spec{{Name: "latency"}, {Name: "instance"}}, bimodal, false},
		{"latency first, one group", []probes.Spec{{Name: "latency"}, {Name: "instance"}}, uniform, true},
		{"latency alone, one group", []probes.Spec{{Name: "latency"}}, uniform, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.samples()
			wantProbes, err := probes.Reclassify(want, tc.specs)
			if err != nil {
				t.Fatal(err)
			}
			got := tc.samples()
			c, err := probes.NewChain(tc.specs)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				c.Record(&got[i])
			}
			c.Freeze()
			if c.Settled() != tc.settled {
				t.Fatalf("settled %v, want %v", c.Settled(), tc.settled)
			}
			if !c.Settled() {
				c.Restart()
				for i := range got {
					c.Judge(&got[i])
				}
			}
			for i := range got {
				g, w := got[i], want[i]
				if g.Class != w.Class || g.DecidedBy != w.DecidedBy || g.Confidence != w.Confidence || g.Instance != w.Instance ||
					fmt.Sprint(g.Evidence.Reasons) != fmt.Sprint(w.Evidence.Reasons) {
					t.Fatalf("sample %d: %s by %q %v, judged afresh %s by %q %v", i, g.Class, g.DecidedBy, g.Evidence.Reasons,
						w.Class, w.DecidedBy, w.Evidence.Reasons)
				}
			}
			if gp := c.Summary(); fmt.Sprint(gp) != fmt.Sprint(wantProbes) {
				t.Errorf("summary %+v, judged afresh %+v", gp, wantProbes)
			}
		})
	}
}

// TestBodyFieldsSampleBySample: a probe reads each sample's own body, whether the
// bodies repeat, change, are cut short (not complete JSON), do not mention the field,
// or spell its name with escapes.
func TestBodyFieldsSampleBySample(t *testing.T) {
	c, err := probes.NewChain([]probes.Spec{{Name: "instance", Options: map[string]any{"field": "meta.id"}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ body, want string }{
		{`{"meta":{"id":"a"},"x":1}`, "a"},
		{`{"meta":{"id":"a"},"x":1}`, "a"},
		{`{"meta":{"id":"b"},"x":1}`, "b"},
		{`{"other":{"idx":"c"}}`, ""},
		{`{"meta":{"id":"c"},"big":"cut sho`, "c"},
		{`plain text id`, ""},
		{`{"meta":{"\u0069d":"d"}}`, "d"},
		{`{"meta":{"id":"a"},"x":1}`, "a"},
	}
	for i, tc := range tests {
		s := sample(nil, tc.body, 1)
		c.Classify(&s)
		if s.Instance != tc.want {
			t.Errorf("sample %d (%s): instance %q, want %q", i, tc.body, s.Instance, tc.want)
		}
	}
}

// TestChainSharedEvidence judges runs of samples that share one evidence object (as
// the invoker shares a header map and body while responses repeat them): the verdicts
// and the counts behind Summary must be what judging each sample afresh gives, with
// state (instances seen) and a log file (looked up by request id) still consulted.
func TestChainSharedEvidence(t *testing.T) {
	plain := &results.Evidence{Headers: map[string]string{"Server-Timing": "app;dur=0.1"}, Body: "ok"}
	inst := &results.Evidence{Headers: map[string]string{"X-Thaw-Instance": "i-1"}}
	cold := &results.Evidence{Headers: map[string]string{"X-Thaw-Cold": "true"}}
	logPath := filepath.Join(t.TempDir(), "platform.log")
	if err := os.WriteFile(logPath, []byte(emulatorLog), 0o644); err != nil {
		t.Fatal(err)
	}
	type step struct {
		id   string
		ev   *results.Evidence
		want results.Class
	}
	tests := []struct {
		name       string
		specs      []probes.Spec
		steps      []step
		noEvidence map[string]int64
	}{
		{"nothing found, then a marker", nil,
			[]step{{"a", plain, results.Unknown}, {"b", plain, results.Unknown}, {"c", plain, results.Unknown},
				{"d", cold, results.Cold}, {"e", plain, results.Unknown}, {"f", nil, results.Unknown}, {"g", nil, results.Unknown}},
			map[string]int64{"marker": 6, "instance": 7, "platform": 7}},
		{"instance ids keep their state", []probes.Spec{{Name: "instance"}},
			[]step{{"a", plain, results.Unknown}, {"b", inst, results.Cold}, {"c", plain, results.Unknown}, {"d", inst, results.Warm}, {"e", inst, results.Warm}},
			map[string]int64{"instance": 2}},
		{"a log file is read for every request id", []probes.Spec{{Name: "platform", Options: map[string]any{"log": logPath, "log_wait_ms": 0}}},
			[]step{{"run-9", plain, results.Unknown}, {"run-1", plain, results.Cold}, {"run-8", nil, results.Unknown}, {"run-2", nil, results.Warm}},
			map[string]int64{"platform": 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chain, err := probes.NewChain(tc.specs)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range tc.steps {
				s := &results.Sample{RequestID: st.id, Status: 200, LatencyMS: 2, TTFBMS: 2, Evidence: st.ev}
				chain.Record(s)
				if s.Class != st.want {
					t.Errorf("sample %s: %s, want %s", st.id, s.Class, st.want)
				}
			}
			for _, ps := range chain.Summary() {
				if want := tc.noEvidence[ps.Name]; ps.NoEvidence != want {
					t.Errorf("%s: %d samples with nothing of its kind, want %d", ps.Name, ps.NoEvidence, want)
				}
			}
		})
	}
}
