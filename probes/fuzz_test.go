package probes_test

import (
	"testing"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// FuzzClassify feeds arbitrary marker headers and bodies (the evidence decoders) to the
// default chain: no panic, and a verdict is consistent with its confidence.
func FuzzClassify(f *testing.F) {
	f.Add("true", "i-1", `{"instance":"a","cold":true,"since_init_ms":3}`, "cmVwb3J0")
	f.Add("maybe", "", `{"cold":"x","count":"1"`, "not base64!")
	f.Add("", "", `{"meta":{"instance":1e309},"count":-1}`, "")
	f.Fuzz(func(t *testing.T, cold, inst, body, logB64 string) {
		c, err := probes.NewChain(nil)
		if err != nil {
			t.Fatal(err)
		}
		s := results.Sample{Status: 200, LatencyMS: 5, TTFBMS: 4, Evidence: &results.Evidence{
			Headers: map[string]string{"X-Thaw-Cold": cold, "X-Thaw-Instance": inst, "X-Amz-Log-Result": logB64},
			Body:    body,
		}}
		c.Classify(&s)
		switch s.Class {
		case results.Cold, results.Warm:
			if s.Confidence <= 0 || s.Confidence > 1 || s.DecidedBy == "" || s.Kind == "" {
				t.Fatalf("inconsistent verdict %+v", s)
			}
		case results.Unknown:
			if s.DecidedBy != "" {
				t.Fatalf("unknown but decided by %q", s.DecidedBy)
			}
		default:
			t.Fatalf("class %q", s.Class)
		}
		if s.InitMS < 0 || s.InitMS != s.InitMS {
			t.Fatalf("init %v", s.InitMS)
		}
	})
}
