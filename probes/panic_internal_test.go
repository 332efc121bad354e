package probes

import (
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/results"
)

// panicky is a probe that fails on every sample.
type panicky struct{}

func (panicky) judge(*results.Sample) verdict { panic("boom") }

// TestProbePanicRecovered: a probe that panics leaves the sample to the next probe,
// says so in its reason and is counted; the chain goes on.
func TestProbePanicRecovered(t *testing.T) {
	c, err := NewChain([]Spec{{Name: "marker"}})
	if err != nil {
		t.Fatal(err)
	}
	c.probes = append([]namedProbe{newNamedProbe("panicky", panicky{})}, c.probes...)
	before := Panics()
	s := &results.Sample{Status: 200, TTFBMS: 1, Evidence: &results.Evidence{Headers: map[string]string{"X-Thaw-Cold": "true"}}}
	c.Classify(s)
	if s.Class != results.Cold || s.DecidedBy != "marker" {
		t.Errorf("class %s by %q: the next probe must still decide", s.Class, s.DecidedBy)
	}
	if r := s.Evidence.Reasons["panicky"]; !strings.Contains(r, "panic: boom") {
		t.Errorf("reason %q does not report the panic", r)
	}
	if Panics()-before != 1 {
		t.Errorf("panics counted %d, want 1", Panics()-before)
	}
}
