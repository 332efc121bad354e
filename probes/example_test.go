package probes_test

import (
	"fmt"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// A function that reports itself through the extensions/functions snippet headers.
func Example() {
	chain, err := probes.NewChain(nil) // marker, instance, platform, latency
	if err != nil {
		fmt.Println(err)
		return
	}
	answers := []struct {
		cold, sinceInitMS string
		latencyMS         float64
	}{
		{"true", "1", 120},   // a real cold start: the instance began with this request
		{"false", "5000", 3}, // warm
		{"false", "30", 100}, // warm, but the instance was born while this request waited
		{"true", "60000", 4}, // first use of an instance initialised long before
	}
	for i, a := range answers {
		s := results.Sample{Seq: int64(i), Status: 200, LatencyMS: a.latencyMS, TTFBMS: a.latencyMS,
			Evidence: &results.Evidence{Headers: map[string]string{"X-Function-Instance": "7f3a",
				"X-Function-Cold": a.cold, "X-Function-Since-Init-Ms": a.sinceInitMS}}}
		chain.Classify(&s)
		fmt.Println(s.Class, s.Kind, s.DecidedBy, s.Instance)
	}
	// Output:
	// cold cold marker 7f3a
	// warm warm marker 7f3a
	// warm warm-queued marker 7f3a
	// cold cold-prewarmed marker 7f3a
}
