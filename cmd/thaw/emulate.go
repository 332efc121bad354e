package main

import (
	"errors"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// newEmulateCmd is `thaw emulate`: the built-in FaaS emulator, serving until SIGINT or
// SIGTERM, then stopping every instance process.
func newEmulateCmd() *cobra.Command {
	cfg := emulator.DefaultConfig()
	cfg.KeepTruth = false
	cmd := &cobra.Command{
		Use:   "emulate",
		Short: "Run the built-in FaaS emulator (real processes, real cold starts, ground truth)",
		Long: `emulate serves a function on every path but /healthz. Each instance is a real
process (the built-in Go handler, or --handler 'CMD ARGS' serving HTTP on $PORT).
A request with no free warm instance starts one (a cold start); idle instances stop
after --keep-alive (scale to zero); beyond --max-instances requests get 429, or wait
with --queue. --time-scale F divides every emulator duration by F (a test and demo aid:
a 10m keep-alive lasts 10s at 60). Every response carries X-Thaw-Instance, X-Thaw-Cold,
X-Thaw-Init-Ms (and more) unless --hide-truth; --truth-log FILE writes the same facts
as JSON lines in arrival order. The first stdout line is "thaw emulate: listening
on URL" (scripts wait for it and take the URL after "on ").`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runEmulate(c, cfg) },
	}
	bindEmulateFlags(cmd, &cfg)
	return cmd
}

func bindEmulateFlags(cmd *cobra.Command, c *emulator.Config) {
	f := cmd.Flags()
	f.StringVar(&c.Addr, "addr", c.Addr, "listen address (host-less \":0\" binds 127.0.0.1 on a free port)")
	f.StringVar(&c.Handler, "handler", c.Handler, "function command serving HTTP on $PORT, split on spaces (default: built-in Go handler)")
	f.StringVar(&c.Init, "init", c.Init, "extra init delay per instance: 250ms, lognormal:300ms,0.5 or uniform:100ms,400ms")
	f.IntVar(&c.PerInstanceConcurrency, "per-instance-concurrency", c.PerInstanceConcurrency, "requests one instance serves at once")
	f.IntVar(&c.MaxInstances, "max-instances", c.MaxInstances, "most instances at once; beyond: 429 or queue")
	f.BoolVar(&c.Queue, "queue", c.Queue, "queue requests beyond --max-instances instead of 429")
	f.DurationVar(&c.QueueTimeout, "queue-timeout", c.QueueTimeout, "longest wait in the queue before 429")
	f.DurationVar(&c.KeepAlive, "keep-alive", c.KeepAlive, "idle time before an instance is stopped (0: never)")
	f.DurationVar(&c.KeepAliveJitter, "keep-alive-jitter", c.KeepAliveJitter, "random extra keep-alive per instance, 0 to this")
	f.DurationVar(&c.MaxLifetime, "max-lifetime", c.MaxLifetime, "stop an instance (when idle) this long after it started (0: no limit)")
	f.Float64Var(&c.TimeScale, "time-scale", c.TimeScale, "divide every emulator duration by this")
	f.IntVar(&c.Prewarm, "prewarm", c.Prewarm, "instances started before traffic (first use reported prewarmed)")
	f.Float64Var(&c.ErrorRate, "error-rate", c.ErrorRate, "fraction of requests answered 500")
	f.Float64Var(&c.TimeoutRate, "timeout-rate", c.TimeoutRate, "fraction of requests held for --timeout-hold, then 504")
	f.DurationVar(&c.TimeoutHold, "timeout-hold", c.TimeoutHold, "how long a timed-out request is held")
	f.Float64Var(&c.SlowRate, "slow-rate", c.SlowRate, "fraction of requests delayed by --slow")
	f.DurationVar(&c.Slow, "slow", c.Slow, "extra delay of a slow request")
	f.Uint64Var(&c.Seed, "seed", c.Seed, "seed for init-delay draws, jitter and faults")
	f.BoolVar(&c.HideTruth, "hide-truth", c.HideTruth, "leave the X-Thaw-* headers off responses")
	f.StringVar(&c.TruthLog, "truth-log", c.TruthLog, "write one JSON line per request (arrival order) to this file")
	f.DurationVar(&c.ReadyTimeout, "ready-timeout", c.ReadyTimeout, "how long a new instance may take to answer (not scaled)")
}

func runEmulate(c *cobra.Command, cfg emulator.Config) error {
	em, err := emulator.New(cfg)
	if err != nil {
		return usageErr(err)
	}
	ctx, stop := signal.NotifyContext(c.Context(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := em.Start(ctx); err != nil {
		return abortErr(errors.Join(err, em.Close()))
	}
	if _, err := fmt.Fprintf(c.OutOrStdout(), "thaw emulate: listening on %s\n", em.URL()); err != nil {
		return abortErr(errors.Join(err, em.Close()))
	}
	<-ctx.Done()
	fmt.Fprintln(c.ErrOrStderr(), "thaw emulate: stopping every instance")
	if err := em.Close(); err != nil {
		return abortErr(fmt.Errorf("emulate: %w", err))
	}
	return nil
}
