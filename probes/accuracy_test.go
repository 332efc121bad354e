package probes_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report/keepalive"
	"github.com/thaw-dev/thaw/results"
)

// The accuracy tests score the probes against the emulator's ground truth, joined on
// request id. THAW_ACCURACY=1 makes the runs longer (scripts/accuracy.sh); lines
// starting with ACCURACY are the figures the script prints.

func long() bool { return os.Getenv("THAW_ACCURACY") == "1" }

func figure(t *testing.T, format string, a ...any) {
	t.Helper()
	t.Logf("ACCURACY "+format, a...)
}

// snippetBinary builds the Go function snippet, the handler the emulator runs.
func snippetBinary(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "fn")
	cmd := exec.Command("go", "build", "-o", out, "../extensions/functions/go/http")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the Go snippet: %v\n%s", err, b)
	}
	return out
}

func startEmulator(t *testing.T, cfg emulator.Config) *emulator.Emulator {
	t.Helper()
	t.Setenv("HOST", "127.0.0.1") // the snippet listens on loopback only
	return emulatortest.Start(t, cfg)
}

// driver sends invocations like the runner: request ids, idle gap since the last
// completed response, in-flight count; samples are kept in completion order.
type driver struct {
	inv     *probes.HTTPInvoker
	mu      sync.Mutex
	seq     int64
	lastEnd time.Time
	flight  int
	samples []results.Sample
}

func newDriver(t *testing.T, url string, fresh bool) *driver {
	t.Helper()
	inv, err := probes.NewHTTPInvoker(probes.HTTPConfig{URL: url + "/", Fresh: fresh, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inv.Close)
	return &driver{inv: inv}
}

func (d *driver) one(phase string) {
	d.mu.Lock()
	d.seq++
	d.flight++
	s := results.Sample{Seq: d.seq, RequestID: fmt.Sprintf("acc-%d", d.seq), Phase: phase, IdleBeforeMS: -1,
		InFlight: d.flight, Class: results.Unknown}
	if !d.lastEnd.IsZero() && d.flight == 1 {
		s.IdleBeforeMS = float64(time.Since(d.lastEnd).Microseconds()) / 1000
	} else if !d.lastEnd.IsZero() {
		s.IdleBeforeMS = 0
	}
	d.mu.Unlock()
	d.inv.Invoke(context.Background(), &s)
	d.mu.Lock()
	d.flight--
	d.lastEnd = time.Now()
	d.samples = append(d.samples, s)
	d.mu.Unlock()
}

func (d *driver) idle(phase string, gaps []time.Duration) {
	for _, g := range gaps {
		time.Sleep(g)
		d.one(phase)
	}
}

func (d *driver) burst(phase string, n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { d.one(phase) })
	}
	wg.Wait()
}

// rate sends n requests at a steady rate (open model: it does not wait for answers).
func (d *driver) rate(phase string, n int, every time.Duration) {
	var wg sync.WaitGroup
	tick := time.NewTicker(every)
	defer tick.Stop()
	for range n {
		<-tick.C
		wg.Go(func() { d.one(phase) })
	}
	wg.Wait()
}

// copySamples deep-copies samples so each chain judges untouched evidence.
func copySamples(in []results.Sample) []results.Sample {
	out := append([]results.Sample(nil), in...)
	for i := range out {
		if ev := out[i].Evidence; ev != nil {
			cp := *ev
			cp.Reasons = nil
			out[i].Evidence = &cp
		}
	}
	return out
}

type tally struct{ n, correct, cold, truthCold, unknown int }

func (t tally) acc() float64 { return float64(t.correct) / math.Max(1, float64(t.n)) }

// scoreTruth joins on request id: per phase and "all". Failed samples are not scored.
func scoreTruth(ss []results.Sample, truth map[string]emulator.TruthRecord) map[string]*tally {
	out := map[string]*tally{"all": {}}
	for _, s := range ss {
		tr, ok := truth[s.RequestID]
		if !ok || !s.OK() {
			continue
		}
		for _, k := range []string{s.Phase, "all"} {
			if out[k] == nil {
				out[k] = &tally{}
			}
			tl := out[k]
			tl.n++
			if tr.Cold {
				tl.truthCold++
			}
			switch s.Class {
			case results.Unknown:
				tl.unknown++
			case results.Cold:
				tl.cold++
			}
			if s.Class != results.Unknown && (s.Class == results.Cold) == tr.Cold {
				tl.correct++
			}
		}
	}
	return out
}

func truthByID(em *emulator.Emulator) map[string]emulator.TruthRecord {
	m := map[string]emulator.TruthRecord{}
	for _, r := range em.Truth() {
		m[r.RequestID] = r
	}
	return m
}

// online classifies in completion order with a fresh chain, like the runner.
func online(t *testing.T, ss []results.Sample, specs []probes.Spec) []results.Sample {
	t.Helper()
	c, err := probes.NewChain(specs)
	if err != nil {
		t.Fatal(err)
	}
	out := copySamples(ss)
	for i := range out {
		c.Classify(&out[i])
	}
	return out
}

func offline(t *testing.T, ss []results.Sample, specs []probes.Spec) []results.Sample {
	t.Helper()
	out := copySamples(ss)
	if _, err := probes.Reclassify(out, specs); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAccuracyEmulator: the Go snippet runs under the emulator with the truth hidden
// from responses; idle, burst and rate phases; every probe is scored per phase.
func TestAccuracyEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	cfg := emulator.DefaultConfig()
	cfg.Handler = snippetBinary(t)
	cfg.HideTruth = true
	cfg.TruthLog = filepath.Join(t.TempDir(), "truth.ndjson")
	cfg.Init = "lognormal:20ms,0.3"
	cfg.KeepAlive = 300 * time.Millisecond
	em := startEmulator(t, cfg)
	d := newDriver(t, em.URL(), false)

	rounds, burst, rateN := 1, 25, 150
	if long() {
		rounds, burst, rateN = 3, 40, 600
	}
	rng := rand.New(rand.NewPCG(42, 1))
	for range rounds {
		var gaps []time.Duration
		for range 24 {
			gaps = append(gaps, []time.Duration{40 * time.Millisecond, 500 * time.Millisecond}[rng.IntN(2)])
		}
		d.idle("idle", gaps)
		time.Sleep(500 * time.Millisecond)
		d.burst("burst", burst)
		d.rate("rate", rateN, 25*time.Millisecond)
		time.Sleep(500 * time.Millisecond)
	}
	if err := em.Close(); err != nil {
		t.Fatal(err)
	}
	truth := truthByID(em)
	if len(truth) != len(d.samples) {
		t.Errorf("truth has %d records for %d samples", len(truth), len(d.samples))
	}

	latency := []probes.Spec{{Name: "latency"}}
	precondition(t, d.samples, truth)
	if os.Getenv("THAW_ACCURACY_DEBUG") != "" {
		for _, s := range offline(t, d.samples, latency) {
			tr := truth[s.RequestID]
			if (s.Class == results.Cold) != tr.Cold || tr.Cold {
				t.Logf("DEBUG %s %s truth=%v class=%s server=%.2f lat=%.2f idle=%.1f inflight=%d conn=%.2f %s", s.RequestID, s.Phase, tr.Cold, s.Class, s.ServerMS(), s.LatencyMS, s.IdleBeforeMS, s.InFlight, s.ConnectMS, s.Evidence.Reasons["latency"])
			}
		}
	}
	runs := []struct {
		name   string
		ss     []results.Sample
		minAcc float64
	}{
		{"marker", online(t, d.samples, []probes.Spec{{Name: "marker"}}), 1},
		{"instance", online(t, d.samples, []probes.Spec{{Name: "instance"}}), 1},
		{"chain", online(t, d.samples, nil), 1},
		{"latency-offline", offline(t, d.samples, latency), latencyGate()},
		{"latency-online", online(t, d.samples, latency), 0}, // warm-up samples stay unknown: reported, not gated
	}
	for _, r := range runs {
		sc := scoreTruth(r.ss, truth)
		for _, ph := range []string{"idle", "burst", "rate", "all"} {
			tl := sc[ph]
			if tl == nil {
				t.Fatalf("no scored samples in phase %s", ph)
			}
			figure(t, "%-16s %-5s n=%4d truth_cold=%3d said_cold=%3d unknown=%3d correct=%.2f%%", r.name, ph, tl.n, tl.truthCold, tl.cold, tl.unknown, 100*tl.acc())
			gate := r.minAcc
			if r.name == "latency-offline" && ph != "all" {
				gate = 0 // the requirement is on the whole run
			}
			if tl.acc() < gate {
				t.Errorf("%s on %s: %.4f correct < %.2f", r.name, ph, tl.acc(), gate)
			}
		}
		if sc["all"].truthCold < 20 {
			t.Errorf("only %d cold starts: the workload must have at least 20", sc["all"].truthCold)
		}
	}
}

// latencyGate is the share the latency probe alone must get right on the emulator run:
// 97 % in the accuracy runs (the requirement, for init ≥ 5× warm server time); a
// looser 85 % in ordinary test runs, where other work on a shared machine can slow
// warm requests to cold-start times (see the precondition figure it prints).
func latencyGate() float64 {
	if long() {
		return 0.97
	}
	return 0.85
}

// precondition prints warm and cold server times per the truth: the latency probe's
// requirement holds when init is at least 5× the warm server time.
func precondition(t *testing.T, ss []results.Sample, truth map[string]emulator.TruthRecord) {
	t.Helper()
	var warm, cold, initMS []float64
	for _, s := range ss {
		tr, ok := truth[s.RequestID]
		if !ok || !s.OK() {
			continue
		}
		if tr.Cold {
			cold = append(cold, s.ServerMS())
			initMS = append(initMS, tr.InitMS)
		} else {
			warm = append(warm, s.ServerMS())
		}
	}
	q := func(v []float64, p float64) float64 {
		if len(v) == 0 {
			return 0
		}
		slices.Sort(v)
		return v[int(p*float64(len(v)-1))]
	}
	figure(t, "workload warm_server_ms p50=%.2f p95=%.2f p99=%.2f; cold_server_ms p50=%.2f; init_ms p50=%.2f (init/warm p50 = %.0fx); cold starts=%d",
		q(warm, 0.5), q(warm, 0.95), q(warm, 0.99), q(cold, 0.5), q(initMS, 0.5), q(initMS, 0.5)/math.Max(q(warm, 0.5), 1e-3), len(cold))
}

// TestAccuracyNoColdStarts: a warm function, with pooled connections and with a fresh
// connection for every request after an idle gap: the latency probe must not call
// anything cold.
func TestAccuracyNoColdStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	cfg := emulator.DefaultConfig()
	cfg.HideTruth = true
	cfg.KeepAlive = 0 // never scaled to zero
	em := startEmulator(t, cfg)
	warmup := newDriver(t, em.URL(), false)
	warmup.one("warmup") // the one cold start, not scored

	n := 60
	if long() {
		n = 200
	}
	for _, fresh := range []bool{false, true} {
		d := newDriver(t, em.URL(), fresh)
		gaps := make([]time.Duration, n)
		for i := range gaps {
			gaps[i] = time.Duration(5+i%4*40) * time.Millisecond
		}
		d.idle("steady", gaps)
		for _, mode := range []string{"offline", "online"} {
			var ss []results.Sample
			if mode == "offline" {
				ss = offline(t, d.samples, []probes.Spec{{Name: "latency"}})
			} else {
				ss = online(t, d.samples, []probes.Spec{{Name: "latency"}})
			}
			cold, reused := 0, 0
			for _, s := range ss {
				if s.Class == results.Cold {
					cold++
				}
				if s.ConnReused {
					reused++
				}
			}
			figure(t, "latency-%s no-cold-run fresh=%v n=%d conn_reused=%d said_cold=%d", mode, fresh, len(ss), reused, cold)
			if os.Getenv("THAW_ACCURACY_DEBUG") != "" {
				for _, s := range ss {
					t.Logf("DEBUG %s class=%s server=%.2f ttfb=%.2f conn=%.2f idle=%.0f %s", s.RequestID, s.Class, s.ServerMS(), s.TTFBMS, s.ConnectMS, s.IdleBeforeMS, s.Evidence.Reasons["latency"])
				}
			}
			if cold > 0 {
				t.Errorf("fresh=%v %s: %d samples called cold in a run without cold starts", fresh, mode, cold)
			}
			if fresh && reused > 0 {
				t.Errorf("fresh connections were reused %d times", reused)
			}
		}
	}
}

// TestAccuracyKeepAlive: platform keep-alive 20 s at time scale (100, or 20 when long);
// an idle search bisects on the idle gap, and the estimate must be within 10 % of the
// truth with its interval containing it.
func TestAccuracyKeepAlive(t *testing.T) {
	if testing.Short() {
		t.Skip("timing accuracy: runs in the full pass; -short is the race-detector pass, whose slowdown distorts timing")
	}
	const truthMS = 20_000.0
	scale := 100.0
	if long() {
		scale = 20
	}
	cfg := emulator.DefaultConfig()
	cfg.Handler = snippetBinary(t)
	cfg.HideTruth = true
	cfg.KeepAlive = 20 * time.Second
	cfg.TimeScale = scale
	em := startEmulator(t, cfg)
	d := newDriver(t, em.URL(), false)
	c, err := probes.NewChain(nil)
	if err != nil {
		t.Fatal(err)
	}
	d.one("idle-search") // first instance
	c.Classify(&d.samples[0])
	// bisection in platform time: 1 s to 60 s, stop at 1 % of the upper bound
	lo, hi := 1_000.0, 60_000.0
	for hi-lo > 0.01*hi {
		mid := (lo + hi) / 2
		d.idle("idle-search", []time.Duration{time.Duration(mid / scale * float64(time.Millisecond))})
		s := &d.samples[len(d.samples)-1]
		c.Classify(s)
		gap := s.IdleBeforeMS * scale
		switch s.Class {
		case results.Cold:
			hi = math.Min(hi, gap)
		case results.Warm:
			lo = math.Max(lo, gap)
		default:
			t.Fatalf("idle search sample unclassified: %v", s.Evidence.Reasons)
		}
	}
	ss := d.samples[1:]
	for i := range ss { // to platform time
		ss[i].IdleBeforeMS *= scale
		ss[i].LatencyMS *= scale
	}
	ka := keepalive.Estimate(ss)
	if ka == nil {
		t.Fatal("no keep-alive estimate")
	}
	errPct := 100 * (ka.EstimateMS - truthMS) / truthMS
	figure(t, "keep-alive truth=%.0fms estimate=%.0fms [%.0f, %.0f] error=%+.1f%% probes=%d scale=%g (%s)",
		truthMS, ka.EstimateMS, ka.LowMS, ka.HighMS, errPct, len(ss), scale, ka.Method)
	if math.Abs(errPct) > 10 {
		t.Errorf("estimate %.0f ms not within 10%% of %.0f ms", ka.EstimateMS, truthMS)
	}
	if ka.LowMS > truthMS || ka.HighMS < truthMS {
		t.Errorf("interval [%.0f, %.0f] does not contain %.0f", ka.LowMS, ka.HighMS, truthMS)
	}
}
