package gate_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report/gate"
	"github.com/thaw-dev/thaw/results"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// sampleReport is a hand-made report covering every verdict: a passing threshold, a
// failing one, a not-computable one, and budget items that pass, fail and are
// inconclusive. Expressions carry characters each format must escape (< | , : %).
func sampleReport(strict bool) gate.Report {
	return gate.Report{
		Run: "runs/new", Baseline: "runs/base", Strict: strict, DurationS: 12.5,
		Thresholds: []results.ThresholdResult{
			{Expr: "p(95) < 800ms", Value: 640, Unit: "ms", Pass: true, Detail: "p(95) = 640ms; holds < 800ms"},
			{Expr: "cold_rate < 5%", Value: 7.5, Unit: "%", Pass: false, Detail: "cold_rate = 7.5%; fails < 5%"},
			{Expr: "phase[a|b].cold.p(99) < 2s", Unit: "ms", Detail: "not computable: no cold samples"},
		},
		Gate: &gate.Result{Outcome: gate.Fail, Seed: 7, Confidence: 0.95, Items: []gate.ItemResult{
			{Item: "cold.p(95)=10%", Metric: "cold.p(95)", Unit: "ms", Base: 1200, New: 1560, BaseN: 1000, NewN: 1010,
				Change: 30, Low: 24.5, High: 35.1, Limit: 10, ChangeUnit: "%", Confidence: 0.95, Outcome: gate.Fail,
				Detail: "cold.p(95) 1200 → 1560 ms, change +30%; significant regression over budget"},
			{Item: "cold_rate=2pp", Metric: "cold_rate", Unit: "%", Base: 25, New: 25.5, BaseN: 4000, NewN: 4000,
				Change: 0.5, Low: -1.4, High: 2.4, Limit: 2, ChangeUnit: "pp", Confidence: 0.95, Outcome: gate.Inconclusive,
				NeedN: 13448, Detail: "interval too wide to decide: run ≈13448 invocations per run, 100% sure"},
			{Item: "p(99)=50ms", Metric: "p(99)", Unit: "ms", Base: 40, New: 41, BaseN: 4000, NewN: 4000,
				Change: 1, Low: -2, High: 3.5, Limit: 50, ChangeUnit: "ms", Confidence: 0.95, Outcome: gate.Pass,
				Detail: "within budget"},
		}},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (go test -update to accept):\n%s", name, got)
	}
}

func TestTextOutputsGolden(t *testing.T) {
	writers := map[string]func(io.Writer, gate.Report) error{
		"table.txt": gate.WriteTable, "summary.md": gate.WriteMarkdown,
		"annotations.txt": gate.WriteAnnotations, "junit.xml": gate.WriteJUnit,
	}
	for name, write := range writers {
		for _, strict := range []bool{false, true} {
			file := name
			if strict {
				file = "strict-" + name
			}
			t.Run(file, func(t *testing.T) {
				var b bytes.Buffer
				if err := write(&b, sampleReport(strict)); err != nil {
					t.Fatal(err)
				}
				golden(t, file, b.Bytes())
			})
		}
	}
}

func TestAnnotationsEscapeAndSelect(t *testing.T) {
	var b bytes.Buffer
	if err := gate.WriteAnnotations(&b, sampleReport(false)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	// 2 failed thresholds + 1 failed item as errors, 1 inconclusive as a warning.
	errs, warns := 0, 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "::error title="):
			errs++
		case strings.HasPrefix(l, "::warning title="):
			warns++
		default:
			t.Errorf("not a workflow command: %q", l)
		}
		// "::LEVEL title=TITLE::MESSAGE": the title may hold neither "," nor ":" and
		// the message no "::" once escaped.
		parts := strings.SplitN(l, "::", 3)
		if len(parts) != 3 || strings.Contains(parts[2], "::") {
			t.Errorf("malformed command %q", l)
			continue
		}
		_, title, _ := strings.Cut(parts[1], "title=")
		if strings.ContainsAny(title, ",:") {
			t.Errorf("unescaped , or : in title of %q", l)
		}
	}
	if errs != 3 || warns != 1 {
		t.Errorf("%d errors and %d warnings, want 3 and 1:\n%s", errs, warns, b.String())
	}
	if !strings.Contains(b.String(), "100%25 sure") {
		t.Errorf("%% not escaped in message:\n%s", b.String())
	}
}

// xmlNode is a generic element, for checking JUnit structure without trusting the
// writer's own types.
type xmlNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []xmlNode  `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n xmlNode) attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n xmlNode) children(name string) []xmlNode {
	var out []xmlNode
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

// checkJUnit validates the structure the JUnit XSD (and Jenkins/GitLab readers)
// require: testsuites > testsuite(name, tests, failures, errors, time) >
// testcase(name, classname, time) with optional failure(message) or skipped; counts
// must match the elements and times must be decimals.
func checkJUnit(t *testing.T, data []byte) (tests, failures, skipped int) {
	t.Helper()
	var root xmlNode
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("JUnit is not XML: %v", err)
	}
	if root.XMLName.Local != "testsuites" {
		t.Fatalf("root element %q, want testsuites", root.XMLName.Local)
	}
	intAttr := func(n xmlNode, name string) int {
		v, ok := n.attr(name)
		i, err := strconv.Atoi(v)
		if !ok || err != nil || i < 0 {
			t.Errorf("<%s> attribute %s = %q, want a count", n.XMLName.Local, name, v)
		}
		return i
	}
	timeAttr := func(n xmlNode) {
		v, ok := n.attr("time")
		if f, err := strconv.ParseFloat(v, 64); !ok || err != nil || f < 0 {
			t.Errorf("<%s> time = %q, want a decimal", n.XMLName.Local, v)
		}
	}
	for _, s := range root.children("testsuite") {
		if v, ok := s.attr("name"); !ok || v == "" {
			t.Error("testsuite without a name")
		}
		timeAttr(s)
		cases := s.children("testcase")
		nf, ns := 0, 0
		for _, c := range cases {
			for _, a := range []string{"name", "classname"} {
				if v, ok := c.attr(a); !ok || v == "" {
					t.Errorf("testcase without %s", a)
				}
			}
			timeAttr(c)
			for _, f := range c.children("failure") {
				if v, ok := f.attr("message"); !ok || v == "" {
					t.Error("failure without a message")
				}
				nf++
			}
			ns += len(c.children("skipped"))
		}
		if intAttr(s, "tests") != len(cases) || intAttr(s, "failures") != nf || intAttr(s, "errors") != 0 || intAttr(s, "skipped") != ns {
			t.Errorf("testsuite counts %v do not match %d cases, %d failures, %d skipped", s.Attrs, len(cases), nf, ns)
		}
		tests, failures, skipped = tests+len(cases), failures+nf, skipped+ns
	}
	if intAttr(root, "tests") != tests || intAttr(root, "failures") != failures || intAttr(root, "skipped") != skipped {
		t.Errorf("testsuites counts %v do not match the suites", root.Attrs)
	}
	return tests, failures, skipped
}

func TestJUnitStructure(t *testing.T) {
	cases := []struct {
		name                      string
		r                         gate.Report
		tests, failures, skippedN int
	}{
		{"gate", sampleReport(false), 6, 3, 1},
		{"gate strict", sampleReport(true), 6, 4, 0},
		{"thresholds only (thaw run)", gate.Report{Thresholds: sampleReport(false).Thresholds}, 3, 2, 0},
		{"nothing", gate.Report{}, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "junit.xml")
			if err := gate.WriteJUnitFile(path, c.r); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tests, failures, skipped := checkJUnit(t, data)
			if tests != c.tests || failures != c.failures || skipped != c.skippedN {
				t.Errorf("tests %d failures %d skipped %d, want %d %d %d", tests, failures, skipped, c.tests, c.failures, c.skippedN)
			}
		})
	}
}

func TestReportOutcome(t *testing.T) {
	pass := gate.Report{Thresholds: []results.ThresholdResult{{Pass: true}}}
	inc := gate.Report{Gate: &gate.Result{Outcome: gate.Inconclusive}}
	cases := []struct {
		r    gate.Report
		want gate.Outcome
	}{
		{gate.Report{}, gate.Pass},
		{pass, gate.Pass},
		{gate.Report{Thresholds: []results.ThresholdResult{{Pass: true}, {Pass: false}}}, gate.Fail},
		{inc, gate.Inconclusive},
		{gate.Report{Gate: inc.Gate, Strict: true}, gate.Fail},
		{gate.Report{Gate: &gate.Result{Outcome: gate.Pass}, Thresholds: []results.ThresholdResult{{}}}, gate.Fail},
	}
	for i, c := range cases {
		if got := c.r.Outcome(); got != c.want {
			t.Errorf("case %d: %s, want %s", i, got, c.want)
		}
	}
}
