package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// guardedSink sits between the Runner and the recorder: it scrubs every sample of the
// scenario's secrets before anything is written, and tracks the estimated spend for
// budget.max_usd, stopping the run (without losing the samples in flight) before the
// next request would pass it. The Runner calls it from one goroutine.
type guardedSink struct {
	next   *recorder
	redact *redact.Set
	budget *budgetGuard // nil: no budget
	stop   func(error)  // the Runner's Stop
}

// Record implements scenarios.Sink.
func (g *guardedSink) Record(s *results.Sample) error {
	g.redact.Sample(s)
	if err := g.next.Record(s); err != nil {
		return err
	}
	if g.budget != nil {
		if err := g.budget.add(s); err != nil {
			g.stop(err)
		}
	}
	return nil
}

// RecordPhase passes phase information on to the recorder.
func (g *guardedSink) RecordPhase(name string, info results.PhaseInfo) { g.next.RecordPhase(name, info) }

// budgetGuard estimates the spend of a run as it goes, with the cost engine that
// prices the finished run. Not safe for concurrent use.
type budgetGuard struct {
	maxUSD float64
	est    *cost.Estimator
	billed int64 // attempts that reached the function (retries included)
	err    error // set once the budget is spent
}

func newBudgetGuard(sc *scenarios.Scenario, cat cost.Catalog) (*budgetGuard, error) {
	if sc.Budget == nil || sc.Pricing == nil {
		return nil, nil
	}
	est, err := cost.NewEstimator(cat, *sc.Pricing)
	if err != nil {
		return nil, fmt.Errorf("budget: %w", err)
	}
	return &budgetGuard{maxUSD: sc.Budget.MaxUSD, est: est}, nil
}

// add prices one sample and returns an error wrapping scenarios.ErrGuard when one more
// request at the mean price so far would pass the budget.
func (b *budgetGuard) add(s *results.Sample) error {
	if b.err != nil || (s.Status == 0 && s.Error != "") {
		return b.err // nothing ran that could be billed
	}
	b.est.Add(s)
	b.billed += 1 + int64(s.Retries)
	c, err := b.est.Close()
	if err != nil {
		return nil
	}
	spent := c.PerInvocationUSD * float64(b.billed)
	if spent+c.PerInvocationUSD > b.maxUSD {
		b.err = fmt.Errorf("%w: budget max_usd $%.4f: estimated spend $%.4f after %d requests; the next would pass it",
			scenarios.ErrGuard, b.maxUSD, spent, b.billed)
	}
	return b.err
}

// checkPlan refuses, before any load, a scenario whose own plan breaks a guard:
// max_requests, max_rps, or a budget its estimated cost already passes.
func checkPlan(sc *scenarios.Scenario, p plan) error {
	problems := sc.GuardProblems()
	if sc.Budget != nil && p.Priced != nil && p.Priced.TotalUSD > sc.Budget.MaxUSD {
		problems = append(problems, fmt.Errorf("%w: estimated cost $%.4f on %s (%d requests at %s each) is more than budget max_usd $%.4f",
			scenarios.ErrGuard, p.Priced.TotalUSD, p.Priced.Model, p.Requests.N, scenarios.AssumedResponse, sc.Budget.MaxUSD))
	}
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, e := range problems {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("%s: refused before sending anything: %s", sc.File, strings.Join(msgs, "; "))
}

// errNotConfirmed ends a run that needed confirmation and did not get it.
var errNotConfirmed = errors.New("not confirmed")

// confirm asks on a terminal before a large run; off a terminal it needs --yes. It
// returns nil to go on, or a usage error saying why not.
func confirm(reason string, yes bool, in io.Reader, interactive bool, stderr io.Writer) error {
	if reason == "" || yes {
		return nil
	}
	if !interactive {
		return usageErr(fmt.Errorf("%w: %s; pass --yes to run it anyway", errNotConfirmed, reason))
	}
	fmt.Fprintf(stderr, "This run needs confirmation: %s.\nContinue? [y/N] ", reason)
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return usageErr(fmt.Errorf("%w: %s", errNotConfirmed, reason))
}

// stdinIsTerminal reports whether r is a terminal a person can answer on.
func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// scrubError returns err with the secrets of red taken out of its message, keeping its
// exit code.
func scrubError(red *redact.Set, err error) error {
	if err == nil || red.Len() == 0 {
		return err
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err == nil {
			return err
		}
		return &exitError{code: ee.code, err: errors.New(red.String(ee.err.Error()))}
	}
	return errors.New(red.String(err.Error()))
}

// guardOptions are the settings of `thaw run` that guard against runaway load.
type guardOptions struct {
	yes   bool      // --yes: no confirmation needed
	stdin io.Reader // where a person answers the confirmation (nil: nobody)
}

// preflight estimates what sc would send and cost, refuses a plan that breaks a guard
// (exit 3), asks for confirmation above the limits (exit 2 without it), and returns
// the budget guard for the run (nil without a budget).
func preflight(sc *scenarios.Scenario, o runOptions, stderr io.Writer) (*budgetGuard, error) {
	cat, err := cost.LoadCatalog(o.analysis.pricingFile)
	if err != nil {
		return nil, usageErr(err)
	}
	p, err := estimatePlan(sc, cat)
	if err != nil {
		return nil, usageErr(err)
	}
	if err := checkPlan(sc, p); err != nil {
		return nil, abortErr(err)
	}
	in := o.guard.stdin
	if err := confirm(p.needsConfirmation(), o.guard.yes, in, in != nil && stdinIsTerminal(in), stderr); err != nil {
		return nil, err
	}
	b, err := newBudgetGuard(sc, cat)
	if err != nil {
		return nil, usageErr(err)
	}
	return b, nil
}
