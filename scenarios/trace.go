package scenarios

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"time"
)

// Spreads of a trace phase: how the arrivals counted in one minute are placed inside it.
const (
	SpreadExponential = "exponential" // exponential gaps (a Poisson process given the count)
	SpreadUniform     = "uniform"     // independent uniform times
	SpreadEquidistant = "equidistant" // evenly spaced, centred in their slots
)

// Trace replays a production invocation trace as an open-model phase: the Azure
// Functions 2019 per-minute counts (azure-2019) or the 2021 per-invocation rows
// (azure-2021). Paths are relative to the scenario file.
type Trace struct {
	Format      string   `yaml:"format" json:"format"`                           // azure-2019 or azure-2021
	Invocations string   `yaml:"invocations" json:"invocations"`                 // the trace file
	Durations   string   `yaml:"durations,omitempty" json:"durations,omitempty"` // azure-2019 durations file (checked; for cost)
	Functions   []string `yaml:"functions,omitempty" json:"functions,omitempty"` // HashFunction (2019) or func (2021) values
	Top         int      `yaml:"top,omitempty" json:"top,omitempty"`             // or the N busiest functions in the window
	// DayMinutes is the window [from, to) in minutes from the start of the trace
	// (azure-2019: minute columns from+1 … to); empty: the whole file.
	DayMinutes  []int  `yaml:"day_minutes,omitempty" json:"day_minutes,omitempty"`
	Spread      string `yaml:"spread,omitempty" json:"spread,omitempty"` // exponential (default), uniform, equidistant (azure-2019)
	Seed        int64  `yaml:"seed,omitempty" json:"seed,omitempty"`
	MaxInFlight int    `yaml:"max_in_flight,omitempty" json:"max_in_flight,omitempty"`

	plan *tracePlan // loaded by LoadTraces
}

// window returns DayMinutes as from, to (to 0: to the end of the trace).
func (t *Trace) window() (from, to int) {
	if len(t.DayMinutes) == 2 {
		return t.DayMinutes[0], t.DayMinutes[1]
	}
	return 0, 0
}

// load reads the trace files; relative paths are taken from dir.
func (t *Trace) load(dir string) error {
	path := func(p string) string {
		if filepath.IsAbs(p) || dir == "" {
			return p
		}
		return filepath.Join(dir, p)
	}
	from, to := t.window()
	var (
		plan *tracePlan
		err  error
	)
	switch t.Format {
	case TraceAzure2019:
		plan, err = read2019(path(t.Invocations), t.Functions, t.Top, from, to)
		if err == nil && t.Durations != "" {
			err = checkDurations2019(path(t.Durations))
		}
	case TraceAzure2021:
		plan, err = read2021(path(t.Invocations), t.Functions, t.Top, from, to)
	}
	if err != nil {
		return err
	}
	t.plan = plan
	return nil
}

// Planned returns the number of arrivals the trace plans, or -1 before LoadTraces.
func (t *Trace) Planned() int64 {
	if t.plan == nil {
		return -1
	}
	return t.plan.total()
}

// length is the window's length in trace time: to − from minutes, or for a whole
// azure-2021 file the minute after its last arrival.
func (t *Trace) length() time.Duration {
	from, to := t.window()
	switch {
	case to > 0:
		return time.Duration(to-from) * time.Minute
	case t.plan == nil:
		return 0
	case t.plan.offsets != nil:
		if n := len(t.plan.offsets); n > 0 {
			return t.plan.offsets[n-1].Truncate(time.Minute) + time.Minute
		}
		return 0
	}
	return time.Duration(len(t.plan.minutes)) * time.Minute
}

// LoadTraces reads the files of every trace phase (Load calls it once the scenario is
// otherwise valid). Problems name the scenario field and the trace file and line.
func (sc *Scenario) LoadTraces() []error {
	var errs []error
	for i := range sc.Phases {
		t := sc.Phases[i].Trace
		if t == nil || t.plan != nil {
			continue
		}
		if err := t.load(filepath.Dir(sc.File)); err != nil {
			path := fmt.Sprintf("phases[%d].trace.invocations", i)
			errs = append(errs, &FieldError{File: sc.File, Pos: sc.Pos(path), Path: path, Msg: err.Error()})
		}
	}
	return errs
}

// TraceSchedule is the arrival schedule of a loaded trace, with its durations divided
// by a time scale. Minutes of counts are spread inside the minute as Spread says,
// with a generator seeded by the seed and the minute, so a replay repeats exactly;
// exact offsets (azure-2021) are kept. Build it with Trace.Schedule. Arrival is
// fastest with n increasing. Not safe for concurrent use.
type TraceSchedule struct {
	plan   *tracePlan
	cum    []int64 // cum[m]: arrivals before minute m
	spread string
	seed   uint64
	scale  float64

	curMin int       // minute whose positions are in cur, -1 for none
	cur    []float64 // positions inside curMin, as fractions of the minute, sorted
}

var _ Schedule = (*TraceSchedule)(nil)

// Schedule returns the trace's arrival schedule with durations divided by scale
// (values <= 0 mean 1), or nil before LoadTraces.
func (t *Trace) Schedule(scale float64) *TraceSchedule {
	if t.plan == nil {
		return nil
	}
	if scale <= 0 {
		scale = 1
	}
	s := &TraceSchedule{plan: t.plan, spread: t.Spread, seed: uint64(t.Seed), scale: scale, curMin: -1}
	if s.spread == "" {
		s.spread = SpreadExponential
	}
	s.cum = make([]int64, len(t.plan.minutes)+1)
	for m, c := range t.plan.minutes {
		s.cum[m+1] = s.cum[m] + c
	}
	return s
}

// Arrival returns the planned offset of arrival n from the phase start.
func (s *TraceSchedule) Arrival(n int64) (time.Duration, bool) {
	if n < 0 {
		return 0, false
	}
	if s.plan.offsets != nil {
		if n >= int64(len(s.plan.offsets)) {
			return 0, false
		}
		return s.scaled(s.plan.offsets[n]), true
	}
	if n >= s.cum[len(s.cum)-1] {
		return 0, false
	}
	m := sort.Search(len(s.plan.minutes), func(m int) bool { return s.cum[m+1] > n })
	if m != s.curMin {
		s.cur = SpreadMinute(s.spread, int(s.plan.minutes[m]), s.seed, m)
		s.curMin = m
	}
	at := (float64(m) + s.cur[n-s.cum[m]]) * float64(time.Minute)
	return s.scaled(time.Duration(at)), true
}

func (s *TraceSchedule) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.scale)
}

// RateAt returns the planned arrivals per second (real time) in the minute holding t.
func (s *TraceSchedule) RateAt(t time.Duration) float64 {
	m := int(float64(t) * s.scale / float64(time.Minute))
	if t < 0 {
		return 0
	}
	if s.plan.offsets != nil {
		lo := time.Duration(m) * time.Minute
		i := sort.Search(len(s.plan.offsets), func(i int) bool { return s.plan.offsets[i] >= lo })
		j := sort.Search(len(s.plan.offsets), func(i int) bool { return s.plan.offsets[i] >= lo+time.Minute })
		return float64(j-i) / 60 * s.scale
	}
	if m >= len(s.plan.minutes) {
		return 0
	}
	return float64(s.plan.minutes[m]) / 60 * s.scale
}

// SpreadMinute places count arrivals inside one minute and returns their positions as
// sorted fractions in [0, 1). equidistant: (k+½)/count. uniform: count independent
// uniform draws. exponential: count+1 exponential gaps scaled to fill the minute, the
// last gap left out (the arrivals of a Poisson process, given their count). Draws
// come from a generator seeded by seed and minute. Pure function.
func SpreadMinute(spread string, count int, seed uint64, minute int) []float64 {
	out := make([]float64, count)
	rng := rand.New(rand.NewPCG(seed, uint64(minute)<<1|1))
	switch spread {
	case SpreadEquidistant:
		for k := range out {
			out[k] = (float64(k) + 0.5) / float64(count)
		}
	case SpreadUniform:
		for k := range out {
			out[k] = rng.Float64()
		}
		slices.Sort(out)
	default: // exponential
		sum := 0.0
		for k := range out {
			sum += rng.ExpFloat64()
			out[k] = sum
		}
		sum += rng.ExpFloat64()
		for k := range out {
			out[k] /= sum
		}
	}
	return out
}

// TraceMonthlyInvocations projects the scenario's trace phases to a 30-day month: each
// loaded trace's arrivals times the number of its windows in a month (trace time, not
// scaled). 0 when there is no loaded trace phase. The cost report prices that many
// invocations with the cold rate the replay measured.
func (sc *Scenario) TraceMonthlyInvocations() int64 {
	const month = 30 * 24 * time.Hour
	var total float64
	for _, p := range sc.Phases {
		if t := p.Trace; t != nil && t.plan != nil && t.length() > 0 {
			total += float64(t.plan.total()) * float64(month) / float64(t.length())
		}
	}
	return int64(total + 0.5)
}
