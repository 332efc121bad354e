package k6_test

import (
	"fmt"
	"strings"

	k6 "github.com/thaw-dev/thaw/ingest/k6"
)

// Example reads the points k6 wrote for one request made through thaw.js (the
// verdict point joins through the request_id metadata) and prints the sample.
func Example() {
	const tags = `{"scenario":"idle_1m","status":"200","url":"http://127.0.0.1:8080/fn","faas_workload":"idle"}`
	var b strings.Builder
	for _, p := range []struct {
		metric string
		value  float64
	}{
		{"http_reqs", 1}, {"http_req_duration", 262.2}, {"http_req_blocked", 1.5}, {"http_req_connecting", 0.4},
		{"http_req_tls_handshaking", 0}, {"http_req_sending", 0.1}, {"http_req_waiting", 262}, {"http_req_receiving", 0.1},
		{"http_req_failed", 0},
	} {
		fmt.Fprintf(&b, `{"metric":%q,"type":"Point","data":{"time":"2026-11-30T10:00:00Z","value":%g,"tags":%s,"metadata":{"request_id":"r1"}}}`+"\n", p.metric, p.value, tags)
	}
	b.WriteString(`{"metric":"iterations","type":"Point","data":{"time":"2026-11-30T10:00:00Z","value":1,"tags":{"scenario":"idle_1m"}}}` + "\n")
	b.WriteString(`{"metric":"faas_req_duration","type":"Point","data":{"time":"2026-11-30T10:00:00Z","value":262.2,"tags":{"faas_class":"cold","scenario":"idle_1m"},"metadata":{"request_id":"r1","faas_instance":"i-7","faas_init_ms":"240"}}}` + "\n")

	st, err := k6.Read(strings.NewReader(b.String()), "k6.json", k6.Options{Strict: true}, func(r *k6.Request) error {
		s := r.Sample
		fmt.Printf("%s %s (%s): %d in %.1f ms (server %.1f ms, connect %.1f ms), %s by %s on %s, init %g ms\n",
			s.RequestID, s.Phase, r.Workload, s.Status, s.LatencyMS, s.ServerMS(), s.ConnectMS, s.Class, s.DecidedBy, s.Instance, s.InitMS)
		return nil
	})
	fmt.Println(st.Requests, "request,", st.Judged, "judged,", st.Skipped, "skipped,", err)
	// Output:
	// r1 idle_1m (idle): 200 in 263.7 ms (server 262.1 ms, connect 0.4 ms), cold by k6 on i-7, init 240 ms
	// 1 request, 1 judged, 0 skipped, <nil>
}
