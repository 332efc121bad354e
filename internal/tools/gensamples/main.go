// Command gensamples writes a large synthetic run directory (package synth) for
// benchmarks of the whole-run pass and the report, without sending a request:
//
//	gensamples -n 1000000 -out /tmp/big && thaw report /tmp/big
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/thaw-dev/thaw/internal/synth"
)

func main() {
	n := flag.Int("n", 1_000_000, "invocations")
	rps := flag.Float64("rps", 1000, "arrival rate of the synthetic phase")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "", "run directory to write (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gensamples: -out DIR is required")
		os.Exit(2)
	}
	s, err := synth.Write(*out, synth.Options{N: *n, RPS: *rps, Seed: *seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gensamples:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d samples (%d cold, %d unknown, %d errors)\n", *out, s.Totals.Count, s.Totals.Cold, s.Totals.Unknown, s.Totals.Errors)
}
