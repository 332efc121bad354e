package scenarios

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Trace formats a trace phase reads.
const (
	TraceAzure2019 = "azure-2019" // invocations_per_function_md.anon.dNN.csv: per-minute counts
	TraceAzure2021 = "azure-2021" // app,func,end_timestamp,duration: one row per invocation
)

// Limits on trace files, so a wrong path (a disk image, a log) fails fast instead of
// filling memory.
const (
	MaxTraceFileBytes = 1 << 30    // a day of the 2019 dataset is about 150 MB
	MaxTraceArrivals  = 20_000_000 // arrivals one trace phase may plan
	maxTraceLineBytes = 64 << 10   // a 2019 row of 1,440 counts is about 10 KB
	maxTraceFunctions = 2_000_000  // distinct functions counted when choosing the top N
	maxTraceSeconds   = 100 << 20  // latest azure-2021 timestamp accepted (about 3 years)
)

// tracePlan is what a trace phase replays, in trace time: either per-minute counts
// (azure-2019; arrivals spread inside each minute) or exact offsets (azure-2021).
type tracePlan struct {
	minutes []int64         // arrivals planned in each minute of the window
	offsets []time.Duration // exact arrival offsets from the window start, sorted
}

// total is the number of arrivals the plan holds.
func (p *tracePlan) total() int64 {
	if p.offsets != nil {
		return int64(len(p.offsets))
	}
	var n int64
	for _, c := range p.minutes {
		n += c
	}
	return n
}

// traceError is a problem in a trace file at a line (1-based; 0 for the whole file).
type traceError struct {
	file string
	line int
	msg  string
}

func (e *traceError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.file, e.msg)
}

// csvRows calls row for each line of a comma-separated file after the header, with its
// line number; header receives the header's fields first. Fields are split on commas
// (the Azure traces quote nothing). The file must exist and stay under the size limit.
func csvRows(path string, header func([]string) error, row func(line int, f []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return &traceError{file: path, msg: fmt.Sprintf("cannot open: %v", errors.Unwrap(err))}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxTraceFileBytes {
		return &traceError{file: path, msg: fmt.Sprintf("file is %d bytes, more than the %d a trace may have", st.Size(), MaxTraceFileBytes)}
	}
	sc := bufio.NewScanner(io.LimitReader(f, MaxTraceFileBytes+1))
	sc.Buffer(make([]byte, 64<<10), maxTraceLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if line == 1 {
			if err := header(fields); err != nil {
				return &traceError{file: path, line: 1, msg: err.Error()}
			}
			continue
		}
		if err := row(line, fields); err != nil {
			var te *traceError
			if errors.As(err, &te) {
				return err
			}
			return &traceError{file: path, line: line, msg: err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return &traceError{file: path, line: line + 1, msg: fmt.Sprintf("cannot read: %v", err)}
	}
	if line == 0 {
		return &traceError{file: path, msg: "empty file (want a header line)"}
	}
	return nil
}

// read2019 reads per-minute counts from an azure-2019 invocations file: the header is
// HashOwner,HashApp,HashFunction,Trigger,1,2,…,K; minute columns from+1..to are summed
// over the chosen functions (all when none are named and top is 0; the top by count
// in the window otherwise; ties broken by hash). to 0 means the last column.
func read2019(path string, functions []string, top, from, to int) (*tracePlan, error) {
	var cols int
	header := func(f []string) error {
		want := []string{"HashOwner", "HashApp", "HashFunction", "Trigger"}
		if len(f) < len(want)+1 || strings.Join(f[:4], ",") != strings.Join(want, ",") {
			return fmt.Errorf("header must start with %s,1,2,… (the azure-2019 invocations format)", strings.Join(want, ","))
		}
		for i, name := range f[4:] {
			if name != strconv.Itoa(i+1) {
				return fmt.Errorf("column %d is %q, want minute %d", i+5, name, i+1)
			}
		}
		cols = len(f) - 4
		return nil
	}
	window := func(f []string) error {
		if err := header(f); err != nil {
			return err
		}
		if to == 0 {
			to = cols
		}
		if to > cols || from >= to {
			return fmt.Errorf("day_minutes [%d, %d] outside the file's %d minutes", from, to, cols)
		}
		return nil
	}
	chosen, err := chooseFunctions(path, window, functions, top, func(f []string) (string, int64, error) {
		n, err := sum2019(f, cols, from, to)
		if err != nil {
			return "", 0, err
		}
		return f[2], n, nil
	})
	if err != nil {
		return nil, err
	}
	plan := &tracePlan{}
	var total int64
	all := len(chosen) == 0
	err = csvRows(path, window, func(line int, f []string) error {
		if len(f) != cols+4 {
			return fmt.Errorf("%d columns, want %d", len(f), cols+4)
		}
		if _, ok := chosen[f[2]]; !all && !ok {
			return nil
		}
		chosen[f[2]] = true
		if plan.minutes == nil {
			plan.minutes = make([]int64, to-from)
		}
		for m := from; m < to; m++ {
			n, err := count2019(f, m)
			if err != nil {
				return err
			}
			plan.minutes[m-from] += n
			total += n
			if total > MaxTraceArrivals {
				break
			}
		}
		if total > MaxTraceArrivals {
			return fmt.Errorf("more than %d arrivals in the window: choose fewer functions or minutes", MaxTraceArrivals)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := allFound(path, chosen); err != nil {
		return nil, err
	}
	if plan.minutes == nil {
		plan.minutes = make([]int64, to-from)
	}
	return plan, nil
}

// sum2019 adds the counts of minute columns from+1..to of one row.
func sum2019(f []string, cols, from, to int) (int64, error) {
	if len(f) != cols+4 {
		return 0, fmt.Errorf("%d columns, want %d", len(f), cols+4)
	}
	var sum int64
	for m := from; m < to; m++ {
		n, err := count2019(f, m)
		if err != nil {
			return 0, err
		}
		sum = min(sum+n, MaxTraceArrivals+1) // no overflow; past the limit is enough to know
	}
	return sum, nil
}

// count2019 reads the count of minute column m (0-based) of a row.
func count2019(f []string, m int) (int64, error) {
	n, err := strconv.ParseInt(f[4+m], 10, 64)
	if err != nil || n < 0 || n > MaxTraceArrivals {
		return 0, fmt.Errorf("column %d (minute %d): want a count from 0 to %d, got %q", 5+m, m+1, MaxTraceArrivals, f[4+m])
	}
	return n, nil
}

// read2021 reads an azure-2021 file (app,func,end_timestamp,duration; seconds): each
// row is one invocation that started at end_timestamp − duration. Starts in minutes
// [from, to) of the trace are kept (to 0: no end), as offsets from minute from.
func read2021(path string, functions []string, top, from, to int) (*tracePlan, error) {
	header := func(f []string) error {
		if strings.Join(f, ",") != "app,func,end_timestamp,duration" {
			return fmt.Errorf("header must be app,func,end_timestamp,duration (the azure-2021 format)")
		}
		return nil
	}
	lo, hi := time.Duration(from)*time.Minute, time.Duration(to)*time.Minute
	start := func(f []string) (time.Duration, bool, error) {
		if len(f) != 4 {
			return 0, false, fmt.Errorf("%d columns, want 4", len(f))
		}
		end, err1 := strconv.ParseFloat(f[2], 64)
		dur, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil || !(end >= 0 && end <= maxTraceSeconds) || !(dur >= 0 && dur <= end+1) {
			return 0, false, fmt.Errorf("want end_timestamp and duration in seconds (%d >= end >= duration >= 0), got %q, %q", maxTraceSeconds, f[2], f[3])
		}
		at := time.Duration(max(end-dur, 0) * float64(time.Second))
		return at, at >= lo && (to == 0 || at < hi), nil
	}
	chosen, err := chooseFunctions(path, header, functions, top, func(f []string) (string, int64, error) {
		_, in, err := start(f)
		switch {
		case err != nil:
			return "", 0, err
		case in:
			return f[1], 1, nil
		}
		return f[1], 0, nil
	})
	if err != nil {
		return nil, err
	}
	plan := &tracePlan{offsets: []time.Duration{}}
	all := len(chosen) == 0
	err = csvRows(path, header, func(line int, f []string) error {
		at, in, err := start(f)
		if err != nil {
			return err
		}
		if _, ok := chosen[f[1]]; !all && !ok {
			return nil
		}
		chosen[f[1]] = true
		if !in {
			return nil
		}
		if len(plan.offsets) >= MaxTraceArrivals {
			return fmt.Errorf("more than %d arrivals in the window: choose fewer functions or minutes", MaxTraceArrivals)
		}
		plan.offsets = append(plan.offsets, at-lo)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := allFound(path, chosen); err != nil {
		return nil, err
	}
	sort.Slice(plan.offsets, func(i, j int) bool { return plan.offsets[i] < plan.offsets[j] })
	return plan, nil
}

// chooseFunctions returns the functions a trace phase replays, each marked not yet
// seen: those named, or with top > 0 the top busiest in the window, counted in a first
// pass over the file (count gives a row's function and its arrivals in the window).
// An empty map means every function.
func chooseFunctions(path string, header func([]string) error, functions []string, top int,
	count func(f []string) (string, int64, error)) (map[string]bool, error) {
	chosen := map[string]bool{}
	for _, fn := range functions {
		chosen[fn] = false
	}
	if top <= 0 {
		return chosen, nil
	}
	totals := map[string]int64{}
	err := csvRows(path, header, func(line int, f []string) error {
		name, n, err := count(f)
		if err != nil {
			return err
		}
		if _, ok := totals[name]; !ok && len(totals) >= maxTraceFunctions {
			return fmt.Errorf("more than %d functions", maxTraceFunctions)
		}
		totals[name] += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, fn := range topFunctions(totals, top) {
		chosen[fn] = false
	}
	return chosen, nil
}

// topFunctions returns the n functions with the most invocations, ties by name.
func topFunctions(totals map[string]int64, n int) []string {
	names := sortedKeys(totals)
	sort.SliceStable(names, func(i, j int) bool { return totals[names[i]] > totals[names[j]] })
	return names[:min(n, len(names))]
}

// allFound reports the named functions that no row of the file has.
func allFound(path string, chosen map[string]bool) error {
	var missing []string
	for _, fn := range sortedKeys(chosen) {
		if !chosen[fn] {
			missing = append(missing, fn)
		}
	}
	if len(missing) > 0 {
		return &traceError{file: path, msg: fmt.Sprintf("function(s) not in the file: %s", strings.Join(missing, ", "))}
	}
	return nil
}

// checkDurations2019 checks the header and rows of an azure-2019 durations file
// (function_durations_percentiles.anon.dNN.csv): HashOwner,HashApp,HashFunction,
// Average,Count,Minimum,Maximum,percentile_…
func checkDurations2019(path string) error {
	return csvRows(path, func(f []string) error {
		want := "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum"
		if len(f) < 7 || strings.Join(f[:7], ",") != want {
			return fmt.Errorf("header must start with %s (the azure-2019 durations format)", want)
		}
		return nil
	}, func(line int, f []string) error {
		if len(f) < 7 {
			return fmt.Errorf("%d columns, want at least 7", len(f))
		}
		if v, err := strconv.ParseFloat(f[3], 64); err != nil || v < 0 {
			return fmt.Errorf("column 4 (Average): want milliseconds >= 0, got %q", f[3])
		}
		return nil
	})
}
