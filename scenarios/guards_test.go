package scenarios_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/scenarios"
)

func parseValid(t *testing.T, src string, kv ...string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.ParseBytes("s.yaml", []byte(src), env(kv...))
	if err == nil {
		err = sc.Validate()
	}
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	return sc
}

const guardHead = "version: 1\nname: g\ntarget: {url: 'http://127.0.0.1/'}\n"

func TestEstimatedRequests(t *testing.T) {
	tests := []struct {
		name   string
		extra  string
		phases string
		want   int64
		exact  bool
	}{
		{"idle", "", "[{name: a, idle: {intervals: [1s, 2s, 3s], samples: 2}}]", 6, true},
		{"burst", "", "[{name: a, burst: {size: 50, repeat: 3}}]", 150, true},
		{"rate", "", "[{name: a, rate: {rps: 12.5, duration: 4s}}]", 50, true},
		{"ramp", "", "[{name: a, ramp: {stages: [{to: 10, over: 10s}, {to: 0, over: 10s}]}}]", 100, true},
		{"iterations", "", "[{name: a, concurrency: {workers: 4, iterations: 70}}]", 70, true},
		{"closed by time", "", "[{name: a, concurrency: {workers: 4, duration: 10s}}]", 400, false},
		{"iterations before time", "", "[{name: a, concurrency: {workers: 4, duration: 10s, iterations: 30}}]", 30, true},
		{"search", "", "[{name: a, idle: {search: {min: 1s, max: 9s, precision: 1s}}}]", 4, false},
		{"sum", "", "[{name: a, burst: {size: 5}}, {name: b, rate: {rps: 10, duration: 1s}}]", 15, true},
		{"capped", "max_requests: 7\n", "[{name: a, concurrency: {workers: 4, duration: 10s}}]", 7, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := parseValid(t, guardHead+tc.extra+"phases: "+tc.phases+"\n")
			got := sc.EstimatedRequests()
			if got.N != tc.want || got.Exact != tc.exact {
				t.Errorf("EstimatedRequests = %+v, want {%d %v}", got, tc.want, tc.exact)
			}
		})
	}
}

func TestGuardProblems(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		wants []string
	}{
		{"within", "max_requests: 100\nmax_rps: 20\nphases: [{name: a, rate: {rps: 20, duration: 5s}}]\n", nil},
		{"too many", "max_requests: 99\nphases: [{name: a, rate: {rps: 20, duration: 5s}}]\n",
			[]string{"plan 100 requests, more than max_requests 99"}},
		{"too fast", "max_rps: 10\nphases: [{name: a, rate: {rps: 5, duration: 1s}}, {name: b, ramp: {stages: [{to: 30, over: 1s}]}}, {name: c, burst: {size: 11}}]\n",
			[]string{"phases[1] (b) plans 30 requests/s, more than max_rps 10", "phases[2] (c) plans 11 requests/s"}},
		{"closed model is held, not refused", "max_requests: 5\nmax_rps: 1\nphases: [{name: a, concurrency: {workers: 50, duration: 1m}}]\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			probs := parseValid(t, guardHead+tc.src).GuardProblems()
			if len(probs) != len(tc.wants) {
				t.Fatalf("problems %v, want %d", probs, len(tc.wants))
			}
			for i, want := range tc.wants {
				if !strings.Contains(probs[i].Error(), want) || !errors.Is(probs[i], scenarios.ErrGuard) {
					t.Errorf("problem %d: %v, want %q wrapping ErrGuard", i, probs[i], want)
				}
			}
		})
	}
}

func TestGuardAndRetryValidation(t *testing.T) {
	src := `version: 1
name: g
target:
  url: 'http://127.0.0.1/'
  secret_headers: ['bad header']
  secret_fields: [password]
  retry: {max: 0, on: [teapot], backoff: -1s}
max_requests: -1
max_rps: -2
budget: {max_usd: 0}
phases: [{name: a, rate: {rps: 1, duration: 1s}}]
`
	sc, err := scenarios.ParseBytes("g.yaml", []byte(src), env())
	if err != nil {
		t.Fatal(err)
	}
	got := scenarios.Problems(sc.Validate())
	wants := []string{
		"g.yaml:5:20: target.secret_headers[0]: is not a valid header name",
		"g.yaml:6:18: target.secret_fields: needs a JSON object in target.body",
		"g.yaml:7:16: target.retry.max: must be 1 to 10",
		`g.yaml:7:24: target.retry.on[0]: unknown kind "teapot"`,
		"g.yaml:7:42: target.retry.backoff: must be >= 0",
		"g.yaml:8:15: max_requests: must be >= 0",
		"g.yaml:9:10: max_rps: must be >= 0",
		"g.yaml:10:9: budget: needs pricing",
		"g.yaml:10:19: budget.max_usd: must be > 0",
	}
	var msgs []string
	for _, p := range got {
		msgs = append(msgs, p.Error())
	}
	for _, w := range wants {
		if !slices.ContainsFunc(msgs, func(m string) bool { return strings.HasPrefix(m, w) }) {
			t.Errorf("missing %q in:\n%s", w, strings.Join(msgs, "\n"))
		}
	}
}

func TestRetryDefaults(t *testing.T) {
	sc := parseValid(t, `version: 1
name: r
target: {url: 'http://127.0.0.1/', retry: {max: 2}}
phases: [{name: a, rate: {rps: 1, duration: 1s}}]
`)
	r := sc.Target.Retry
	if r.Max != 2 || strings.Join(r.On, ",") != "throttled,5xx" || r.Backoff.D() != scenarios.DefaultRetryBackoff {
		t.Errorf("retry %+v", r)
	}
}

func TestSecrets(t *testing.T) {
	sc := parseValid(t, `version: 1
name: s
target:
  url: 'http://u:${URL_PASS}@127.0.0.1/fn?code=${FUNC_KEY}&format=json&X-Amz-Signature=abcdef0123'
  method: POST
  headers: {Authorization: "Bearer ${TOKEN}", x-api-key: "${API_KEY}", X-Custom: "lit-custom-secret", X-Plain: "${PLAIN}"}
  secret_headers: [x-custom]
  body: '{"user": "bob", "auth": {"password": "${PASSWORD}"}}'
  secret_fields: [auth.password]
phases: [{name: a, rate: {rps: 1, duration: 1s}}]
`, "TOKEN", "tok-123456", "API_KEY", "key-abcdef", "PLAIN", "not-secret-value", "PASSWORD", "pw-secret-99",
		"URL_PASS", "urlpass-1", "FUNC_KEY", "fkey-7777")
	got := sc.Secrets()
	want := []string{"Bearer tok-123456", "abcdef0123", "fkey-7777", "key-abcdef", "lit-custom-secret", "pw-secret-99", "tok-123456", "urlpass-1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Secrets() = %q\nwant        %q", got, want)
	}
}

// TestExpandedValuesNeverEchoed: a problem with a field whose value came from ${VAR}
// names the reference, never the value (which may be a secret).
func TestExpandedValuesNeverEchoed(t *testing.T) {
	src := "version: 1\nname: e\ntarget: {url: 'http://127.0.0.1/', timeout: '${T}'}\nmax_requests: ${TOKEN}\nphases: [{name: a, rate: {rps: 1, duration: 1s}}]\n"
	_, err := scenarios.ParseBytes("e.yaml", []byte(src), env("TOKEN", "s3cr3t-value", "T", "hunter2-x"))
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "hunter2") ||
		!strings.Contains(err.Error(), "max_requests: want an integer, got the value of ${TOKEN}") {
		t.Errorf("error %v: want the ${TOKEN} reference and no value", err)
	}
}
