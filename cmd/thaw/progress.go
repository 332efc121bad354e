package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/thaw-dev/thaw/scenarios"
)

// progressEvery is how often the live progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// isTerminal reports whether w is a terminal (so a live line can be redrawn on it).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// showProgress redraws one status line on w until done is closed, then clears it.
func showProgress(w io.Writer, r *scenarios.Runner, done <-chan struct{}) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-done:
			fmt.Fprint(w, "\r\033[K")
			return
		case <-t.C:
			fmt.Fprint(w, "\r\033[K"+progressLine(r.Progress()))
		}
	}
}

// progressLine renders a progress snapshot as one short line.
func progressLine(p scenarios.Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%d/%d] %s  %s", p.PhaseIndex+1, p.Phases, p.Phase, p.PhaseElapsed.Round(100*time.Millisecond))
	if p.PhaseRemaining > 0 {
		fmt.Fprintf(&b, " (%s left)", p.PhaseRemaining.Round(time.Second))
	}
	fmt.Fprintf(&b, "  sent %d  in flight %d  %.1f/s  errors %d  cold %d (provisional)", p.Sent, p.InFlight, p.RateRPS, p.Errors, p.Cold)
	if p.Late > 0 || p.Dropped > 0 {
		fmt.Fprintf(&b, "  late %d  dropped %d", p.Late, p.Dropped)
	}
	return b.String()
}
