package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	k6 "github.com/thaw-dev/thaw/ingest/k6"
	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
)

func newIngestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Turn another load tool's output into a thaw run directory",
	}
	cmd.AddCommand(newIngestK6Cmd())
	return cmd
}

// ingestK6Options are the flags of `thaw ingest k6`.
type ingestK6Options struct {
	out, format, name, probeList string
	strict, noReport             bool
	pricing                      results.Pricing
	thresholds                   []string
	a                            analysisOptions
}

func newIngestK6Cmd() *cobra.Command {
	var o ingestK6Options
	cmd := &cobra.Command{
		Use:   "k6 FILE",
		Short: "Turn k6 --out json or --out csv output (also .gz) into a thaw run",
		Long: `Ingest reads the points that k6 wrote with --out json=FILE or --out csv=FILE
(plain or gzipped), streaming, and writes a thaw run directory: one sample per HTTP
request built from its http_req_* points, the scenario as phase, status and error
kind, and the cold/warm verdict of extensions/k6/thaw.js (or a faas_class tag) with
decided_by "k6". Requests without a verdict are judged by thaw's probes (--probes;
k6 keeps no response headers, so mostly the latency probe decides). Then summary.json,
report, cost (--pricing-model) and thresholds (--threshold) are computed as for
thaw run, and thaw report, gate, compare and advise work on the directory.

A malformed line is reported with its line number and skipped; with --strict it
stops the ingest (exit 2). Points of non-HTTP metrics are ignored.`,
		Example: `  k6 run --out json=k6.json.gz script.js
  thaw ingest k6 k6.json.gz --out results/k6-checkout
  thaw ingest k6 k6.csv --pricing-model aws-lambda --memory-mb 512 --threshold 'cold_rate < 5%'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIngestK6(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "", "run directory (default results/<name>-<UTC time>)")
	f.StringVar(&o.format, "format", "", "json or csv (default: detected from the content)")
	f.StringVar(&o.name, "name", "", "scenario name in the summary (default: the file name)")
	f.StringVar(&o.probeList, "probes", "", "comma-separated probes for requests without a verdict (default marker,instance,platform,latency)")
	f.BoolVar(&o.strict, "strict", false, "stop at the first malformed line instead of skipping it")
	f.BoolVar(&o.noReport, "no-report", false, "write samples and summary only (no plots, HTML or Markdown)")
	f.StringVar(&o.pricing.Model, "pricing-model", "", "price the run with this model (e.g. aws-lambda)")
	f.StringVar(&o.pricing.Arch, "arch", "", "architecture for pricing (x86_64 or arm64)")
	f.IntVar(&o.pricing.MemoryMB, "memory-mb", 0, "configured memory for pricing")
	f.StringArrayVar(&o.thresholds, "threshold", nil, `threshold to judge, e.g. "cold.p(95) < 2s" (repeatable)`)
	o.a.addFlags(cmd)
	return cmd
}

func runIngestK6(cmd *cobra.Command, file string, o ingestK6Options) error {
	specs, err := ingestProbes(o.probeList)
	if err != nil {
		return usageErr(err)
	}
	if _, err := threshold.ParseAll(o.thresholds); err != nil {
		return usageErr(fmt.Errorf("--threshold: %w", err))
	}
	if o.name == "" {
		o.name = ingestName(file)
	}
	dir := o.out
	if dir == "" {
		dir = filepath.Join("results", fmt.Sprintf("%s-%s", o.name, time.Now().UTC().Format("20060102T150405Z")))
	}
	if fileExists(filepath.Join(dir, results.SamplesFile)) {
		return usageErr(fmt.Errorf("%s already holds a run; choose another --out", dir))
	}
	sum, st, err := ingestK6(file, dir, o, cmd.ErrOrStderr())
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "ingested %d requests from %s (%s): %d judged by k6, %d by thaw's probes, %d lines skipped\n",
		st.Requests, file, st.Format, st.Judged, st.Requests-st.Judged, st.Skipped)
	sum, pass, err := analyzeIngested(dir, sum, finish{judge: st.Judged < st.Requests, probes: specs, render: !o.noReport}, o.a)
	if err != nil {
		return err // exit code set by finishRun
	}
	if err := printRunSummary(cmd.OutOrStdout(), dir, sum); err != nil || pass {
		return err
	}
	return silentExit(exitFail) // a --threshold failed
}

// analyzeIngested runs the whole-run pass on an ingested run directory, as thaw
// report --reclassify does: with f.judge, requests k6 gave no verdict are judged by
// f.probes with all of the run's data (verdicts decided_by "k6" are kept), then
// keep-alive, cost, thresholds, summary.json and, with f.render, the report files.
func analyzeIngested(dir string, meta *results.Summary, f finish, a analysisOptions) (*results.Summary, bool, error) {
	return finishRun(dir, meta, a, f)
}

// ingestK6 streams file into dir's samples and returns the run's summary (figures
// from the samples as read; the whole-run pass completes it).
func ingestK6(file, dir string, o ingestK6Options, warnOut io.Writer) (*results.Summary, k6.Stats, error) {
	meta := results.Summary{Scenario: o.name, ThresholdExprs: o.thresholds}
	if o.pricing.Model != "" {
		p := o.pricing
		meta.Pricing = &p
	}
	workloads := map[string]string{}
	var st k6.Stats
	opts := k6.Options{Format: o.format, Strict: o.strict, Warn: lineWarner(warnOut)}
	sum, err := results.WriteRun(dir, meta, func(yield func(*results.Sample) error) error {
		var err error
		st, err = k6.ReadFile(file, opts, func(r *k6.Request) error {
			s := &r.Sample
			if _, ok := workloads[s.Phase]; !ok {
				workloads[s.Phase] = r.Workload
			}
			if meta.Target == "" {
				meta.Target = r.URL
			}
			meta.Started = earliest(meta.Started, s.Start)
			if end := s.End(); end.After(meta.Ended) {
				meta.Ended = end
			}
			return yield(s)
		})
		return err
	})
	if err != nil {
		return nil, st, err
	}
	if st.Requests == 0 {
		return nil, st, fmt.Errorf("%s: no HTTP requests (no http_req_* points) found", file)
	}
	sum.Target, sum.Started, sum.Ended = meta.Target, meta.Started, meta.Ended
	for i := range sum.Phases {
		sum.Phases[i].Workload = workloads[sum.Phases[i].Name]
	}
	return sum, st, nil
}

// maxWarnings is how many skipped lines are printed one by one.
const maxWarnings = 20

// lineWarner prints the first maxWarnings malformed lines, then counts silently.
func lineWarner(w io.Writer) func(*k6.LineError) {
	n := 0
	return func(e *k6.LineError) {
		n++
		switch {
		case n <= maxWarnings:
			fmt.Fprintf(w, "thaw: skipped %v\n", e)
		case n == maxWarnings+1:
			fmt.Fprintln(w, "thaw: more malformed lines skipped (see the count below)")
		}
	}
}

// ingestProbes parses --probes; empty means thaw's default chain.
func ingestProbes(list string) ([]probes.Spec, error) {
	if list == "" {
		return probes.DefaultSpecs(), nil
	}
	specs, err := reportProbes("", list) // a non-empty list needs no run directory
	if err != nil {
		return nil, err
	}
	if _, err := probes.NewChain(specs); err != nil {
		return nil, fmt.Errorf("--probes: %w", err)
	}
	return specs, nil
}

// ingestName is the file's base name without .gz, .json, .csv or .ndjson.
func ingestName(file string) string {
	name := filepath.Base(file)
	for _, ext := range []string{".gz", ".json", ".ndjson", ".csv"} {
		name = strings.TrimSuffix(name, ext)
	}
	if name == "" || name == "." {
		return "k6"
	}
	return name
}
