package results

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
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

// mergeChunkBytes bounds the sample lines held in memory while merging: lines are
// sorted in chunks of this size, written to temporary files, and the files merged.
var mergeChunkBytes = 16 << 20

// MergeSamples streams the samples of the run directories dirs in start-time order
// (ties keep directory order, then file order), with Seq renumbered 1…N so it stays
// unique. It is an external merge sort, so the input files need not be sorted and
// memory stays bounded (about mergeChunkBytes) whatever their size: the lines are
// sorted in chunks into temporary files under tmp, which are then merged k ways and
// removed. The returned Samples may be called once.
func MergeSamples(dirs []string, tmp string) Samples {
	return func(yield func(*Sample) error) error {
		work, err := os.MkdirTemp(tmp, ".merge-")
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		defer os.RemoveAll(work)
		runs, err := sortedRuns(dirs, work)
		if err != nil {
			return err
		}
		return mergeRuns(runs, yield)
	}
}

// keyed is one sample line with its sort key.
type keyed struct {
	start time.Time
	line  []byte
}

// sortedRuns cuts the samples of dirs into sorted temporary files and returns their paths.
func sortedRuns(dirs []string, work string) ([]string, error) {
	var (
		runs  []string
		chunk []keyed
		size  int
	)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		slices.SortStableFunc(chunk, func(a, b keyed) int { return a.start.Compare(b.start) })
		path := filepath.Join(work, fmt.Sprintf("run-%04d.ndjson", len(runs)))
		if err := writeLines(path, chunk); err != nil {
			return err
		}
		runs = append(runs, path)
		chunk, size = chunk[:0], 0
		return nil
	}
	for _, d := range dirs {
		err := sampleLines(filepath.Join(d, SamplesFile), func(start time.Time, line []byte) error {
			chunk = append(chunk, keyed{start, line})
			if size += len(line); size >= mergeChunkBytes {
				return flush()
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return runs, flush()
}

// sampleLines calls fn with the start time and text of every sample line of path; a
// truncated last line is ignored, as ReadSamples does.
func sampleLines(path string, fn func(time.Time, []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read samples: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for n := 1; ; n++ {
		b, err := br.ReadBytes('\n')
		last := errors.Is(err, io.EOF)
		if err != nil && !last {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			var k struct {
				Start time.Time `json:"start"`
			}
			if jerr := json.Unmarshal(b, &k); jerr != nil {
				if last {
					return nil
				}
				return fmt.Errorf("%s:%d: %w", path, n, jerr)
			}
			if ferr := fn(k.Start, b); ferr != nil {
				return ferr
			}
		}
		if last {
			return nil
		}
	}
}

func writeLines(path string, lines []keyed) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	for _, k := range lines {
		_, _ = bw.Write(k.line)
		_ = bw.WriteByte('\n')
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	return nil
}

// runReader is the head of one sorted temporary file.
type runReader struct {
	br   *bufio.Reader
	f    *os.File
	idx  int
	head Sample
}

// next reads the following sample into head; ok false at the end.
func (r *runReader) next() (bool, error) {
	b, err := r.br.ReadBytes('\n')
	if len(bytes.TrimSpace(b)) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return false, fmt.Errorf("merge: %w", err)
		}
		return false, nil
	}
	r.head = Sample{}
	if err := json.Unmarshal(b, &r.head); err != nil {
		return false, fmt.Errorf("merge: %s: %w", r.f.Name(), err)
	}
	return true, nil
}

// runHeap orders run readers by their head's start, then by run order (stable).
type runHeap []*runReader

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(i, j int) bool {
	if c := h[i].head.Start.Compare(h[j].head.Start); c != 0 {
		return c < 0
	}
	return h[i].idx < h[j].idx
}
func (h runHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)   { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// mergeRuns merges the sorted files k ways and yields their samples in order.
func mergeRuns(paths []string, yield func(*Sample) error) error {
	h := make(runHeap, 0, len(paths))
	defer func() {
		for _, r := range h {
			r.f.Close()
		}
	}()
	for i, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("merge: %w", err)
		}
		r := &runReader{br: bufio.NewReaderSize(f, 32<<10), f: f, idx: i}
		ok, err := r.next()
		if err != nil || !ok {
			f.Close()
			if err != nil {
				return err
			}
			continue
		}
		h = append(h, r)
	}
	heap.Init(&h)
	var seq int64
	for h.Len() > 0 {
		r := h[0]
		seq++
		s := r.head
		s.Seq = seq
		if err := yield(&s); err != nil {
			return err
		}
		ok, err := r.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			r.f.Close()
			heap.Pop(&h)
		}
	}
	return nil
}
