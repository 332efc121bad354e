package k6_test

import (
	"fmt"
	"strings"
	"testing"

	k6 "github.com/thaw-dev/thaw/ingest/k6"
	"github.com/thaw-dev/thaw/results"
)

var httpMetrics = []string{"http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
	"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving", "http_req_failed"}

// points are the JSON lines of request i (ends at second i, waiting i ms).
func points(i int, metrics []string) []string {
	var out []string
	for _, m := range metrics {
		v := 0.0
		switch m {
		case "http_reqs":
			v = 1
		case "http_req_waiting", "http_req_duration":
			v = float64(i)
		}
		out = append(out, fmt.Sprintf(`{"metric":%q,"type":"Point","data":{"time":"2026-11-30T10:00:%02d.5Z","value":%g,"tags":{"scenario":"s","status":"200","vu":"%d"}}}`, m, i, v, i))
	}
	return out
}

// TestInterleaved: the points of concurrent requests may arrive mixed; each request
// is still rebuilt from its own points, whatever the order.
func TestInterleaved(t *testing.T) {
	const n = 20
	var per [][]string
	for i := 1; i <= n; i++ {
		per = append(per, points(i, httpMetrics))
	}
	var lines []string
	for j := range httpMetrics { // round robin over the requests
		for i := range per {
			lines = append(lines, per[i][j])
		}
	}
	reqs, st := readAll(t, []byte(strings.Join(lines, "\n")), k6.Options{Strict: true})
	if st.Requests != n || len(reqs) != n {
		t.Fatalf("%d requests, want %d", st.Requests, n)
	}
	for i, r := range reqs {
		if !near(r.Sample.LatencyMS, float64(i+1)) || r.Sample.Status != 200 {
			t.Errorf("request %d: latency %v status %d", i+1, r.Sample.LatencyMS, r.Sample.Status)
		}
	}
}

// TestWindow: with http_req_failed disabled no request is ever complete before the
// next starts; the window flushes the oldest, so every request comes out, in order,
// whatever the window's size.
func TestWindow(t *testing.T) {
	var lines []string
	for i := 1; i <= 30; i++ {
		lines = append(lines, points(i, httpMetrics[:8])...)
	}
	for _, window := range []int{1, 4, 1000} {
		reqs, st := readAll(t, []byte(strings.Join(lines, "\n")), k6.Options{Strict: true, Window: window})
		if st.Requests != 30 {
			t.Fatalf("window %d: %d requests", window, st.Requests)
		}
		for i, r := range reqs {
			if r.Sample.Seq != int64(i+1) || !near(r.Sample.LatencyMS, float64(i+1)) {
				t.Fatalf("window %d: request %d is %+v", window, i+1, r.Sample)
			}
		}
	}
}

// TestIncomplete: a request cut short (k6 killed mid-write) is reported, not invented.
func TestIncomplete(t *testing.T) {
	lines := append(points(1, httpMetrics), points(2, httpMetrics[:4])...)
	var warned []*k6.LineError
	reqs, st := readAll(t, []byte(strings.Join(lines, "\n")), k6.Options{Warn: func(e *k6.LineError) { warned = append(warned, e) }})
	if len(reqs) != 1 || st.Skipped != 1 || len(warned) != 1 || warned[0].Line != 10 ||
		!strings.Contains(warned[0].Error(), "no http_req_receiving") {
		t.Fatalf("requests %d, skipped %d, warnings %v", len(reqs), st.Skipped, warned)
	}
}

func TestErrorKind(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		want   string
	}{
		{200, "", ""},
		{302, "", ""},
		{404, "1404", results.ErrStatus4xx},
		{429, "1429", results.ErrThrottled},
		{502, "1502", results.ErrStatus5xx},
		{0, "1050", results.ErrTimeout},
		{0, "1211", results.ErrTimeout},
		{0, "1101", results.ErrDNS},
		{0, "1212", results.ErrRefused},
		{0, "1220", results.ErrReset},
		{0, "1311", results.ErrTLS},
		{0, "1000", results.ErrOther},
		{200, "1701", results.ErrOther},
		{0, "", results.ErrOther},
	} {
		if got := k6.ErrorKind(tc.status, tc.code); got != tc.want {
			t.Errorf("ErrorKind(%d, %q) = %q, want %q", tc.status, tc.code, got, tc.want)
		}
	}
}

// TestCSVTimeFormats: every timeFormat of k6's CSV output gives the same instant, to
// the format's precision.
func TestCSVTimeFormats(t *testing.T) {
	const header = "metric_name,timestamp,metric_value,scenario,status,extra_tags,metadata\n"
	for _, tc := range []struct {
		ts        string
		precision int64 // ns
	}{
		{"1796032801", 1e9},
		{"1796032801250", 1e6},
		{"1796032801250000", 1e3},
		{"1796032801250000123", 1},
		{"2026-11-30T11:00:01+01:00", 1e9},
	} {
		var b strings.Builder
		b.WriteString(header)
		for _, m := range httpMetrics {
			fmt.Fprintf(&b, "%s,%s,%s,s,200,,\n", m, tc.ts, map[bool]string{true: "1.000000", false: "0.000000"}[m == "http_reqs"])
		}
		reqs, _ := readAll(t, []byte(b.String()), k6.Options{Strict: true})
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests", tc.ts, len(reqs))
		}
		want := int64(1796032801250000123) / tc.precision * tc.precision
		if got := reqs[0].Sample.End().UnixNano(); got != want {
			t.Errorf("%s: end %d, want %d", tc.ts, got, want)
		}
	}
}

// TestScrubbed: credentials and query strings in the URL and the error message never
// reach a request.
func TestScrubbed(t *testing.T) {
	var lines []string
	for _, m := range httpMetrics {
		lines = append(lines, fmt.Sprintf(`{"metric":%q,"type":"Point","data":{"time":"2026-11-30T10:00:00Z","value":1,"tags":{"scenario":"s","status":"0","error_code":"1212","url":"http://bob:hunter2@127.0.0.1:1/f?key=s3cr3t#frag","error":"Get \"http://bob:hunter2@127.0.0.1:1/f?key=s3cr3t\": dial tcp 127.0.0.1:1: connect: connection refused"}}}`, m))
	}
	reqs, _ := readAll(t, []byte(strings.Join(lines, "\n")), k6.Options{Strict: true})
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	all := r.URL + " " + r.Sample.ErrorDetail
	for _, secret := range []string{"bob", "hunter2", "s3cr3t", "frag"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q leaked: %s", secret, all)
		}
	}
	if r.URL != "http://127.0.0.1:1/f" || r.Sample.Error != results.ErrRefused ||
		!strings.Contains(r.Sample.ErrorDetail, `Get "http://127.0.0.1:1/f": dial tcp`) {
		t.Errorf("url %q, error %s %q", r.URL, r.Sample.Error, r.Sample.ErrorDetail)
	}
}

// TestCSVOldColumns: a CSV file from a k6 without the extra_tags and metadata
// columns, or with fewer system tags, is read by its header.
func TestCSVOldColumns(t *testing.T) {
	var b strings.Builder
	b.WriteString("metric_name,timestamp,metric_value,status,scenario\n")
	for _, m := range httpMetrics[:8] {
		fmt.Fprintf(&b, "%s,1796032801,2.000000,503,old\n", m)
	}
	b.WriteString("vus,1796032801,3.000000,,\n")
	reqs, _ := readAll(t, []byte(b.String()), k6.Options{Strict: true})
	if len(reqs) != 1 || reqs[0].Sample.Phase != "old" || reqs[0].Sample.Error != results.ErrStatus5xx || !near(reqs[0].Sample.LatencyMS, 8) {
		t.Fatalf("requests %+v", reqs)
	}
	_, err := k6.Read(strings.NewReader("metric_name,value\nhttp_reqs,1\n"), "bad.csv", k6.Options{}, func(*k6.Request) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `bad.csv:1: header: column "timestamp" missing`) {
		t.Errorf("bad header: %v", err)
	}
}
