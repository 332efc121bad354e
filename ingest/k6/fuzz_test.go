package k6_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	k6 "github.com/thaw-dev/thaw/ingest/k6"
)

// FuzzRead: any input, JSON or CSV, is read without panicking; a failure is either a
// LineError naming a line or a format problem, and every sample has a phase, a
// request id and non-negative timings.
func FuzzRead(f *testing.F) {
	for _, p := range []string{"testdata/run.json", "testdata/run.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	// an unterminated quote: csv.Reader.FieldPos panicked after the failed Read
	f.Add([]byte("metric_name,timestamp,metric_value,,,,,,,,,,,,,,,,metadata\n\"000"))
	f.Add([]byte(`{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-30T10:00:00Z","value":1,"tags":{"a\"b":"c"}}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, strict := range []bool{false, true} {
			_, err := k6.Read(bytes.NewReader(in), "fuzz", k6.Options{Strict: strict, Window: 8}, func(r *k6.Request) error {
				s := r.Sample
				if s.Phase == "" || s.RequestID == "" || s.Seq < 1 {
					t.Fatalf("sample without phase, id or seq: %+v", s)
				}
				return nil
			})
			var le *k6.LineError
			if err != nil && !errors.As(err, &le) && !bytes.Contains([]byte(err.Error()), []byte("fuzz:")) {
				t.Fatalf("error without file name: %v", err)
			}
		}
	})
}
