package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/analysis"
	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report/threshold"
	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// runOptions are the flags of `thaw run` (and the settings `thaw probe` builds).
type runOptions struct {
	target     string
	out        string
	quiet      bool
	timeScale  float64
	thresholds []string
	junit      string
	noReport   bool
	analysis   analysisOptions
	segments   segmentOptions
	guard      guardOptions
	statsFile  string        // hidden: resource use of this process, one JSON line per statsEvery
	statsEvery time.Duration // hidden
}

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Run a scenario file and write samples, summary and report",
		Long: `Run drives the scenario's phases against its target, classifies every
invocation cold or warm, streams samples to DIR/samples.ndjson and writes
DIR/summary.json, DIR/summary.md, DIR/report.html and DIR/plots/.

Secret header and body values (and the ${VAR}s in them) are scrubbed from every
file and message. max_requests, max_rps and budget in the scenario refuse or stop a
run that would run away; a run above 100,000 requests or $1 estimated asks first on
a terminal and otherwise needs --yes.

Exit codes: 0 ok, 1 a threshold failed, 2 invalid input or a large run not
confirmed, 3 aborted (target unreachable, interrupted, or a guard; what was measured
is still written).`,
		Example: `  thaw run scenarios/examples/idle-sweep.yaml --target http://127.0.0.1:8080
  thaw emulate --time-scale 60 & thaw run demo.yaml --time-scale 60`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := loadScenario(args[0], o.target, o.analysis.pricingFile, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			o.guard.stdin = cmd.InOrStdin()
			return runScenario(cmd.Context(), sc, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.target, "target", "", "target URL (overrides the scenario's target.url; for a lambda target, its endpoint)")
	f.StringVar(&o.out, "out", "", "run directory (default results/<scenario>-<UTC time>)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no live progress line")
	f.Float64Var(&o.timeScale, "time-scale", 1, "divide every scenario duration by this factor (to match thaw emulate's --time-scale)")
	f.StringArrayVar(&o.thresholds, "threshold", nil, "extra threshold, e.g. 'cold.p(95) < 1s' (repeatable)")
	f.StringVar(&o.junit, "junit", "", "write threshold verdicts as JUnit XML to this file")
	f.BoolVar(&o.noReport, "no-report", false, "write samples and summary only (no plots, HTML or Markdown)")
	o.analysis.addFlags(cmd)
	o.segments.addFlags(cmd)
	f.StringVar(&o.statsFile, "stats-file", "", "append this process's goroutines, RSS and open fds as JSON lines (make soak)")
	f.DurationVar(&o.statsEvery, "stats-every", 10*time.Second, "interval of --stats-file")
	_ = f.MarkHidden("stats-file")
	_ = f.MarkHidden("stats-every")
	f.BoolVarP(&o.guard.yes, "yes", "y", false, fmt.Sprintf("run without asking even above %d requests or $%.0f estimated", confirmAboveRequests, confirmAboveUSD))
	return cmd
}

// loadScenario parses and validates a scenario file, printing every problem. A
// target URL given on the command line replaces the file's (so its ${VAR} need not
// be set); pricingFile is the --pricing catalog the pricing block is checked against.
func loadScenario(path, target, pricingFile string, stderr io.Writer) (*scenarios.Scenario, error) {
	sc, err := scenarios.LoadTarget(path, target)
	problems := scenarios.Problems(err)
	if sc != nil {
		problems = append(problems, thresholdProblems(sc)...)
		problems = append(problems, pricingProblems(sc, pricingFile)...)
		problems = append(problems, probeProblems(sc)...)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
		return nil, silentExit(exitUsage)
	}
	return sc, nil
}

// thresholdProblems parses the scenario's thresholds, so a typo is reported with its
// line and column before any load is sent.
func thresholdProblems(sc *scenarios.Scenario) []error {
	var out []error
	for i, expr := range sc.Thresholds {
		if _, err := threshold.Parse(expr); err != nil {
			path := fmt.Sprintf("thresholds[%d]", i)
			out = append(out, &scenarios.FieldError{File: sc.File, Pos: sc.Pos(path), Path: path, Msg: fmt.Sprintf("%q: %v", expr, err)})
		}
	}
	return out
}

// pricingProblems checks the scenario's pricing block against the catalog (model, arch,
// region, memory size), so a typo is reported with its line and column before any load
// is sent rather than after the run.
func pricingProblems(sc *scenarios.Scenario, pricingFile string) []error {
	if sc.Pricing == nil {
		return nil
	}
	cat, err := loadCatalog(pricingFile)
	if err != nil {
		return []error{fmt.Errorf("--pricing: %w", err)}
	}
	var out []error
	for _, p := range cat.Check(*sc.Pricing) {
		path := "pricing." + p.Field
		out = append(out, &scenarios.FieldError{File: sc.File, Pos: sc.Pos(path), Path: path, Msg: p.Msg})
	}
	return out
}

// probeProblems builds each listed probe alone, so a bad option (`{platform: {log:
// 3}}`) is reported with the entry's line and column before any load is sent. Unknown
// and repeated names are the validator's to report.
func probeProblems(sc *scenarios.Scenario) []error {
	var out []error
	for i, p := range sc.Probes {
		if !slices.Contains(probes.Names(), p.Name) {
			continue
		}
		if _, err := probes.NewChain(probeSpecs([]scenarios.ProbeSpec{p})); err != nil {
			path := fmt.Sprintf("probes[%d]", i)
			for _, e := range scenarios.Problems(err) {
				out = append(out, &scenarios.FieldError{File: sc.File, Pos: sc.Pos(path), Path: path, Msg: e.Error()})
			}
		}
	}
	return out
}

// runScenario runs sc and writes the run directory. It returns an exitError for
// failed thresholds (1), a large run not confirmed (2), and runs refused by a guard or
// aborted (3). The scenario's secrets are scrubbed from everything it writes and prints.
func runScenario(ctx context.Context, sc *scenarios.Scenario, o runOptions, stdout, stderr io.Writer) (err error) {
	red := redact.New(sc.Secrets()...)
	progress := !o.quiet && isTerminal(stderr)
	rawStderr := stderr // the progress line holds counts only, and needs the terminal
	stdout, stderr = red.Writer(stdout), red.Writer(stderr)
	defer func() { err = scrubError(red, err) }()
	cat, err := loadCatalog(o.analysis.pricingFile) // once: the guards, the recording and the pass
	if err != nil {
		return usageErr(err)
	}
	budget, err := preflight(sc, o, cat, stderr)
	if err != nil {
		return err
	}
	exprs := append(append([]string{}, sc.Thresholds...), o.thresholds...)
	ts, err := threshold.ParseAll(exprs)
	if err != nil {
		return usageErr(fmt.Errorf("--threshold: %w", err))
	}
	seg, err := o.segments.settle(time.Now(), sc.Source)
	if err != nil {
		return usageErr(err)
	}
	chain, err := probes.NewChain(probeSpecs(sc.Probes))
	if err != nil {
		return usageErr(fmt.Errorf("%s: probes: %w", sc.File, err))
	}
	chain.Provisional() // the whole-run pass gives the verdicts users read
	// Headers the probes' options name are kept as evidence without the user listing
	// them again in keep_headers.
	sc.Target.KeepHeaders = append(sc.Target.KeepHeaders, chain.EvidenceHeaders()...)
	inv, err := newInvoker(ctx, sc.Target, sc.Secrets())
	if err != nil {
		return usageErr(err)
	}
	defer inv.Close()
	dir := o.out
	if dir == "" {
		dir = filepath.Join("results", fmt.Sprintf("%s-%s", sc.Name, time.Now().UTC().Format("20060102T150405Z")))
	}
	// The whole-run pass, done as the samples are written where it can be: each gets
	// the verdict of the probes that need no view of the whole run, and feeds every
	// figure; the latency probe learns it (a few bytes each). At the end the pass
	// judges and rewrites the file only if the latency probe finds two groups.
	started := time.Now().Round(0) // wall clock, as the files hold times
	fin := finish{judge: true, probes: probeSpecs(sc.Probes), catalog: &cat, render: !o.noReport, junit: o.junit, notice: stderr}
	recording, err := analysis.NewRecording(plannedMeta(sc, started), fin.options(cat, o.analysis))
	if err != nil {
		return usageErr(fmt.Errorf("%s: %w", sc.File, err))
	}
	fin.recorded = recording
	rec, err := newRecorder(dir, threshold.NewWatcher(ts), recording)
	if err != nil {
		return abortErr(err)
	}
	if len(sc.Source) > 0 {
		if err := results.WriteFileAtomic(filepath.Join(dir, results.ScenarioFile), red.Bytes(sc.Source)); err != nil {
			return abortErr(err)
		}
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	sink := &guardedSink{next: rec, redact: red, budget: budget}
	ropts := append(seg.opts, scenarios.WithTimeScale(o.timeScale))
	if watcher := rec.watcher; !progress && !watcher.Active() {
		// Nobody reads provisional verdicts as they come: only an idle search needs
		// them; the recorder gives every sample the verdict it is written with.
		ropts = append(ropts, scenarios.WithSearchOnlyVerdicts())
	}
	runner := scenarios.NewRunner(sc, inv, chain, sink, ropts...)
	done := make(chan struct{})
	if progress {
		go showProgress(rawStderr, runner, done)
	}
	if o.statsFile != "" {
		if err := writeStats(o.statsFile, o.statsEvery, done); err != nil {
			return usageErr(err)
		}
	}
	stats, runErr := runner.Run(ctx)
	close(done)
	ended := time.Now().Round(0)
	if o.segments.startAt != "" { // the wait for the common start is not part of the run
		started = stats.Started.Round(0)
	}
	if err := rec.close(); err != nil && runErr == nil {
		runErr = err
	}

	sum := plannedMeta(sc, started)
	sum.Target, sum.Ended, sum.Phases = targetLabel(sc.Target), ended, recording.Figures().Phases()
	sum.ThresholdExprs = exprs
	sum.Interrupted = stats.Interrupted
	sum.RunID, sum.Segment = seg.runID, seg.segment
	if o.timeScale != 1 {
		sum.TimeScale = o.timeScale
	}
	if runErr != nil {
		sum.AbortReason = red.String(runErr.Error())
	} else if stats.Interrupted {
		sum.AbortReason = "interrupted"
	}
	// The whole-run pass: the latency probe decides with all of the run in view; the
	// samples are judged and rewritten only if it finds two groups (see above).
	meta := *sum
	sum, verdict, err := finishRun(dir, sum, o.analysis, fin)
	if ee := (*exitError)(nil); errors.As(err, &ee) && ee.code == exitUsage {
		return err
	} else if err != nil {
		return keepOnlineSummary(dir, &meta, recording.Figures(), runErr, err, red)
	}
	if err := printRunSummary(stdout, dir, sum); err != nil {
		return abortErr(err)
	}
	switch {
	case errors.Is(runErr, errThresholdAbort):
		return failErr(fmt.Errorf("run stopped early: %w (samples so far are in %s)", runErr, dir))
	case runErr != nil:
		return abortErr(fmt.Errorf("run aborted: %w (samples so far are in %s)", runErr, dir))
	case stats.Interrupted:
		return abortErr(fmt.Errorf("run interrupted: %d samples written to %s", sum.Totals.Count, dir))
	case !verdict:
		return silentExit(exitFail)
	}
	return nil
}

// plannedMeta is what is known of a run of sc before it starts: the summary's scenario,
// start, pricing and phases (names and workloads), for the whole-run pass done as the
// samples are written (analysis.Recording).
func plannedMeta(sc *scenarios.Scenario, started time.Time) *results.Summary {
	m := &results.Summary{Version: results.SummaryVersion, Scenario: sc.Name, Started: started, Pricing: tracePricing(sc)}
	for _, p := range sc.Phases {
		m.Phases = append(m.Phases, results.PhaseOf(p.Name, results.PhaseInfo{Workload: p.Workload()}))
	}
	return m
}

// keepOnlineSummary writes a summary when the whole-run pass failed (a full disk
// leaves no room to rewrite samples.ndjson), so the run directory stays readable: meta
// with the figures of the samples that did reach the file (read back, which needs no
// space), or, when even that fails, the figures the run kept as it went (kept, with
// the verdicts given as the samples were written). A last line cut short is said in
// abort_reason. It returns why, the run's own error first.
func keepOnlineSummary(dir string, meta *results.Summary, kept *results.Aggregator, runErr, passErr error, red *redact.Set) error {
	sum, tail, err := summaryFromDisk(dir, meta)
	if err != nil {
		if sum, err = results.SummarizeAggregate(*meta, kept); err != nil {
			sum = meta
		}
	}
	reasons := []string{"whole-run pass failed: " + passErr.Error()}
	if sum.AbortReason != "" {
		reasons = append([]string{sum.AbortReason}, reasons...)
	}
	if tail.Truncated {
		reasons = append(reasons, results.SamplesFile+": "+tail.String())
	}
	sum.AbortReason = red.String(strings.Join(reasons, "; "))
	if err := results.WriteSummary(dir, sum); err != nil {
		return abortErr(fmt.Errorf("%w; writing the summary failed too: %w", passErr, err))
	}
	if runErr != nil {
		return abortErr(fmt.Errorf("run aborted: %w (the summary of what was recorded is in %s; %w)", runErr, dir, passErr))
	}
	return abortErr(passErr)
}

// summaryFromDisk is meta with the figures of the samples in dir's samples file.
func summaryFromDisk(dir string, meta *results.Summary) (*results.Summary, results.Tail, error) {
	var tail results.Tail
	sum, err := results.SummarizeRun(*meta, func(yield func(*results.Sample) error) error {
		var err error
		tail, err = results.ReadSamplesTail(dir, yield)
		return err
	})
	return sum, tail, err
}

// invoker is what run needs of a target: send invocations, then let go of
// connections.
type invoker interface {
	scenarios.Invoker
	Close()
}

// newInvoker builds the invoker for the target's kind: HTTP (optionally SigV4-signed)
// or the AWS Lambda Invoke API.
// Secrets are scrubbed from the evidence an HTTP invoker captures.
func newInvoker(ctx context.Context, t scenarios.Target, secrets []string) (invoker, error) {
	switch t.Kind {
	case "", scenarios.DefaultKind:
		return newHTTPInvoker(ctx, t, secrets)
	case scenarios.LambdaKind:
		return probes.NewLambdaInvoker(ctx, probes.LambdaConfig{
			Function:        t.Function,
			Qualifier:       t.Qualifier,
			Region:          t.Region,
			Endpoint:        t.Endpoint,
			Payload:         []byte(t.Payload),
			LogTail:         t.LogTail,
			Timeout:         t.Timeout.D(),
			BodyPrefixBytes: t.BodyPrefixBytes,
		})
	}
	return nil, fmt.Errorf("target kind %q is not supported (want http or lambda)", t.Kind)
}

func newHTTPInvoker(ctx context.Context, t scenarios.Target, secrets []string) (invoker, error) {
	cfg := probes.HTTPConfig{
		URL:                t.URL,
		Method:             t.Method,
		Headers:            t.Headers,
		Body:               []byte(t.Body),
		Timeout:            t.Timeout.D(),
		Fresh:              t.Connection == "fresh",
		RequestIDHeader:    t.RequestIDHeader,
		KeepHeaders:        t.KeepHeaders,
		BodyPrefixBytes:    t.BodyPrefixBytes,
		InsecureSkipVerify: t.Insecure,
		Secrets:            secrets,
		Client:             t.Client,
	}
	if t.Auth != nil && t.Auth.SigV4 != nil {
		s, err := probes.NewSigV4(ctx, t.Auth.SigV4.Service, t.Auth.SigV4.Region)
		if err != nil {
			return nil, err
		}
		cfg.Sign = s.Sign
	}
	return probes.NewHTTPInvoker(cfg)
}

// targetLabel names the target in results files: the URL without credentials or
// query, or lambda:FUNCTION[:QUALIFIER] (at the emulator's endpoint, if any).
func targetLabel(t scenarios.Target) string {
	if t.Kind != scenarios.LambdaKind {
		return probes.RedactURL(t.URL)
	}
	label := "lambda:" + t.Function
	if t.Qualifier != "" {
		label += ":" + t.Qualifier
	}
	if t.Endpoint != "" {
		label += " at " + probes.RedactURL(t.Endpoint)
	}
	return label
}

// probeSpecs converts the scenario's probe list to the probes package's form.
func probeSpecs(in []scenarios.ProbeSpec) []probes.Spec {
	out := make([]probes.Spec, 0, len(in))
	for _, p := range in {
		out = append(out, probes.Spec{Name: p.Name, Options: p.Options})
	}
	return out
}
