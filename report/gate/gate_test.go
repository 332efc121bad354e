package gate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/report/gate"
	"github.com/thaw-dev/thaw/results"
)

const budgetText = "cold.p(95)=10%,cold_rate=5pp,warm.p(99)=20%,error_rate=1pp"

// Two runs drawn from the same distribution must pass (no false alarm) in at least
// 19 of 20 seeded trials; the bar. A fail is a false alarm; inconclusive is
// counted separately and must stay rare at this size.
func TestGateSameDistributionPasses(t *testing.T) {
	budget := mustBudget(t, budgetText)
	outcomes := make([]gate.Result, 20)
	t.Run("trials", func(t *testing.T) {
		for trial := range outcomes {
			t.Run(fmt.Sprint(trial), func(t *testing.T) {
				t.Parallel() // run directories are fsynced: overlap the waits
				base := load(t, writeRun(t, defaultSpec(1000+uint64(trial))))
				next := load(t, writeRun(t, defaultSpec(2000+uint64(trial))))
				outcomes[trial] = gate.Gate(base, next, budget, gate.Options{Seed: uint64(trial)})
			})
		}
	})
	passes, fails := 0, 0
	for trial, res := range outcomes {
		switch res.Outcome {
		case gate.Pass:
			passes++
		case gate.Fail:
			fails++
			t.Logf("trial %d false alarm: %+v", trial, res.Items)
		default:
			t.Logf("trial %d inconclusive: %+v", trial, res.Items)
		}
	}
	t.Logf("same distribution: %d pass, %d fail, %d inconclusive of 20", passes, fails, 20-passes-fails)
	if passes < 19 || fails > 1 {
		t.Errorf("same distribution: %d passes, %d fails of 20 trials; want ≥ 19 passes", passes, fails)
	}
}

func TestGateDetectsColdRegression(t *testing.T) {
	budget := mustBudget(t, budgetText)
	base := load(t, writeRun(t, defaultSpec(1)))
	slow := defaultSpec(2)
	slow.coldMS *= 1.3
	res := gate.Gate(base, load(t, writeRun(t, slow)), budget, gate.Options{Seed: 7})
	if res.Outcome != gate.Fail {
		t.Fatalf("cold latency +30%%: outcome %s, want fail: %+v", res.Outcome, res.Items)
	}
	got := map[string]gate.Outcome{}
	for _, it := range res.Items {
		got[it.Metric] = it.Outcome
	}
	want := map[string]gate.Outcome{"cold.p(95)": gate.Fail, "cold_rate": gate.Pass, "warm.p(99)": gate.Pass, "error_rate": gate.Pass}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("item outcomes = %v, want %v", got, want)
	}
	cold := res.Items[0]
	if cold.Change < 20 || cold.Change > 40 || cold.Low <= 10 || !strings.Contains(cold.Detail, "above the budget") {
		t.Errorf("cold.p(95) item = %+v, want a change near +30%% with the whole interval over the 10%% budget", cold)
	}
}

func TestGateDetectsRateRegression(t *testing.T) {
	base := load(t, writeRun(t, defaultSpec(3)))
	worse := defaultSpec(4)
	worse.coldShare, worse.errShare = 0.35, 0.05
	res := gate.Gate(base, load(t, writeRun(t, worse)), mustBudget(t, "cold_rate=2pp,error_rate=10%"), gate.Options{Seed: 1})
	for _, it := range res.Items {
		if it.Outcome != gate.Fail || it.ChangeUnit != "pp" {
			t.Errorf("%s: %+v, want fail in pp", it.Metric, it)
		}
	}
}

func TestGateTenSamplesIsInconclusive(t *testing.T) {
	small := func(seed uint64) runSpec { s := defaultSpec(seed); s.n = 10; return s }
	for _, slowdown := range []float64{1, 1.3} {
		b := small(5)
		n := small(6)
		n.coldMS *= slowdown
		res := gate.Gate(load(t, writeRun(t, b)), load(t, writeRun(t, n)), mustBudget(t, budgetText), gate.Options{Seed: 3})
		if res.Outcome != gate.Inconclusive {
			t.Fatalf("10 samples (slowdown %g): outcome %s, want inconclusive: %+v", slowdown, res.Outcome, res.Items)
		}
		for _, it := range res.Items {
			if it.Outcome != gate.Inconclusive || it.NeedN <= 10 || !strings.Contains(it.Detail, "per run") {
				t.Errorf("%s: %+v, want inconclusive asking for more than 10 samples", it.Metric, it)
			}
		}
		// An exact 95% interval of p(95) needs (0.95)ⁿ ≤ 2.5%: n ≥ 72.
		if it := res.Items[0]; it.NeedN != 72 || !strings.Contains(it.Detail, "cannot be estimated") {
			t.Errorf("cold.p(95) from 10 samples: %+v, want not estimable, 72 needed", it)
		}
	}
}

// A dozen cold samples cannot estimate cold.p(95), but they decide the cold median
// whenever its interval is clear of the budget: +40% fails, the same distribution
// passes, and the p(95) item names the statistics that can be used.
func TestGateSmallRunsDecide(t *testing.T) {
	small := func(seed uint64, slowdown float64) gate.RunData {
		s := defaultSpec(seed)
		s.n, s.coldShare, s.sigma, s.coldMS = 44, 0.3, 0.05, s.coldMS*slowdown
		return load(t, writeRun(t, s))
	}
	budget := mustBudget(t, "cold.med=10%,cold.p(95)=10%")
	base := small(21, 1)
	cases := []struct {
		name string
		next gate.RunData
		want gate.Outcome
	}{{"same", small(22, 1), gate.Pass}, {"init +40%", small(23, 1.4), gate.Fail}}
	for _, c := range cases {
		res := gate.Gate(base, c.next, budget, gate.Options{Seed: 1})
		med, p95 := res.Items[0], res.Items[1]
		if med.Outcome != c.want || med.BaseN > 20 {
			t.Errorf("%s: cold.med %+v, want %s from a dozen samples", c.name, med, c.want)
		}
		if p95.Outcome != gate.Inconclusive || !strings.Contains(p95.Detail, "can decide cold.") || !strings.Contains(p95.Detail, "cold.avg") {
			t.Errorf("%s: cold.p(95) %+v, want inconclusive naming estimable statistics", c.name, p95)
		}
	}
}

func TestGateDeterministic(t *testing.T) {
	base := load(t, writeRun(t, defaultSpec(8)))
	next := load(t, writeRun(t, defaultSpec(9)))
	budget := mustBudget(t, "cold.avg=10%,"+budgetText) // the mean is bootstrapped: seeded
	a := gate.Gate(base, next, budget, gate.Options{Seed: 42})
	b := gate.Gate(base, next, budget, gate.Options{Seed: 42})
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different results:\n%+v\n%+v", a, b)
	}
	c := gate.Gate(base, next, budget, gate.Options{Seed: 43})
	if reflect.DeepEqual(a.Items[0].Low, c.Items[0].Low) {
		t.Errorf("different seeds gave the same bootstrap interval %v", a.Items[0].Low)
	}
	// An item's verdict does not depend on the items before it.
	only := gate.Gate(base, next, budget[:1], gate.Options{Seed: 42})
	if !reflect.DeepEqual(only.Items[0], a.Items[0]) {
		t.Errorf("first item changed when others were removed")
	}
}

// Without samples.ndjson the gate resamples the summary's histograms and reaches the
// same verdicts.
func TestGateFromHistograms(t *testing.T) {
	budget := mustBudget(t, "cold.p(95)=10%,cold.avg=10%,cold_rate=2pp")
	baseDir := writeRun(t, defaultSpec(10))
	slow := defaultSpec(11)
	slow.coldMS *= 1.3
	slowDir := writeRun(t, slow)
	for _, d := range []string{baseDir, slowDir} {
		if err := os.Remove(filepath.Join(d, results.SamplesFile)); err != nil {
			t.Fatal(err)
		}
	}
	base, next := load(t, baseDir), load(t, slowDir)
	if base.Samples != nil {
		t.Fatal("samples loaded from a directory without a samples file")
	}
	res := gate.Gate(base, next, budget, gate.Options{Seed: 1})
	want := []gate.Outcome{gate.Fail, gate.Fail, gate.Pass}
	for i, it := range res.Items {
		if it.Outcome != want[i] || (i < 2 && !strings.Contains(it.Method, "histogram")) {
			t.Errorf("%s: %+v, want %s from histograms", it.Metric, it, want[i])
		}
	}
	if res := gate.Gate(base, base, budget, gate.Options{Seed: 1}); res.Outcome != gate.Pass {
		t.Errorf("a run against itself: %s, %+v", res.Outcome, res.Items)
	}
}

func TestGateMissingDataIsInconclusive(t *testing.T) {
	base := load(t, writeRun(t, defaultSpec(12)))
	res := gate.Gate(base, base, mustBudget(t, "phase[nope].p(95)=10%,intended.p(50)=5ms,phase[nope].cold_rate=1pp"), gate.Options{})
	for _, it := range res.Items {
		if it.Outcome != gate.Inconclusive || it.Detail == "" {
			t.Errorf("%s: %+v, want inconclusive with a reason", it.Metric, it)
		}
	}
}

func TestLoadRunErrors(t *testing.T) {
	if _, err := gate.LoadRun(t.TempDir()); err == nil {
		t.Error("LoadRun of an empty directory did not fail")
	}
	dir := writeRun(t, defaultSpec(13))
	if err := os.WriteFile(filepath.Join(dir, results.SamplesFile), []byte("{bad\n{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gate.LoadRun(dir); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Errorf("LoadRun with a malformed samples line: %v", err)
	}
}

// One estimator per statistic: the gate's point figures are the ones the run's
// thresholds (and reports) print.
func TestGateFiguresMatchThresholds(t *testing.T) {
	base := load(t, writeRun(t, defaultSpec(30)))
	next := load(t, writeRun(t, defaultSpec(31)))
	metrics := []string{"cold.p(95)", "warm.p(99)", "cold.med", "cold.avg", "p(97)", "cold_rate"}
	var items, exprs []string
	for _, m := range metrics {
		unit := "%"
		if m == "cold_rate" {
			unit = "pp"
		}
		items = append(items, m+"=10"+unit)
		exprs = append(exprs, m+" >= 0")
	}
	res := gate.Gate(base, next, mustBudget(t, strings.Join(items, ",")), gate.Options{})
	ths, err := gate.CheckThresholds(&results.Summary{Phases: next.Summary.Phases, Totals: next.Summary.Totals}, exprs)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range res.Items {
		if it.New != ths[i].Value {
			t.Errorf("%s: gate prints %v, the threshold %v", metrics[i], it.New, ths[i].Value)
		}
	}
}
