package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report"
	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

func newProbeCmd() *cobra.Command {
	var (
		count   int
		idle    time.Duration
		method  string
		timeout time.Duration
		fresh   bool
	)
	cmd := &cobra.Command{
		Use:   "probe URL",
		Short: "Quick check: invoke a URL a few times and print one line on cold and warm",
		Long: `Probe sends --count invocations to URL, --idle apart, classifies each with
the default probes and prints one line. Nothing is written to disk.`,
		Example: `  thaw probe http://127.0.0.1:8080/ --count 5 --idle 2s`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if count < 1 || idle <= 0 {
				return usageErr(fmt.Errorf("probe: --count must be ≥ 1 and --idle > 0"))
			}
			sc := probeScenario(args[0], method, count, idle, timeout, fresh)
			return probeOnce(cmd, sc)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&count, "count", "n", 5, "number of invocations")
	f.DurationVar(&idle, "idle", 500*time.Millisecond, "idle time before each invocation")
	f.StringVarP(&method, "method", "X", "GET", "HTTP method")
	f.DurationVar(&timeout, "timeout", 30*time.Second, "timeout per invocation")
	f.BoolVar(&fresh, "fresh", false, "open a new connection for every invocation")
	return cmd
}

// probeScenario builds the in-memory scenario `thaw probe` runs.
func probeScenario(url, method string, count int, idle, timeout time.Duration, fresh bool) *scenarios.Scenario {
	conn := "reuse"
	if fresh {
		conn = "fresh"
	}
	sc := &scenarios.Scenario{
		Version: 1,
		Name:    "probe",
		Target:  scenarios.Target{URL: url, Method: method, Timeout: scenarios.Duration(timeout), Connection: conn},
		Phases:  []scenarios.Phase{{Name: "probe", Idle: &scenarios.Idle{Intervals: []scenarios.Duration{scenarios.Duration(idle)}, Samples: count}}},
	}
	sc.ApplyDefaults()
	return sc
}

// memorySink keeps every sample in memory (thaw probe writes nothing to disk).
type memorySink struct{ samples []results.Sample }

func (m *memorySink) Record(s *results.Sample) error {
	m.samples = append(m.samples, *s)
	return nil
}

func probeOnce(cmd *cobra.Command, sc *scenarios.Scenario) error {
	inv, err := newInvoker(cmd.Context(), sc.Target, sc.Secrets())
	if err != nil {
		return usageErr(err)
	}
	defer inv.Close()
	chain, err := probes.NewChain(probeSpecs(sc.Probes))
	if err != nil {
		return usageErr(err)
	}
	sink := &memorySink{}
	if _, err := scenarios.NewRunner(sc, inv, chain, sink).Run(cmd.Context()); err != nil {
		return abortErr(err)
	}
	line := probeLine(probes.RedactURL(sc.Target.URL), sink.samples)
	if _, err := fmt.Fprintln(cmd.OutOrStdout(), line); err != nil {
		return err
	}
	for _, s := range sink.samples {
		if s.Status != 0 {
			return nil
		}
	}
	return abortErr(fmt.Errorf("target unreachable"))
}

// probeLine summarises a probe's samples in one line.
func probeLine(url string, samples []results.Sample) string {
	var cold, warm, errs []results.Sample
	deciders := map[string]bool{}
	for _, s := range samples {
		switch {
		case !s.OK():
			errs = append(errs, s)
		case s.Class == results.Cold:
			cold = append(cold, s)
		case s.Class == results.Warm:
			warm = append(warm, s)
		}
		if s.DecidedBy != "" {
			deciders[s.DecidedBy] = true
		}
	}
	parts := []string{fmt.Sprintf("%s: %d calls", url, len(samples))}
	if len(cold) > 0 {
		parts = append(parts, fmt.Sprintf("%d cold (p50 %s, server %s)", len(cold), fmtMS(median(cold, latencyOf)), fmtMS(median(cold, serverOf))))
	}
	if len(warm) > 0 {
		parts = append(parts, fmt.Sprintf("%d warm (p50 %s, server %s)", len(warm), fmtMS(median(warm, latencyOf)), fmtMS(median(warm, serverOf))))
	}
	if n := len(samples) - len(cold) - len(warm) - len(errs); n > 0 {
		parts = append(parts, fmt.Sprintf("%d unknown", n))
	}
	if len(errs) > 0 {
		kinds := map[string]int64{}
		for _, s := range errs {
			kinds[s.Error]++
		}
		parts = append(parts, fmt.Sprintf("%d errors (%s)", len(errs), report.CountList(kinds)))
	}
	if len(deciders) > 0 {
		parts = append(parts, "decided by "+strings.Join(sortedKeys(deciders), ", "))
	}
	return strings.Join(parts, "; ")
}

func latencyOf(s results.Sample) float64 { return s.LatencyMS }
func serverOf(s results.Sample) float64  { return s.ServerMS() }

// median of f over samples (the lower middle for even counts).
func median(samples []results.Sample, f func(results.Sample) float64) float64 {
	v := make([]float64, len(samples))
	for i, s := range samples {
		v[i] = f(s)
	}
	sort.Float64s(v)
	return v[(len(v)-1)/2]
}

func fmtMS(ms float64) string {
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.2f ms", ms)
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
