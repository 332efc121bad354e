package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/report/advise"
	"github.com/thaw-dev/thaw/results"
)

// adviseOptions are the flags of `thaw advise`.
type adviseOptions struct {
	rps         float64
	profile     string
	trace       string
	maxWarm     int
	keepAlive   time.Duration
	pricingFile string
	noFiles     bool
}

func newAdviseCmd() *cobra.Command {
	var o adviseOptions
	cmd := &cobra.Command{
		Use:   "advise DIR",
		Short: "Warm capacity against cold share and cost, from a run's measurements",
		Long: `advise reads a run directory's summary.json (keep-alive estimate, cold and warm
latency, pricing) and, for the traffic you describe (--rps, Poisson; or --profile, 24
hourly rates; or --trace RUN, the arrival times of another run directory replayed
through a simulated pool), prints for 0..--max-warm warm instances (Lambda provisioned concurrency,
Cloud Run minimum instances, Azure Flex always-ready) the expected share of requests that
hit a cold start and the monthly cost, with what each added instance costs and how many
cold starts it removes. It writes DIR/advise.json and DIR/plots/advise.svg.

Rates are in scenario time: a run made with --time-scale is scaled back first.`,
		Example: `  thaw advise results/checkout-20261201T101500Z --rps 0.05
  thaw advise DIR --profile 0.1,0.1,0.1,0.1,0.1,0.2,0.5,1,2,2,2,2,2,2,2,2,2,1,1,0.5,0.5,0.2,0.1,0.1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := adviseRun(args[0], o)
			if err != nil {
				return err
			}
			if err := a.WriteText(cmd.OutOrStdout()); err != nil {
				return abortErr(err)
			}
			if o.noFiles {
				return nil
			}
			return writeAdvice(args[0], a)
		},
	}
	f := cmd.Flags()
	f.Float64Var(&o.rps, "rps", 0, "mean requests per second (Poisson arrivals)")
	f.StringVar(&o.profile, "profile", "", "daily profile: 24 comma-separated requests-per-second rates, one per hour")
	f.StringVar(&o.trace, "trace", "", "replay the arrivals (scheduled send times) of this run directory")
	f.IntVar(&o.maxWarm, "max-warm", 5, "largest number of warm instances to consider")
	f.DurationVar(&o.keepAlive, "keep-alive", 0, "keep-alive to assume instead of the run's estimate")
	f.StringVar(&o.pricingFile, "pricing", "", "pricing catalog YAML overriding the built-in one")
	f.BoolVar(&o.noFiles, "no-files", false, "print only; do not write advise.json and plots/advise.svg")
	return cmd
}

// adviseRun reads the run directory and computes the advice.
func adviseRun(dir string, o adviseOptions) (*advise.Advice, error) {
	sum, err := results.ReadSummary(dir)
	if err != nil {
		return nil, usageErr(err)
	}
	if sum.Pricing == nil || sum.Pricing.Model == "" {
		return nil, usageErr(fmt.Errorf("%s: the run has no pricing block: add `pricing: {model: …}` to the scenario", dir))
	}
	tr := advise.Traffic{RPS: o.rps}
	if o.profile != "" {
		if tr.Profile, err = parseProfile(o.profile); err != nil {
			return nil, usageErr(err)
		}
	}
	if o.trace != "" {
		if tr.Trace, err = traceArrivals(o.trace); err != nil {
			return nil, usageErr(err)
		}
	}
	cat, err := loadCatalog(o.pricingFile)
	if err != nil {
		return nil, usageErr(err)
	}
	e, err := cat.Lookup(sum.Pricing.Model)
	if err != nil {
		return nil, usageErr(err)
	}
	a, err := advise.Advise(e, adviseInputs(sum, o.keepAlive), tr, o.maxWarm)
	if err != nil {
		return nil, usageErr(err)
	}
	return a, nil
}

// adviseInputs takes the run's measurements, in scenario time.
func adviseInputs(sum *results.Summary, keepAlive time.Duration) advise.Inputs {
	scale := 1.0
	if sum.TimeScale > 0 {
		scale = sum.TimeScale
	}
	in := advise.Inputs{
		WarmLatencyMS: sum.Totals.WarmLatency.Mean * scale,
		ColdLatencyMS: sum.Totals.ColdLatency.Mean * scale,
		Pricing:       *sum.Pricing,
	}
	if in.WarmLatencyMS == 0 {
		in.WarmLatencyMS = sum.Totals.Latency.Mean * scale
	}
	if sum.KeepAlive != nil {
		in.KeepAliveMS = sum.KeepAlive.EstimateMS * scale
	}
	// The cold latency's 5th, 15th, …, 95th percentiles: its tail matters, not only
	// its mean.
	if enc := sum.Totals.Histograms[results.HistCold]; enc != "" {
		if h, err := results.DecodeHistogram(enc); err == nil && h.Count() > 0 {
			for q := 0.05; q < 1; q += 0.1 {
				in.ColdQuantilesMS = append(in.ColdQuantilesMS, h.QuantileMS(q)*scale)
			}
		}
	}
	if keepAlive > 0 {
		in.KeepAliveMS = float64(keepAlive) / float64(time.Millisecond)
	}
	return in
}

// traceArrivals reads a run directory's scheduled send times as seconds from the first,
// in scenario time (scaled back by the run's --time-scale), sorted.
func traceArrivals(dir string) ([]float64, error) {
	sum, err := results.ReadSummary(dir)
	if err != nil {
		return nil, fmt.Errorf("--trace: %w", err)
	}
	scale := 1.0
	if sum.TimeScale > 0 {
		scale = sum.TimeScale
	}
	var at []float64
	err = results.ReadSamples(dir, func(s *results.Sample) error {
		at = append(at, float64(s.Scheduled.UnixNano())/1e9)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--trace: %w", err)
	}
	sort.Float64s(at)
	for i := len(at) - 1; i >= 0; i-- {
		at[i] = (at[i] - at[0]) * scale
	}
	return at, nil
}

func parseProfile(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	out := make([]float64, 0, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("--profile: hour %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// writeAdvice writes DIR/advise.json and DIR/plots/advise.svg.
func writeAdvice(dir string, a *advise.Advice) error {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return abortErr(err)
	}
	svg, err := a.SVG()
	if err != nil {
		return abortErr(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		return abortErr(err)
	}
	if err := errors.Join(
		results.WriteFileAtomic(filepath.Join(dir, "advise.json"), append(b, '\n')),
		results.WriteFileAtomic(filepath.Join(dir, "plots", "advise.svg"), svg)); err != nil {
		return abortErr(err)
	}
	return nil
}
