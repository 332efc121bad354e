package k6_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	ingest "github.com/thaw-dev/thaw/ingest/k6"
)

// responses: a cold start with init time, a warm call, a failure without response, a
// 503 without markers.
var responses = []jsResponse{
	{Status: 200, Headers: map[string]string{"X-Thaw-Cold": "true", "X-Thaw-Instance": "i-1", "X-Thaw-Init-Ms": "250.5"}, Body: "ok", DurationMS: 270},
	{Status: 200, Headers: map[string]string{"X-Thaw-Cold": "false", "X-Thaw-Instance": "i-1", "X-Thaw-Init-Ms": "250.5"}, Body: "ok", DurationMS: 9},
	{Status: 0, DurationMS: 30000},
	{Status: 503, Body: "busy", DurationMS: 2},
}

// TestInvokeRecords: invoke sends the request id header, puts the id in the VU's
// metadata while k6 records the request (never in a tag), adds faas_* metrics
// tagged faas_class with instance and init as metadata, and cleans the metadata up.
func TestInvokeRecords(t *testing.T) {
	k := loadThaw(t, nil)
	k.responses = append(k.responses, responses...)
	var classes []string
	for range responses {
		r := k.call("invoke", map[string]any{"method": "POST", "url": "http://127.0.0.1:1/fn", "body": "{}",
			"params": map[string]any{"tags": map[string]any{"name": "fn"}}}).(map[string]any)
		classes = append(classes, r["class"].(string))
	}
	if got := strings.Join(classes, ","); got != "cold,warm,unknown,unknown" {
		t.Fatalf("classes %s", got)
	}
	ids := map[string]bool{}
	for i, c := range k.calls {
		id, _ := c.Metadata["request_id"].(string)
		if c.Method != "POST" || id == "" || c.Headers["X-Request-Id"] != id || ids[id] {
			t.Errorf("call %d: %+v (request id must be in the header and the metadata, unique)", i, c)
		}
		ids[id] = true
	}
	var got []string
	for _, p := range k.points {
		if _, isTag := p.Tags["request_id"]; isTag || p.Tags["name"] != "fn" {
			t.Errorf("%s: tags %v (want the request's tags, no request id)", p.Metric, p.Tags)
		}
		got = append(got, fmt.Sprintf("%s=%v[%v %v %v]", p.Metric, p.Value, p.Tags["faas_class"], p.Metadata["faas_instance"], p.Metadata["faas_init_ms"]))
	}
	want := "faas_req_duration=270[cold i-1 250.5] faas_cold_rate=true[cold i-1 250.5] faas_cold_starts=1[cold i-1 250.5] " +
		"faas_cold_duration=270[cold i-1 250.5] faas_init_duration=250.5[cold i-1 250.5] " +
		"faas_req_duration=9[warm i-1 <nil>] faas_cold_rate=false[warm i-1 <nil>] faas_warm_duration=9[warm i-1 <nil>] " +
		"faas_req_duration=30000[unknown <nil> <nil>] faas_req_duration=2[unknown <nil> <nil>]"
	if strings.Join(got, " ") != want {
		t.Errorf("points:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if meta := k.vm.Get("__meta").Export().(map[string]any); len(meta) != 0 {
		t.Errorf("metadata left behind: %v", meta)
	}
}

// TestRoundTripThroughIngest writes what k6 would write for the recorded calls and
// metric points (http_req_* points carry the metadata at request time, faas_* points
// the metadata at add time) and checks that `thaw ingest k6` reads back thaw.js's
// verdicts, instance and init time for every request.
func TestRoundTripThroughIngest(t *testing.T) {
	k := loadThaw(t, nil)
	k.responses = append(k.responses, responses...)
	var want []string
	for range responses {
		r := k.call("invoke", "http://127.0.0.1:1/fn").(map[string]any)
		inst, _ := r["instance"].(string)
		init := fmt.Sprint(r["initMs"])
		if r["initMs"] == nil {
			init = "0"
		}
		want = append(want, fmt.Sprintf("%s/%s/%s", r["class"], inst, init))
	}
	var buf bytes.Buffer
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	line := func(metric string, at time.Time, v any, tags, meta map[string]any) {
		b, _ := json.Marshal(map[string]any{"metric": metric, "type": "Point",
			"data": map[string]any{"time": at.Format(time.RFC3339Nano), "value": v, "tags": tags, "metadata": meta}})
		buf.Write(append(b, '\n'))
	}
	for i, c := range k.calls {
		end := t0.Add(time.Duration(i) * time.Second)
		status := fmt.Sprint(responses[i].Status)
		tags := map[string]any{"scenario": "default", "status": status, "url": c.URL, "method": "GET"}
		for _, m := range []string{"http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
			"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"} {
			line(m, end, 1, tags, c.Metadata)
		}
		for _, p := range k.points {
			if p.Metadata["request_id"] == c.Metadata["request_id"] {
				v := p.Value
				if b, ok := v.(bool); ok { // a Rate's value
					v = map[bool]int{true: 1, false: 0}[b]
				}
				line(p.Metric, end.Add(time.Millisecond), v, p.Tags, p.Metadata)
			}
		}
	}
	var got []string
	if _, err := ingest.Read(&buf, "roundtrip.json", ingest.Options{Strict: true}, func(r *ingest.Request) error {
		got = append(got, fmt.Sprintf("%s/%s/%g", r.Sample.Class, r.Sample.Instance, r.Sample.InitMS))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ingested %v, thaw.js said %v", got, want)
	}
}

// TestScenarioHelpers: the helpers make k6 scenarios that run one after another,
// tagged with their workload, the idle sweep with its interval in the scenario env.
func TestScenarioHelpers(t *testing.T) {
	k := loadThaw(t, nil)
	sweep := k.call("idleSweep", map[string]any{"intervals": []any{"1m", 90}, "samples": 2, "exec": "sweep", "slack": "10s"})
	burst := k.call("burst", map[string]any{"size": 20, "afterIdle": "5m", "exec": "hit"})
	rate := k.call("arrivalRate", map[string]any{"rate": 5, "duration": "30s", "exec": "hit"})
	ramp := k.call("arrivalRate", map[string]any{"stages": []any{map[string]any{"target": 10, "duration": "20s"}}})
	sc := k.call("sequence", []any{sweep, burst, rate, ramp}).(map[string]any)
	b, _ := json.Marshal(sc)
	var got map[string]map[string]any
	must(t, json.Unmarshal(b, &got))
	for _, c := range []struct{ name, field, want string }{
		{"idle_1m", "startTime", "0s"},
		{"idle_1m", "executor", "per-vu-iterations"},
		{"idle_1m", "iterations", "2"},
		{"idle_1m", "maxDuration", "140s"},
		{"idle_1m", "env", "map[THAW_IDLE_S:60]"},
		{"idle_1m", "tags", "map[faas_workload:idle]"},
		{"idle_90", "startTime", "140s"},
		{"idle_90", "env", "map[THAW_IDLE_S:90]"},
		{"burst", "startTime", "640s"}, // 140 + 200 + 300 idle
		{"burst", "vus", "20"},
		{"burst", "tags", "map[faas_workload:burst]"},
		{"steady", "startTime", "700s"},
		{"steady", "executor", "constant-arrival-rate"},
		{"steady", "tags", "map[faas_workload:rate]"},
		{"ramp", "startTime", "730s"},
		{"ramp", "executor", "ramping-arrival-rate"},
	} {
		if v := fmt.Sprint(got[c.name][c.field]); v != c.want {
			t.Errorf("%s.%s = %s, want %s", c.name, c.field, v, c.want)
		}
	}
	if len(got) != 5 {
		t.Errorf("scenarios %v", got)
	}
	for _, d := range []struct {
		in   any
		want float64
	}{{"90s", 90}, {"5m", 300}, {"1h30m", 5400}, {"250ms", 0.25}, {12, 12}} {
		if v := k.call("seconds", d.in); fmt.Sprint(v) != fmt.Sprint(d.want) {
			t.Errorf("seconds(%v) = %v, want %v", d.in, v, d.want)
		}
	}
	if err := k.callErr("seconds", "5 minutes"); err == nil || !strings.Contains(err.Error(), `duration "5 minutes"`) {
		t.Errorf("seconds(5 minutes): %v", err)
	}
}

// TestIdleWait sleeps the sweep's interval from the scenario env, and nothing elsewhere.
func TestIdleWait(t *testing.T) {
	k := loadThaw(t, map[string]string{"THAW_IDLE_S": "60"})
	k.call("idleWait")
	k2 := loadThaw(t, map[string]string{})
	k2.call("idleWait")
	if fmt.Sprint(k.sleeps) != "[60]" || len(k2.sleeps) != 0 {
		t.Errorf("sleeps %v and %v", k.sleeps, k2.sleeps)
	}
}

// TestThawSummary renders handleSummary's data as text and Markdown.
func TestThawSummary(t *testing.T) {
	k := loadThaw(t, nil)
	data := map[string]any{"metrics": map[string]any{
		"faas_cold_rate":     map[string]any{"values": map[string]any{"rate": 0.25, "passes": 3, "fails": 9}},
		"faas_req_duration":  map[string]any{"values": map[string]any{"count": 14}},
		"faas_cold_duration": map[string]any{"values": map[string]any{"med": 812.4, "p(95)": 1530}},
		"faas_warm_duration": map[string]any{"values": map[string]any{"p(50)": 8.25, "med": 99, "p(95)": 14.5}},
	}}
	s := k.call("thawSummary", data).(map[string]any)
	text, md := s["text"].(string), s["markdown"].(string)
	for _, want := range []string{"requests judged : 12 of 14", "cold starts     : 3", "cold rate       : 25.0 %",
		"cold p50 / p95  : 812 ms / 1530 ms", "warm p50 / p95  : 8.25 ms / 14.5 ms", "init p50 / p95  : - / -"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(md, "| cold starts | 3 |") || !strings.HasPrefix(md, "## Cold starts (thaw)") {
		t.Errorf("markdown:\n%s", md)
	}
	empty := k.call("thawSummary", map[string]any{"metrics": map[string]any{}}).(map[string]any)
	if !strings.Contains(empty["text"].(string), "cold rate       : -") {
		t.Errorf("empty run: %s", empty["text"])
	}
}
