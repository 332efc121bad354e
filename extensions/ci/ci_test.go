package ci_test

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/thaw-dev/thaw/extensions/ci"

	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/scenarios"
)

type (
	action = ci.Action
	step   = ci.Step
)

func readYAML(t *testing.T, path string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalWithOptions(b, v, yaml.Strict()); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

var (
	exprRe   = regexp.MustCompile(`\$\{\{(.*?)\}\}`)
	inputRe  = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepOut  = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	pinnedRe = regexp.MustCompile(`^[\w.-]+/[\w./-]+@v\d+$`)
)

// inputsUsed finds inputs.X in ${{ }} expressions anywhere in the file and in if:
// conditions (which need no ${{ }}).
func inputsUsed(raw []byte, steps []step) map[string]bool {
	used := map[string]bool{}
	for _, e := range exprRe.FindAllStringSubmatch(string(raw), -1) {
		for _, m := range inputRe.FindAllStringSubmatch(e[1], -1) {
			used[m[1]] = true
		}
	}
	for _, s := range steps {
		for _, m := range inputRe.FindAllStringSubmatch(s.If, -1) {
			used[m[1]] = true
		}
	}
	return used
}

func TestActionFile(t *testing.T) {
	var a action
	raw := readYAML(t, "action.yml", &a)
	if a.Name == "" || a.Description == "" || a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml: want a named composite action with steps, got %+v", a)
	}
	ids := map[string]step{}
	for i, s := range a.Runs.Steps {
		if s.Name == "" {
			t.Errorf("step %d has no name", i+1)
		}
		if (s.Run == "") == (s.Uses == "") {
			t.Errorf("step %q: want exactly one of run and uses", s.Name)
		}
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %q: a composite run step needs shell", s.Name)
		}
		if s.Uses != "" && !pinnedRe.MatchString(s.Uses) {
			t.Errorf("step %q: uses %q is not pinned to a major version", s.Name, s.Uses)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q: expressions in run scripts invite script injection; pass them through env", s.Name)
		}
		if s.ID != "" {
			ids[s.ID] = s
		}
	}
	used := inputsUsed(raw, a.Runs.Steps)
	for name := range used {
		if _, ok := a.Inputs[name]; !ok {
			t.Errorf("inputs.%s is used but not declared", name)
		}
	}
	for name, in := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q is declared but never used", name)
		}
		if in.Description == "" {
			t.Errorf("input %q has no description", name)
		}
		if !in.Required && in.Default == nil {
			t.Errorf("optional input %q has no default", name)
		}
	}
	if !a.Inputs["scenario"].Required {
		t.Error("input scenario must be required")
	}
	for name, out := range a.Outputs {
		m := stepOut.FindStringSubmatch(out.Value)
		if m == nil {
			t.Errorf("output %q: value %q does not read a step output", name, out.Value)
			continue
		}
		s, ok := ids[m[1]]
		if !ok || !strings.Contains(s.Run, m[2]+"=") || !strings.Contains(s.Run, "$GITHUB_OUTPUT") {
			t.Errorf("output %q: step %q does not write %s to $GITHUB_OUTPUT", name, m[1], m[2])
		}
	}
}

// The worked example must only pass inputs the action declares, and every required
// one; its budget and thresholds must parse.
func TestGitHubExample(t *testing.T) {
	var a action
	readYAML(t, "action.yml", &a)
	var wf struct {
		Jobs map[string]struct {
			Steps []step `yaml:"steps"`
		} `yaml:"jobs"`
	}
	b, err := os.ReadFile("examples/github-workflow.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatalf("examples/github-workflow.yml: %v", err)
	}
	found := 0
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if s.Name == "" {
				t.Errorf("example step without a name: %+v", s)
			}
			if !strings.HasPrefix(s.Uses, "thaw-dev/thaw/extensions/ci@") {
				continue
			}
			found++
			for k := range s.With {
				if _, ok := a.Inputs[k]; !ok {
					t.Errorf("example passes undeclared input %q", k)
				}
			}
			for k, in := range a.Inputs {
				if _, ok := s.With[k]; in.Required && !ok {
					t.Errorf("example omits required input %q", k)
				}
			}
			checkExprs(t, s.With["max-regression"], s.With["thresholds"])
			checkScenario(t, s.With["scenario"])
		}
	}
	if found != 1 {
		t.Errorf("example uses the action %d times, want 1", found)
	}
}

func checkExprs(t *testing.T, budget, thresholds string) {
	t.Helper()
	for _, line := range strings.Split(thresholds, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if _, err := threshold.Parse(line); err != nil {
				t.Errorf("example threshold %q: %v", line, err)
			}
		}
	}
	// Budgets are checked by the gate package's parser through thaw itself; here,
	// each item's metric must at least be a valid threshold metric.
	for _, item := range strings.Split(budget, ",") {
		metric, _, _ := strings.Cut(item, "=")
		if _, _, err := threshold.ParseMetric(metric); err != nil && item != "" {
			t.Errorf("example budget item %q: %v", item, err)
		}
	}
}

func checkScenario(t *testing.T, path string) {
	t.Helper()
	const prefix = "extensions/ci/"
	if !strings.HasPrefix(path, prefix) {
		t.Errorf("example scenario %q is not in extensions/ci", path)
		return
	}
	data, err := os.ReadFile(strings.TrimPrefix(path, prefix))
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.ParseBytes(path, data, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("example scenario: %v", err)
	}
	for _, e := range sc.Thresholds {
		if _, err := threshold.Parse(e); err != nil {
			t.Errorf("example scenario threshold %q: %v", e, err)
		}
	}
}

var varRe = regexp.MustCompile(`\$\{?(THAW_[A-Z_]+)`)

func TestGitLabTemplate(t *testing.T) {
	var tpl map[string]struct {
		Image       string            `yaml:"image"`
		Variables   map[string]string `yaml:"variables"`
		Script      []string          `yaml:"script"`
		AfterScript []string          `yaml:"after_script"`
		Artifacts   map[string]any    `yaml:"artifacts"`
	}
	raw, err := os.ReadFile("thaw.gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatalf("thaw.gitlab-ci.yml: %v", err)
	}
	job, ok := tpl[".thaw"]
	if !ok || job.Image == "" || len(job.Script) == 0 {
		t.Fatalf("thaw.gitlab-ci.yml: want a hidden job .thaw with an image and a script, got %+v", tpl)
	}
	script := strings.Join(append(job.Script, job.AfterScript...), "\n")
	used := map[string]bool{}
	for _, m := range varRe.FindAllStringSubmatch(script, -1) {
		used[m[1]] = true
		if _, ok := job.Variables[m[1]]; !ok {
			t.Errorf("template uses $%s but does not declare it", m[1])
		}
	}
	for v := range job.Variables {
		if !used[v] {
			t.Errorf("template declares %s but never uses it", v)
		}
	}
	reports, _ := job.Artifacts["reports"].(map[string]any)
	if reports["junit"] != "$THAW_JUNIT" || job.Artifacts["when"] != "always" {
		t.Errorf("artifacts must always keep the run and report JUnit: %+v", job.Artifacts)
	}

	var ex struct {
		Include []map[string]string `yaml:"include"`
		Stages  []string            `yaml:"stages"`
		Job     struct {
			Stage     string            `yaml:"stage"`
			Extends   string            `yaml:"extends"`
			Variables map[string]string `yaml:"variables"`
		} `yaml:"cold-starts"`
	}
	b, err := os.ReadFile("examples/gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalWithOptions(b, &ex, yaml.Strict()); err != nil {
		t.Fatalf("examples/gitlab-ci.yml: %v", err)
	}
	exJob := ex.Job
	if exJob.Extends != ".thaw" || len(ex.Include) != 1 || !strings.HasSuffix(ex.Include[0]["remote"], "/extensions/ci/thaw.gitlab-ci.yml") {
		t.Fatalf("example: want job cold-starts extending .thaw from the included template, got %+v", ex)
	}
	var names []string
	for k := range exJob.Variables {
		names = append(names, k)
		if _, ok := job.Variables[k]; !ok {
			t.Errorf("example sets %s, which the template does not declare", k)
		}
	}
	if !slices.Contains(names, "THAW_SCENARIO") {
		t.Error("example does not set THAW_SCENARIO")
	}
	checkExprs(t, exJob.Variables["THAW_MAX_REGRESSION"], exJob.Variables["THAW_THRESHOLDS"])
	checkScenario(t, exJob.Variables["THAW_SCENARIO"])
}

// The GitLab template percent-encodes the job and branch names it puts in the
// artifacts URL; its shell function is run here with sh.
func TestGitLabURLEncode(t *testing.T) {
	raw, err := os.ReadFile("thaw.gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var fn []string
	for _, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "urlencode() {" || len(fn) > 0 {
			fn = append(fn, trimmed)
		}
		if len(fn) > 1 && trimmed == "}" {
			break
		}
	}
	if len(fn) < 3 {
		t.Fatal("thaw.gitlab-ci.yml has no urlencode function")
	}
	cases := map[string]string{"cold-starts": "cold-starts", "cold starts: gate/1": "cold%20starts%3A%20gate%2F1", "a&b?c=d": "a%26b%3Fc%3Dd"}
	for in, want := range cases {
		out, err := exec.Command("sh", "-c", strings.Join(fn, "\n")+"\nurlencode \"$1\"", "sh", in).Output()
		if err != nil || string(out) != want {
			t.Errorf("urlencode %q = %q, %v; want %q", in, out, err, want)
		}
	}
}
