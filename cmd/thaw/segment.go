package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// segmentOptions are the flags of `thaw run` that make it one segment of a run
// spread over several machines.
type segmentOptions struct {
	segment string // i/n
	startAt string // RFC 3339
	runID   string
}

func (s *segmentOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.segment, "segment", "", "run only part i of n of every phase (i/n, e.g. 2/3); merge the parts with thaw merge")
	f.StringVar(&s.startAt, "start-at", "", "wait until this time (RFC 3339, e.g. 2026-12-01T22:00:00Z) before the first phase")
	f.StringVar(&s.runID, "run-id", "", "run id shared by all segments (default: derived from the scenario file and --start-at)")
}

// segmentRun is what the segment flags settle: Runner options and what the summary
// records.
type segmentRun struct {
	opts    []scenarios.Option
	segment *results.Segment
	runID   string
}

// settle checks the flags against this machine's clock now and the scenario source.
func (s segmentOptions) settle(now time.Time, source []byte) (segmentRun, error) {
	var out segmentRun
	if s.startAt != "" {
		at, err := time.Parse(time.RFC3339, s.startAt)
		if err != nil {
			return out, fmt.Errorf("--start-at %q: want an RFC 3339 time like 2026-12-01T22:00:00Z", s.startAt)
		}
		if err := scenarios.CheckStartAt(now, at); err != nil {
			return out, fmt.Errorf("--start-at: %w", err)
		}
		out.opts = append(out.opts, scenarios.WithStartAt(at))
	}
	if s.segment == "" {
		if s.runID != "" {
			out.runID = s.runID
			out.opts = append(out.opts, scenarios.WithRunID(s.runID))
		}
		return out, nil
	}
	seg, err := results.ParseSegment(s.segment)
	if err != nil {
		return out, fmt.Errorf("--segment: %w", err)
	}
	if s.startAt == "" && s.runID == "" {
		// Without either, two runs of one scenario would share a run id, and thaw merge
		// could not tell their segments apart.
		return out, fmt.Errorf("--segment needs --start-at (so the segments start together) or --run-id")
	}
	out.segment = &seg
	out.runID = s.runID
	if out.runID == "" { // every segment computes the same id from what they share
		sum := sha256.Sum256(append(append([]byte{}, source...), s.startAt...))
		out.runID = hex.EncodeToString(sum[:4])
	}
	out.opts = append(out.opts, scenarios.WithSegment(seg), scenarios.WithRunID(out.runID))
	return out, nil
}
