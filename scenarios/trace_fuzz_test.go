package scenarios_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/scenarios"
)

// FuzzTraceFile feeds arbitrary trace files to both formats: loading never panics,
// every problem is a FieldError at the trace field, and a loaded schedule's arrivals
// are in order and as many as it plans.
func FuzzTraceFile(f *testing.F) {
	for _, seed := range []string{
		"HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,3,0\no,a,g,timer,1,1\n",
		"HashOwner,HashApp,HashFunction,Trigger,1\no,a,f,http,-1\n",
		"app,func,end_timestamp,duration\na,f,1.5,0.25\na,g,70,3\n",
		"app,func,end_timestamp,duration\na,f,1e308,1e308\n",
		"", "\n\n", ",,,,", "app,func\r\n",
	} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, v2019 bool) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "t.csv"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		format := "azure-2021"
		if v2019 {
			format = "azure-2019"
		}
		body := "version: 1\nname: f\ntarget: {url: \"http://127.0.0.1:1/\"}\nphases:\n  - {name: r, trace: {format: " + format + ", invocations: t.csv, spread: uniform}}\n"
		path := filepath.Join(dir, "s.yaml")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		sc, err := scenarios.Load(path)
		if err != nil {
			for _, e := range scenarios.Problems(err) {
				var fe *scenarios.FieldError
				if !errors.As(e, &fe) || fe.Path != "phases[0].trace.invocations" || fe.Pos.Line < 1 {
					t.Fatalf("problem not at the trace field: %v", e)
				}
			}
			return
		}
		tr := sc.Phases[0].Trace
		if tr.Planned() > 100_000 {
			return // valid, but too long to walk in a fuzz run
		}
		s := tr.Schedule(1)
		var n int64
		prev := time.Duration(-1)
		for ; n <= tr.Planned(); n++ {
			at, ok := s.Arrival(n)
			if !ok {
				break
			}
			if at < prev {
				t.Fatalf("arrival %d at %v before %v", n, at, prev)
			}
			prev = at
		}
		if n != tr.Planned() {
			t.Fatalf("%d arrivals, %d planned", n, tr.Planned())
		}
	})
}
