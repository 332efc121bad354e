package scenarios_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/scenarios"
)

func TestValidate(t *testing.T) {
	const okTarget = "target: {url: 'http://127.0.0.1/'}\n"
	tests := []struct {
		name string
		src  string
		want []string // "line:col: path: message fragment", in file order
	}{
		{"valid", "version: 1\nname: v\n" + okTarget + "phases: [{name: a, rate: {rps: 1, duration: 1s}}]\n", nil},
		{"scenario fields", "version: 2\nname: 'a b/c'\ntarget: {url: 'ftp://x/', method: get, connection: pooled, timeout: 0s}\nphases: []\n",
			[]string{"version: must be 1|2", "name: must be usable as a directory name|'a b/c'",
				"target.url: must be an http:// or https:// URL|'ftp", "target.method: must be an upper-case|get",
				"target.connection: must be reuse or fresh|pooled", "target.timeout: must be > 0|0s", "phases: at least one phase|[]"}},
		{"missing name and url", "version: 1\ntarget: {method: GET}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"name: is required|version", "target.url: is required|{method"}},
		{"phase problems", "version: 1\nname: v\n" + okTarget + `phases:
  - {name: a, rate: {rps: 0, duration: 1s}, burst: {size: 0}}
  - {name: a, ramp: {stages: []}}
  - {name: c, idle: {intervals: [0s], order: random, search: {min: 5m, max: 1m, precision: 0s}}}
  - {name: d, concurrency: {workers: 0}}
  - {name: e}
  - {name: f, idle: {intervals: [1s], samples: 0}}
`, []string{"phases[0]: needs exactly one of idle, burst, rate, ramp, concurrency, trace (got 2)|{name: a, rate",
			"phases[0].rate.rps: must be > 0|0, duration", "phases[0].burst.size: must be > 0|0}}",
			`phases[1].name: "a" is also the name of phases[0]|a, ramp`, "phases[1].ramp.stages: at least one stage|[]",
			"phases[2].idle: needs either intervals or search|{intervals", "phases[2].idle.intervals[0]: must be > 0|0s]",
			"phases[2].idle.order: must be given or shuffled|random", "phases[2].idle.search.max: must be > min|1m",
			"phases[2].idle.search.precision: must be > 0|0s}",
			"phases[3].concurrency: needs duration or iterations|{workers", "phases[3].concurrency.workers: must be > 0|0}",
			"phases[4]: needs exactly one|{name: e}", "phases[5].idle.samples: must be > 0|0}}"}},
		{"lambda", "version: 1\nname: v\ntarget: {kind: lambda, function: f, endpoint: 'http://127.0.0.1:9001', payload: '{\"a\":1}', log_tail: true}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n", nil},
		{"lambda problems", "version: 1\nname: v\ntarget: {kind: lambda, url: 'http://x/', endpoint: 'ftp://x', payload: '{nope', body: b, headers: {A: b}, auth: {sigv4: {service: lambda, region: r}}}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"target.function: is required for kind lambda|{kind", "target.url: is not used by kind lambda|'http", "target.endpoint: must be an http|'ftp",
				"target.payload: must be JSON|'{nope", "target.body: is not used by kind lambda|b,", "target.headers: are not used|{A",
				"target.auth: is not used by kind lambda|{sigv4"}},
		{"http with lambda fields", "version: 1\nname: v\ntarget: {url: 'http://x/', function: f, log_tail: true, auth: {sigv4: {service: lambda}}}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"target.function: is only for kind lambda|f,", "target.log_tail: is only for kind lambda|true", "target.auth.sigv4.region: is required|{service"}},
		{"client", "version: 1\nname: v\ntarget: {url: 'http://x/', client: fast}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"target.client: must be auto, lean or std|fast"}},
		{"lean cannot sign", "version: 1\nname: v\ntarget: {url: 'https://x/', client: lean, auth: {sigv4: {service: lambda, region: r}}}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"target.client: lean cannot sign|lean"}},
		{"lambda has no client", "version: 1\nname: v\ntarget: {kind: lambda, function: f, client: std}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"target.client: is not used by kind lambda|std"}},
		{"clients", "version: 1\nname: v\ntarget: {url: 'https://x/', client: std}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n", nil},
		{"unknown kind", "version: 1\nname: v\ntarget: {kind: grpc, url: 'http://x/'}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"target.kind: must be http or lambda|grpc"}},
		{"probes", "version: 1\nname: v\n" + okTarget + "probes: [marker, marker, vibes]\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{`probes[1]: probe "marker" listed twice|marker, vibes`, `probes[2]: unknown probe "vibes"|vibes]`}},
		{"pricing", "version: 1\nname: v\n" + okTarget + "pricing: {model: '', memory_mb: -1, warm_instances: -2, timeout_ms: -3}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n",
			[]string{"pricing.model: is required|''", "pricing.memory_mb: must be >= 0|-1", "pricing.warm_instances: must be >= 0|-2",
				"pricing.timeout_ms: must be >= 0|-3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := problems(t, tc.src, env())
			sortByPosition(got)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems:\n%s\nwant %d", len(got), strings.Join(got, "\n"), len(tc.want))
			}
			for i := range got {
				msg, token, _ := strings.Cut(tc.want[i], "|")
				if !strings.Contains(got[i], msg) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], msg)
				}
				// the position must point at what was written for the field
				if at := textAt(tc.src, got[i]); !strings.HasPrefix(at, token) {
					t.Errorf("problem %q points at %q, want %q", got[i], at, token)
				}
			}
		})
	}
}

// textAt returns the source text from the line and column a problem names.
func textAt(src, problem string) string {
	var l, c int
	if _, err := fmt.Sscanf(strings.TrimPrefix(problem, "f.yaml:"), "%d:%d:", &l, &c); err != nil {
		return ""
	}
	lines := strings.Split(src, "\n")
	if l < 1 || l > len(lines) || c < 1 || c > len(lines[l-1])+1 {
		return ""
	}
	return lines[l-1][c-1:]
}

// sortByPosition orders "f.yaml:L:C: …" texts by line and column, like thaw validate.
func sortByPosition(lines []string) {
	key := func(s string) (int, int) {
		var l, c int
		rest := strings.TrimPrefix(s, "f.yaml:")
		for _, part := range []*int{&l, &c} {
			for len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
				*part = *part*10 + int(rest[0]-'0')
				rest = rest[1:]
			}
			rest = strings.TrimPrefix(rest, ":")
		}
		return l, c
	}
	for i := 1; i < len(lines); i++ {
		for j := i; j > 0; j-- {
			l1, c1 := key(lines[j-1])
			l2, c2 := key(lines[j])
			if l1 < l2 || (l1 == l2 && c1 <= c2) {
				break
			}
			lines[j-1], lines[j] = lines[j], lines[j-1]
		}
	}
}

func TestValidateInMemory(t *testing.T) {
	sc := scenarioOf(scenarios.Phase{Name: "a", Rate: &scenarios.Rate{RPS: -1, Duration: dur(time.Second)}})
	err := sc.Validate()
	if err == nil || err.Error() != "scenario: phases[0].rate.rps: must be > 0" {
		t.Errorf("Validate = %v", err)
	}
}

func TestEstimatedDuration(t *testing.T) {
	m := time.Minute
	tests := []struct {
		phase scenarios.Phase
		want  time.Duration
	}{
		{scenarios.Phase{Idle: &scenarios.Idle{Intervals: []scenarios.Duration{dur(m), dur(5 * m)}, Samples: 3}}, 18 * m},
		{scenarios.Phase{Burst: &scenarios.Burst{AfterIdle: dur(15 * m), Repeat: 2, Size: 5}}, 30 * m},
		{scenarios.Phase{Rate: &scenarios.Rate{RPS: 5, Duration: dur(2 * m)}}, 2 * m},
		{scenarios.Phase{Ramp: &scenarios.Ramp{Stages: []scenarios.Stage{{To: 1, Over: dur(m)}, {To: 0, Over: dur(30 * time.Second)}}}}, 90 * time.Second},
		{scenarios.Phase{Concurrency: &scenarios.Concurrency{Workers: 2, Iterations: 5}}, 0},
		// 7 rounds (log2(59m/30s) rounded up) at the middle gap 30m30s
		{scenarios.Phase{Idle: &scenarios.Idle{Search: &scenarios.IdleSearch{Min: dur(m), Max: dur(60 * m), Precision: dur(30 * time.Second), Samples: 1}}}, 7 * (30*m + 30*time.Second)},
	}
	var total time.Duration
	for i, tc := range tests {
		if got := tc.phase.EstimatedDuration(); got != tc.want {
			t.Errorf("phase %d (%s): %v, want %v", i, tc.phase.Workload(), got, tc.want)
		}
		total += tc.want
	}
	sc := &scenarios.Scenario{}
	for _, tc := range tests {
		sc.Phases = append(sc.Phases, tc.phase)
	}
	if got := sc.EstimatedDuration(); got != total {
		t.Errorf("scenario: %v, want %v", got, total)
	}
}
