package scenarios_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/scenarios"
)

func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const goodYAML = `version: 1
name: checkout-cold-starts
seed: 3
target: {url: "${TARGET_URL}", method: POST, body: '{"sku":42}', timeout: 10s,
         headers: {Authorization: "Bearer ${TOKEN}", X-Literal: "$${NOT_A_VAR}"}}
probes: [marker, {instance: {header: X-Instance, count: 3}}, latency]
pricing: {model: aws-lambda, arch: arm64, memory_mb: 512}
phases:
  - {name: idle-sweep, idle: {intervals: [1m, 5m], samples: 3, order: shuffled}}
  - {name: burst,      burst: {after_idle: 15m, size: 50}}
  - {name: steady,     rate: {rps: 50, duration: 2m, poisson: true}}
  - name: ramp
    ramp:
      stages:
        - {to: 200, over: 1m}
        - {to: 0, over: 30s}
  - {name: workers,    concurrency: {workers: 20, iterations: 1000}}
  - {name: search,     idle: {search: {min: 1m, max: 60m, precision: 30s}}}
thresholds: ["p(95) < 800ms"]
`

func TestParseGood(t *testing.T) {
	sc, err := scenarios.ParseBytes("good.yaml", []byte(goodYAML), env("TARGET_URL", "http://127.0.0.1:9000/fn", "TOKEN", "s3cret"))
	if err != nil {
		t.Fatalf("ParseBytes: %v", err)
	}
	if err := sc.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	tg := sc.Target
	if tg.URL != "http://127.0.0.1:9000/fn" || tg.Headers["Authorization"] != "Bearer s3cret" || tg.Headers["X-Literal"] != "${NOT_A_VAR}" {
		t.Errorf("expansion: %+v", tg)
	}
	if tg.Method != "POST" || tg.Timeout.D() != 10*time.Second || tg.Kind != "http" || tg.Connection != "reuse" ||
		tg.RequestIDHeader != "X-Request-Id" || tg.BodyPrefixBytes != 512 || tg.Body != `{"sku":42}` {
		t.Errorf("target and defaults: %+v", tg)
	}
	wantProbes := []scenarios.ProbeSpec{{Name: "marker"},
		{Name: "instance", Options: map[string]any{"header": "X-Instance", "count": uint64(3)}}, {Name: "latency"}}
	if !reflect.DeepEqual(sc.Probes, wantProbes) {
		t.Errorf("probes %#v, want %#v", sc.Probes, wantProbes)
	}
	if sc.Pricing == nil || sc.Pricing.MemoryMB != 512 || sc.Pricing.Arch != "arm64" {
		t.Errorf("pricing %+v", sc.Pricing)
	}
	ph := sc.Phases
	if len(ph) != 6 || ph[0].Idle.Samples != 3 || ph[0].Idle.Order != "shuffled" || ph[1].Burst.Repeat != 1 ||
		ph[2].Rate.MaxInFlight != 10000 || !ph[2].Rate.Poisson || ph[3].Ramp.Stages[1].Over.D() != 30*time.Second ||
		ph[4].Concurrency.Iterations != 1000 || ph[5].Idle.Search.Samples != 1 || ph[5].Idle.Search.Max.D() != time.Hour {
		t.Errorf("phases %+v", ph)
	}
	if string(sc.Source) != goodYAML || sc.File != "good.yaml" {
		t.Error("Source must keep the file as written, variables not expanded")
	}
	if p := sc.Pos("phases[2].rate.rps"); p != (scenarios.Position{Line: 11, Column: 36}) {
		t.Errorf("position of rps: %+v", p)
	}
}

func TestParseDefaults(t *testing.T) {
	sc, err := scenarios.ParseBytes("d.yaml", []byte("version: 1\nname: d\ntarget: {url: 'http://127.0.0.1/'}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range sc.Probes {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "marker,instance,platform,latency" || sc.Target.Method != "GET" || sc.Target.Timeout.D() != 30*time.Second {
		t.Errorf("defaults: probes %v, target %+v", names, sc.Target)
	}
}

// problems returns the text of every problem Parse and Validate report.
func problems(t *testing.T, src string, lookup func(string) (string, bool)) []string {
	t.Helper()
	sc, err := scenarios.ParseBytes("f.yaml", []byte(src), lookup)
	errs := scenarios.Problems(err)
	if sc != nil {
		errs = append(errs, scenarios.Problems(sc.Validate())...)
	}
	var out []string
	for _, e := range errs {
		var fe *scenarios.FieldError
		if !errors.As(e, &fe) || fe.Pos.Line == 0 {
			t.Errorf("problem without a position: %v", e)
		}
		out = append(out, e.Error())
	}
	return out
}

func TestParseProblems(t *testing.T) {
	head := "version: 1\nname: x\ntarget: {url: 'http://127.0.0.1/'}\n"
	tests := []struct {
		name string
		src  string
		want []string // each must appear, in this order, and nothing else
	}{
		{"unknown key, bad duration, missing env var",
			"version: 1\nname: demo\ntarget:\n  url: ${TARGET_URL}\n  timout: 30s\nphases:\n  - name: a\n    rate: {rps: 5, duration: 5x}\n",
			[]string{"f.yaml:4:8: target.url: environment variable TARGET_URL is not set",
				"f.yaml:5:3: target.timout: unknown field",
				`f.yaml:8:30: phases[0].rate.duration: want a duration like 30s or 1m30s, got "5x"`}},
		{"wrong types", head + "phases:\n  - name: a\n    concurrency: {workers: many, iterations: 2.5}\n",
			[]string{`f.yaml:6:28: phases[0].concurrency.workers: want an integer, got "many"`,
				`f.yaml:6:46: phases[0].concurrency.iterations: want an integer, got "2.5"`}},
		{"list where a map goes", head + "phases: {name: a}\n", []string{"f.yaml:4:9: phases: want a list, got a mapping"}},
		{"quoted number", head + "phases: [{name: a, rate: {rps: '5', duration: 1s}}]\n", []string{`phases[0].rate.rps: want a number, got "5"`}},
		{"negative duration", head + "phases: [{name: a, rate: {rps: 5, duration: -1s}}]\n", []string{"f.yaml:4:45: phases[0].rate.duration: must be > 0"}},
		{"duplicate key", head + "name: y\nphases: [{name: a, rate: {rps: 5, duration: 1s}}]\n", []string{`f.yaml:4:1: invalid YAML: mapping key "name" already defined`}},
		{"bad probe", head + "probes: [marker, {a: 1, b: 2}, psychic]\nphases: [{name: a, rate: {rps: 5, duration: 1s}}]\n",
			[]string{"f.yaml:4:18: probes[1]: want a probe name", `f.yaml:4:32: probes[2]: unknown probe "psychic"`}},
		{"syntax error", "version: 1\nname: [x\n", []string{"f.yaml:"}},
		{"empty", "", []string{"f.yaml:1:1: empty scenario file"}},
		{"unterminated var", head + "phases: [{name: '${A', rate: {rps: 5, duration: 1s}}]\n",
			[]string{"phases[0].name: unterminated ${"}},
		{"bad bool", head + "phases: [{name: a, rate: {rps: 5, duration: 1s, poisson: yes}}]\n",
			[]string{`phases[0].rate.poisson: want true or false, got "yes"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, tc.src, env())
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems %q, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestParseAnchorsAndLiterals(t *testing.T) {
	src := "version: 1\nname: a\ntarget:\n  url: http://127.0.0.1/\n  body: |\n    {\"k\": \"${V}\"}\nphases:\n  - {name: a, rate: &r {rps: 5, duration: 1s}}\n  - {name: b, rate: *r}\n"
	sc, err := scenarios.ParseBytes("a.yaml", []byte(src), env("V", "v"))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Target.Body != "{\"k\": \"v\"}\n" || sc.Phases[1].Rate == nil || sc.Phases[1].Rate.RPS != 5 {
		t.Errorf("body %q, phase b %+v", sc.Target.Body, sc.Phases[1])
	}
}

func TestParseFileErrors(t *testing.T) {
	if _, err := scenarios.Parse("testdata/does-not-exist.yaml"); err == nil {
		t.Error("want an error for a missing file")
	}
}

func TestLoadJoinsParseAndValidateInFileOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	src := "version: 3\nname: s\ntarget: {url: 'http://127.0.0.1/'}\nphases:\n  - {name: a, rate: {rps: 0, duration: 1s}}\n  - {name: b, rate: {rps: 1, duration: 2y}}\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Load(path)
	var got []string
	for _, p := range scenarios.Problems(err) {
		got = append(got, p.Error())
	}
	want := []string{
		path + ":1:10: version: must be 1 (got 3)",
		path + ":5:27: phases[0].rate.rps: must be > 0",
		path + `:6:40: phases[1].rate.duration: want a duration like 30s or 1m30s, got "2y"`,
	}
	if !slices.Equal(got, want) || sc == nil {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := scenarios.Load(filepath.Join(t.TempDir(), "none.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
}

func TestParseLimits(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	tests := []struct {
		name, src, want string
	}{
		{"self-referential alias", "version: 1\nprobes: [{marker: {a: &a [1, *a, *a, *a]}}]\n", "nested more than 64 deep"},
		{"billion laughs", "version: 1\nprobes: [{marker: {a: &a [1,1,1,1,1,1,1,1,1,1], b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], " +
			"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]}}]\n",
			"too many values"},
		{"deep nesting", "version: 1\nprobes: [{marker: {a: " + deep + "}}]\n", "nested more than 64 deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := scenarios.ParseBytes("l.yaml", []byte(tc.src), env())
			got := scenarios.Problems(err)
			if sc != nil || len(got) != 1 || !strings.Contains(got[0].Error(), tc.want) || !strings.HasPrefix(got[0].Error(), "l.yaml:2:") {
				t.Errorf("scenario %v, problems %v; want one problem %q on line 2", sc != nil, got, tc.want)
			}
		})
	}
}

func TestParseRejectsHugeFiles(t *testing.T) {
	data := []byte("version: 1\n# " + strings.Repeat("x", scenarios.MaxFileBytes))
	sc, err := scenarios.ParseBytes("big.yaml", data, env())
	if sc != nil || err == nil || !strings.Contains(err.Error(), "big.yaml:1:1: file is") {
		t.Errorf("ParseBytes = %v, %v; want a size error", sc != nil, err)
	}
}

func TestLoadTargetOverridesURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	src := "version: 1\nname: s\ntarget: {url: '${THAW_TEST_UNSET_URL}'}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url     string
		wantErr string
	}{
		{"", "s.yaml:3:15: target.url: environment variable THAW_TEST_UNSET_URL is not set"},
		{"http://127.0.0.1:8080/", ""},
		{"ftp://nope/", "s.yaml:3:15: target.url: must be an http:// or https:// URL"},
	}
	for _, tc := range tests {
		sc, err := scenarios.LoadTarget(path, tc.url)
		switch {
		case tc.wantErr == "" && (err != nil || sc.Target.URL != tc.url):
			t.Errorf("LoadTarget(%q) = %v, url %q", tc.url, err, sc.Target.URL)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("LoadTarget(%q) = %v, want %q", tc.url, err, tc.wantErr)
		}
	}
}

// TestLoadTargetLambdaEndpoint: for a lambda target, --target replaces the emulator
// endpoint (so its unset ${VAR} is no problem), never the url.
func TestLoadTargetLambdaEndpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	src := "version: 1\nname: s\ntarget: {kind: lambda, function: f, region: r, endpoint: '${THAW_TEST_UNSET_EP}'}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n"
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := scenarios.LoadTarget(path, ""); err == nil || !strings.Contains(err.Error(), "target.endpoint: environment variable THAW_TEST_UNSET_EP is not set") {
		t.Errorf("without --target: %v", err)
	}
	sc, err := scenarios.LoadTarget(path, "http://127.0.0.1:9001")
	if err != nil || sc.Target.Endpoint != "http://127.0.0.1:9001" || sc.Target.URL != "" {
		t.Errorf("with --target: %v, endpoint %q url %q", err, sc.Target.Endpoint, sc.Target.URL)
	}
}
