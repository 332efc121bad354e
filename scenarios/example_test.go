package scenarios_test

import (
	"context"
	"fmt"
	"time"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// printSink prints every sample it records.
type printSink struct{}

func (printSink) Record(s *results.Sample) error {
	fmt.Printf("%s %s idle_before=%.0fms\n", s.RequestID, s.Phase, s.IdleBeforeMS)
	return nil
}

func Example() {
	src := []byte(`version: 1
name: quick
target: {url: "${TARGET_URL}"}
phases:
  - {name: idle, idle: {intervals: [1m, 2m]}}
`)
	lookup := func(k string) (string, bool) { return "http://127.0.0.1:8080/", k == "TARGET_URL" }
	sc, err := scenarios.ParseBytes("quick.yaml", src, lookup)
	if err == nil {
		err = sc.Validate()
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sc.Name, sc.Target.URL, sc.EstimatedDuration())

	// A fake function that answers in 10 ms, on a fake clock so the example is instant.
	clock := newFakeClock()
	inv := invokerFunc(func(_ context.Context, s *results.Sample) {
		s.Start, s.LatencyMS = clock.Now(), 10
		clock.Advance(10 * time.Millisecond)
	})
	r := scenarios.NewRunner(sc, inv, nil, printSink{}, scenarios.WithClock(clock), scenarios.WithRunID("a1b2c3d4"))
	st, err := r.Run(context.Background())
	fmt.Println(st.Sent, st.Completed, st.Interrupted, err)
	// Output:
	// quick http://127.0.0.1:8080/ 3m0s
	// a1b2c3d4-000001 idle idle_before=-1ms
	// a1b2c3d4-000002 idle idle_before=120000ms
	// 2 2 false <nil>
}

func ExampleParseBytes_problems() {
	src := []byte("version: 1\nname: demo\ntarget:\n  url: ${TARGET_URL}\n  timout: 30s\nphases:\n  - {name: a, rate: {rps: 5, duration: 5x}}\n")
	_, err := scenarios.ParseBytes("demo.yaml", src, func(string) (string, bool) { return "", false })
	for _, p := range scenarios.Problems(err) {
		fmt.Println(p)
	}
	// Output:
	// demo.yaml:4:8: target.url: environment variable TARGET_URL is not set
	// demo.yaml:5:3: target.timout: unknown field (known: auth, body, body_prefix_bytes, client, connection, endpoint, function, headers, insecure_skip_verify, keep_headers, kind, log_tail, method, payload, qualifier, region, request_id_header, retry, secret_fields, secret_headers, timeout, url)
	// demo.yaml:7:40: phases[0].rate.duration: want a duration like 30s or 1m30s, got "5x"
}
