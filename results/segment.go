package results

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Segment says which part of a run a run directory holds: Index of Count (1-based).
// The segments of one run share Summary.RunID, and their union is the whole run.
type Segment struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// String formats the segment as i/n.
func (s Segment) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// ParseSegment reads "i/n" with 1 <= i <= n.
func ParseSegment(text string) (Segment, error) {
	a, b, ok := strings.Cut(text, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Segment{}, fmt.Errorf("segment %q: want i/n with 1 <= i <= n, e.g. 2/3", text)
	}
	return Segment{Index: i, Count: n}, nil
}

// ErrMismatch wraps every reason CheckMergeable refuses a set of runs.
var ErrMismatch = errors.New("runs cannot be merged")

// CheckMergeable reports whether the runs in dirs (with their summaries, in the same
// order) are parts of one run: the same scenario (name and, when kept, the same
// scenario file), and, when any is a segment, all segments of one run id, each index
// 1..n exactly once. Every problem is listed, wrapped in ErrMismatch.
func CheckMergeable(dirs []string, sums []*Summary) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	first := sums[0]
	src0, _ := os.ReadFile(filepath.Join(dirs[0], ScenarioFile))
	for i, s := range sums[1:] {
		d := dirs[i+1]
		if s.Scenario != first.Scenario {
			bad("%s is scenario %q but %s is %q", d, s.Scenario, dirs[0], first.Scenario)
			continue
		}
		src, _ := os.ReadFile(filepath.Join(d, ScenarioFile))
		if len(src0) > 0 && len(src) > 0 && !bytes.Equal(src, src0) {
			bad("%s and %s ran different versions of scenario %q (%s differs)", d, dirs[0], s.Scenario, ScenarioFile)
		}
	}
	segmented := 0
	for _, s := range sums {
		if s.Segment != nil {
			segmented++
		}
	}
	if segmented == 0 {
		return wrapMismatch(errs)
	}
	seen := map[int]string{}
	n := 0
	for i, s := range sums {
		d := dirs[i]
		switch {
		case s.Segment == nil:
			bad("%s is not a segment, but other runs are (thaw run --segment)", d)
			continue
		case n == 0:
			n = s.Segment.Count
		case s.Segment.Count != n:
			bad("%s is segment %s but %s is of %d segments", d, s.Segment, dirs[0], n)
			continue
		}
		if s.RunID != first.RunID {
			bad("%s has run id %q but %s has %q: segments of different runs", d, s.RunID, dirs[0], first.RunID)
		}
		if prev, dup := seen[s.Segment.Index]; dup {
			bad("%s and %s both hold segment %s (overlapping)", prev, d, s.Segment)
			continue
		}
		seen[s.Segment.Index] = d
	}
	var missing []string
	for i := 1; i <= n; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		bad("segment(s) %s missing", strings.Join(missing, ", "))
	}
	return wrapMismatch(errs)
}

func wrapMismatch(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n%w", ErrMismatch, errors.Join(errs...))
}
