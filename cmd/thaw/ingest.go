package main

import (
	"fmt"
	"io"
	"os"
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
	strict                       bool
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
	for _, e := range o.thresholds {
		if _, err := threshold.Parse(e); err != nil {
			return usageErr(fmt.Errorf("--threshold %q: %w", e, err))
		}
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
	sum, pass, err := analyzeIngested(dir, sum, specs, st.Judged < st.Requests, o.a)
	if err != nil {
		return abortErr(err)
	}
	if err := printRunSummary(cmd.OutOrStdout(), dir, sum); err != nil || pass {
		return err
	}
	return silentExit(exitFail) // a --threshold failed
}

// analyzeIngested runs the post-run analysis on an ingested run directory, as thaw
// report --reclassify does: requests k6 gave no verdict are judged by specs with the
// whole run's data (verdicts with decided_by "k6" are kept), then keep-alive, cost,
// thresholds, summary.json and the report files. It is the one place to switch to the
// whole-run analysis pass, which keeps verdicts decided_by "k6" and judges the rest.
func analyzeIngested(dir string, sum *results.Summary, specs []probes.Spec, judge bool, a analysisOptions) (*results.Summary, bool, error) {
	if judge {
		var err error
		if sum, err = judgeUnverdicted(dir, sum, specs); err != nil {
			return nil, false, err
		}
	}
	pass, err := finishRun(dir, sum, a, true, "")
	return sum, pass, err
}

// judgeUnverdicted judges the samples of dir that have no k6 verdict with probes
// (probes.Reclassify, over all of them at once), rewrites the samples file and
// rebuilds the summary. It holds the run's samples in memory.
func judgeUnverdicted(dir string, sum *results.Summary, specs []probes.Spec) (*results.Summary, error) {
	samples, err := results.LoadSamples(dir)
	if err != nil {
		return nil, err
	}
	var rest []results.Sample
	var at []int
	for i := range samples {
		if samples[i].DecidedBy != k6.DecidedBy {
			rest, at = append(rest, samples[i]), append(at, i)
		}
	}
	if err := probes.Reclassify(rest, specs); err != nil {
		return nil, err
	}
	for j, i := range at {
		samples[i] = rest[j]
	}
	var infos phaseInfos
	for _, p := range sum.Phases {
		infos.add(p)
	}
	tmp := filepath.Join(dir, ".judged")
	defer os.RemoveAll(tmp)
	judged, err := rewriteRun(tmp, *sum, &infos, samples)
	if err == nil {
		err = os.Rename(filepath.Join(tmp, results.SamplesFile), filepath.Join(dir, results.SamplesFile))
	}
	return judged, err
}

// ingestK6 streams file into dir's samples and returns the summary built from them.
func ingestK6(file, dir string, o ingestK6Options, warnOut io.Writer) (*results.Summary, k6.Stats, error) {
	w, err := results.CreateWriter(dir, 0)
	if err != nil {
		return nil, k6.Stats{}, err
	}
	agg := results.NewAggregator()
	sum := &results.Summary{Scenario: o.name, ThresholdExprs: o.thresholds}
	if o.pricing.Model != "" {
		p := o.pricing
		sum.Pricing = &p
	}
	seen := map[string]bool{}
	warn := lineWarner(warnOut)
	st, err := k6.ReadFile(file, k6.Options{Format: o.format, Strict: o.strict, Warn: warn}, func(r *k6.Request) error {
		s := &r.Sample
		if !seen[s.Phase] {
			seen[s.Phase] = true
			agg.SetPhaseInfo(s.Phase, results.PhaseInfo{Workload: r.Workload})
		}
		if sum.Target == "" {
			sum.Target = r.URL
		}
		sum.Started = earliest(sum.Started, s.Start)
		if end := s.End(); end.After(sum.Ended) {
			sum.Ended = end
		}
		agg.Add(s)
		return w.Write(s)
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, st, err
	}
	if st.Requests == 0 {
		return nil, st, fmt.Errorf("%s: no HTTP requests (no http_req_* points) found", file)
	}
	sum.Phases, sum.Totals, err = agg.Summary()
	return sum, st, err
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
