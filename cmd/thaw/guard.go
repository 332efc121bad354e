package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/thaw-dev/thaw/internal/redact"
	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
	"github.com/thaw-dev/thaw/scenarios"
)

// guardedSink sits between the Runner and the recorder: it scrubs every sample of the
// scenario's secrets before anything is written, and with a budget it admits a request
// only while the estimated spend stays within budget.max_usd (scenarios.Admitter).
// The Runner calls Record from one goroutine and Admit from many.
type guardedSink struct {
	next   *recorder
	redact *redact.Set
	budget *budgetGuard // nil: no budget
}

var _ scenarios.Admitter = (*guardedSink)(nil)

// Record implements scenarios.Sink.
func (g *guardedSink) Record(s *results.Sample) error {
	g.redact.Sample(s)
	if g.budget != nil {
		g.budget.add(s)
	}
	return g.next.Record(s)
}

// RecordPhase passes phase information on to the recorder.
func (g *guardedSink) RecordPhase(name string, info results.PhaseInfo) {
	g.next.RecordPhase(name, info)
}

// Admit implements scenarios.Admitter.
func (g *guardedSink) Admit() error {
	if g.budget == nil {
		return nil
	}
	return g.budget.admit()
}

// budgetGuard keeps the estimated spend of a run within a budget, with the cost engine
// that prices the finished run. Every admitted request is counted at the mean price so
// far (before any answer, the plan's price for a 100 ms request), retries included, so
// the requests in flight are paid for before they are sent. Safe for concurrent use.
type budgetGuard struct {
	maxUSD float64

	mu       sync.Mutex
	est      *cost.Estimator
	price    float64 // mean USD per request so far
	admitted int64   // requests admitted, in flight included
	retries  int64   // extra attempts, each billed like a request
}

func newBudgetGuard(sc *scenarios.Scenario, cat cost.Catalog, p plan) (*budgetGuard, error) {
	if sc.Budget == nil || sc.Pricing == nil {
		return nil, nil
	}
	est, err := cost.NewEstimator(cat, *sc.Pricing)
	if err != nil {
		return nil, fmt.Errorf("budget: %w", err)
	}
	b := &budgetGuard{maxUSD: sc.Budget.MaxUSD, est: est}
	if p.Priced != nil {
		b.price = p.Priced.PerRequestUSD
	}
	return b, nil
}

// add prices one finished sample.
func (b *budgetGuard) add(s *results.Sample) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.retries += int64(s.Retries)
	if s.Status == 0 && s.Error != "" {
		return // nothing ran that could be billed
	}
	b.est.Add(s)
	if c, err := b.est.Close(); err == nil {
		b.price = c.PerInvocationUSD
	}
}

// admit counts one more request, or returns an error wrapping scenarios.ErrGuard when
// it would take the estimated spend past the budget.
func (b *budgetGuard) admit() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	next := float64(b.admitted+1+b.retries) * b.price
	if next > b.maxUSD {
		return fmt.Errorf("%w: budget max_usd $%.4f: %d requests cost about $%.4f; one more would pass it",
			scenarios.ErrGuard, b.maxUSD, b.admitted+b.retries, float64(b.admitted+b.retries)*b.price)
	}
	b.admitted++
	return nil
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
// cat is the run's pricing catalog.
func preflight(sc *scenarios.Scenario, o runOptions, cat cost.Catalog, stderr io.Writer) (*budgetGuard, error) {
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
	b, err := newBudgetGuard(sc, cat, p)
	if err != nil {
		return nil, usageErr(err)
	}
	return b, nil
}
