package scenarios_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/scenarios"
)

var sampleTraces, _ = filepath.Abs(filepath.Join("examples", "traces"))

// loadTrace writes a scenario with one trace phase (the YAML flow map given) and
// loads it; it returns the scenario and Load's error.
func loadTrace(t *testing.T, trace string) (*scenarios.Scenario, error) {
	t.Helper()
	body := "version: 1\nname: replay\ntarget: {url: \"http://127.0.0.1:1/\"}\nphases:\n  - name: replay\n    trace: " + trace + "\n"
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return scenarios.Load(path)
}

// perMinute2019 is the ground truth read independently with encoding/csv: the sum of
// the chosen functions' counts per minute (all functions when none are named).
func perMinute2019(t *testing.T, functions ...string) []int64 {
	t.Helper()
	rows := readCSV(t, filepath.Join(sampleTraces, "azure-2019-invocations.csv"))
	out := make([]int64, len(rows[0])-4)
	for _, r := range rows[1:] {
		if len(functions) > 0 && !strings.Contains(strings.Join(functions, ","), r[2]) {
			continue
		}
		for m := range out {
			n, _ := strconv.ParseInt(r[4+m], 10, 64)
			out[m] += n
		}
	}
	return out
}

// readCSV reads a whole CSV file with encoding/csv (not thaw's reader).
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// bucket counts the schedule's arrivals per bucket of width w.
func bucket(t *testing.T, s scenarios.Schedule, w time.Duration, buckets int) []int64 {
	t.Helper()
	out := make([]int64, buckets)
	var prev time.Duration
	for n := int64(0); ; n++ {
		at, ok := s.Arrival(n)
		if !ok {
			break
		}
		if at < prev {
			t.Fatalf("arrival %d at %v before arrival %d at %v", n, at, n-1, prev)
		}
		prev = at
		b := int(at / w)
		if b < 0 || b >= buckets {
			t.Fatalf("arrival %d at %v outside %d buckets of %v", n, at, buckets, w)
		}
		out[b]++
	}
	return out
}

// TestTrace2019EveryMinuteExact: for each spread the schedule plans, in every one of
// the 1,440 minutes, exactly the count the file holds for the chosen functions.
func TestTrace2019EveryMinuteExact(t *testing.T) {
	for _, spread := range []string{"exponential", "uniform", "equidistant"} {
		t.Run(spread, func(t *testing.T) {
			sc, err := loadTrace(t, `{format: azure-2019, invocations: `+sampleTraces+`/azure-2019-invocations.csv, durations: `+sampleTraces+`/azure-2019-durations.csv, spread: `+spread+`, seed: 7}`)
			if err != nil {
				t.Fatal(err)
			}
			want := perMinute2019(t)
			got := bucket(t, sc.Phases[0].Trace.Schedule(1), time.Minute, len(want))
			for m := range want {
				if got[m] != want[m] {
					t.Errorf("minute %d: %d arrivals, the trace says %d", m, got[m], want[m])
				}
			}
			if est := sc.EstimatedDuration(); est != 24*time.Hour {
				t.Errorf("estimated %v, want 24h", est)
			}
		})
	}
}

// TestTraceTimeScale: a 10-minute slice at time scale 60 plans all its arrivals in 10
// s, each trace minute's count inside its second.
func TestTraceTimeScale(t *testing.T) {
	sc, err := loadTrace(t, `{format: azure-2019, invocations: `+sampleTraces+`/azure-2019-invocations.csv, functions: [f1http, f2queue], day_minutes: [600, 610]}`)
	if err != nil {
		t.Fatal(err)
	}
	want := perMinute2019(t, "f1http", "f2queue")[600:610]
	got := bucket(t, sc.Phases[0].Trace.Schedule(60), time.Second, 10)
	for s := range want {
		if got[s] != want[s] {
			t.Errorf("second %d: %d arrivals, want trace minute %d's %d", s, got[s], 600+s, want[s])
		}
	}
	if planned, sum := sc.Phases[0].Trace.Planned(), sumOf(want); planned != sum {
		t.Errorf("planned %d, want %d", planned, sum)
	}
}

func sumOf(xs []int64) int64 {
	var n int64
	for _, x := range xs {
		n += x
	}
	return n
}

// TestTrace2021StartTimes: azure-2021 rows become arrivals at end − duration; per
// minute the counts match the file's, read independently.
func TestTrace2021StartTimes(t *testing.T) {
	file := filepath.Join(sampleTraces, "azure-2021-invocations.csv")
	sc, err := loadTrace(t, `{format: azure-2021, invocations: `+file+`, functions: [fa, fc], day_minutes: [5, 25]}`)
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, file)
	want := make([]int64, 20)
	for _, r := range rows[1:] {
		end, _ := strconv.ParseFloat(r[2], 64)
		d, _ := strconv.ParseFloat(r[3], 64)
		m := int(math.Floor((end - d) / 60))
		if (r[1] == "fa" || r[1] == "fc") && m >= 5 && m < 25 {
			want[m-5]++
		}
	}
	got := bucket(t, sc.Phases[0].Trace.Schedule(1), time.Minute, 20)
	for m := range want {
		if got[m] != want[m] {
			t.Errorf("minute %d: %d arrivals, want %d", m+5, got[m], want[m])
		}
	}
	if sumOf(want) < 100 {
		t.Fatalf("only %d arrivals: the sample is too thin to test", sumOf(want))
	}
}

// TestTraceTop: top N picks the busiest functions in the window.
func TestTraceTop(t *testing.T) {
	sc, err := loadTrace(t, `{format: azure-2019, invocations: `+sampleTraces+`/azure-2019-invocations.csv, top: 1, day_minutes: [0, 60]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sc.Phases[0].Trace.Planned(), sumOf(perMinute2019(t, "f1http")[:60]); got != want {
		t.Errorf("top 1 planned %d, want f1http's %d", got, want)
	}
}

// TestTraceProblems: bad trace input is reported with the scenario position, the
// trace file and its line.
func TestTraceProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	header := "HashOwner,HashApp,HashFunction,Trigger,1,2,3\n"
	bad := write("bad.csv", header+"o,a,f1,http,1,2,3\no,a,f2,http,1,x,3\n")
	short := write("short.csv", header+"o,a,f1,http,1,2\n")
	wrongHeader := write("hdr.csv", "app,func,end_timestamp,duration\n")
	bad21 := write("bad21.csv", "app,func,end_timestamp,duration\na,f,1.5,0.1\na,f,abc,0.1\n")
	for _, tc := range []struct{ trace, want string }{
		{`{format: azure-2019, invocations: ` + bad + `}`, "bad.csv:3: column 6 (minute 2): want a count from 0 to 20000000, got \"x\""},
		{`{format: azure-2019, invocations: ` + short + `}`, "short.csv:2: 6 columns, want 7"},
		{`{format: azure-2019, invocations: ` + wrongHeader + `}`, "hdr.csv:1: header must start with HashOwner"},
		{`{format: azure-2021, invocations: ` + bad21 + `}`, "bad21.csv:3: want end_timestamp and duration"},
		{`{format: azure-2019, invocations: ` + bad + `, functions: [nope], day_minutes: [0, 1]}`, "function(s) not in the file: nope"},
		{`{format: azure-2019, invocations: ` + bad + `, day_minutes: [0, 9]}`, "day_minutes [0, 9] outside the file's 3 minutes"},
		{`{format: azure-2019, invocations: ` + dir + `/missing.csv}`, "missing.csv: cannot open"},
		{`{format: azure-2020, invocations: x.csv}`, "phases[0].trace.format: must be azure-2019 or azure-2021"},
		{`{format: azure-2019, invocations: x.csv, top: 2, functions: [a]}`, "phases[0].trace: needs functions or top, not both"},
		{`{format: azure-2019, invocations: x.csv, day_minutes: [5, 1]}`, "phases[0].trace.day_minutes: must be [from, to]"},
		{`{format: azure-2019, invocations: x.csv, spread: poisson}`, "phases[0].trace.spread: must be exponential, uniform or equidistant"},
		{`{format: azure-2019, invocations: x.csv, sped: 1}`, "phases[0].trace.sped: unknown field"},
	} {
		_, err := loadTrace(t, tc.trace)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "s.yaml:6:") {
			t.Errorf("%s:\n got %v\nwant s.yaml:6:…%s", tc.trace, err, tc.want)
		}
	}
}

// TestSpreadMinute: every spread places exactly count arrivals, sorted, inside the
// minute, and repeats itself for one seed and minute.
func TestSpreadMinute(t *testing.T) {
	for _, tc := range []struct {
		spread string
		count  int
	}{{"exponential", 0}, {"exponential", 1}, {"exponential", 500}, {"uniform", 1}, {"uniform", 300}, {"equidistant", 4}} {
		got := scenarios.SpreadMinute(tc.spread, tc.count, 3, 17)
		again := scenarios.SpreadMinute(tc.spread, tc.count, 3, 17)
		other := scenarios.SpreadMinute(tc.spread, tc.count, 3, 18)
		if len(got) != tc.count {
			t.Fatalf("%s %d: %d positions", tc.spread, tc.count, len(got))
		}
		for k, x := range got {
			if x < 0 || x >= 1 || (k > 0 && x < got[k-1]) || x != again[k] {
				t.Errorf("%s %d: position %d = %v (again %v)", tc.spread, tc.count, k, x, again[k])
			}
		}
		if tc.count > 1 && tc.spread != "equidistant" && got[0] == other[0] {
			t.Errorf("%s: minutes 17 and 18 got the same draws", tc.spread)
		}
	}
	if got := scenarios.SpreadMinute("equidistant", 4, 0, 0); got[0] != 0.125 || got[3] != 0.875 {
		t.Errorf("equidistant 4: %v, want 1/8, 3/8, 5/8, 7/8", got)
	}
}

// TestTraceTopBadRows: a malformed row found while counting the top functions is a
// problem naming its line, in both formats.
func TestTraceTopBadRows(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, format, want string }{
		"a.csv": {"HashOwner,HashApp,HashFunction,Trigger,1\no,a,f,http,1\nx\n", "azure-2019", "a.csv:3: 1 columns, want 5"},
		"b.csv": {"app,func,end_timestamp,duration\na,f,2,1\nx\n", "azure-2021", "b.csv:3: 1 columns, want 4"},
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := loadTrace(t, `{format: `+tc.format+`, invocations: `+filepath.Join(dir, name)+`, top: 1}`)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}
