package results

import (
	"bufio"
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	gojson "github.com/goccy/go-json"
)

// mergeChunkBytes bounds the sample lines held in memory while merging: lines are
// sorted in chunks of this size, written to temporary files, and the files merged.
var mergeChunkBytes = 16 << 20

// MergeSamples streams the samples of the run directories dirs in start-time order;
// see MergeSampleLines. The returned Samples may be called once.
func MergeSamples(dirs []string, tmp string) Samples {
	return func(yield func(*Sample) error) error {
		var d lineDecoder
		return MergeSampleLines(dirs, tmp, func(line []byte) error {
			var s Sample
			if err := d.decode(line, &s); err != nil {
				return fmt.Errorf("merge: %w", err)
			}
			return yield(&s)
		})
	}
}

// MergeSampleFile writes the samples of dirs, merged (see MergeSampleLines), to
// out/samples.ndjson, replacing it atomically when complete, and returns how many it
// wrote. Lines are copied, not decoded, so this is fast; the whole-run pass then
// rewrites the file with WriteRun.
func MergeSampleFile(dirs []string, out string) (int64, error) {
	tmp, err := os.CreateTemp(out, ".merged-*.ndjson")
	if err != nil {
		return 0, fmt.Errorf("merge: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 64<<10)
	var n int64
	err = MergeSampleLines(dirs, out, func(line []byte) error {
		n++
		if _, err := bw.Write(line); err != nil {
			return err
		}
		return bw.WriteByte('\n')
	})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(out, SamplesFile))
	}
	if err != nil {
		return 0, fmt.Errorf("merge: %w", err)
	}
	return n, nil
}

// MergeSampleLines calls fn with every sample line of the run directories dirs, in
// start-time order (ties keep directory order, then file order), with seq renumbered
// 1…N so it stays unique. It is an external merge sort, so the input files need not
// be sorted and memory stays bounded (about mergeChunkBytes) whatever their size:
// lines are sorted in chunks into temporary files under tmp, which are then merged k
// ways and removed. A truncated last line of a file is ignored, as ReadSamples does.
func MergeSampleLines(dirs []string, tmp string, fn func(line []byte) error) error {
	work, err := os.MkdirTemp(tmp, ".merge-")
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	defer os.RemoveAll(work)
	runs, err := sortedRuns(dirs, work)
	if err != nil {
		return err
	}
	return mergeRuns(runs, fn)
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
		clear(chunk)
		chunk, size = chunk[:0], 0
		return nil
	}
	for _, d := range dirs {
		err := sampleLines(filepath.Join(d, SamplesFile), func(start time.Time, line []byte) error {
			chunk = append(chunk, keyed{start, bytes.Clone(line)}) // line is the reader's buffer
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

// startKey is the sample's start time, read straight from the line: Writer puts the
// top-level "start" before any nested object, and a quote inside a string is escaped,
// so the first `"start":"` is it. Lines written otherwise are decoded.
func startKey(line []byte) (time.Time, error) {
	const key = `"start":"`
	if i := bytes.Index(line, []byte(key)); i >= 0 {
		rest := line[i+len(key):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			if t, err := time.Parse(time.RFC3339Nano, string(rest[:j])); err == nil {
				return t, nil
			}
		}
	}
	var k struct {
		Start time.Time `json:"start"`
	}
	err := gojson.Unmarshal(line, &k)
	return k.Start, err
}

// sampleLines calls fn with the start time and text of every sample line of path.
func sampleLines(path string, fn func(time.Time, []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read samples: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for n := 1; ; n++ {
		b, err := readLine(br) // the same bounded line reader as DecodeSamplesTail
		last := errors.Is(err, io.EOF)
		if err != nil && !last {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			start, kerr := startKey(b)
			if kerr != nil || !gojson.Valid(b) {
				if last {
					return nil // partial final line of an interrupted write
				}
				return fmt.Errorf("%s:%d: not a sample: %w", path, n, errors.Join(kerr, errors.New("invalid JSON")))
			}
			if ferr := fn(start, b); ferr != nil {
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
	br    *bufio.Reader
	f     *os.File
	idx   int
	line  []byte
	start time.Time
}

// next reads the following line into the head; ok false at the end.
func (r *runReader) next() (bool, error) {
	b, err := r.br.ReadBytes('\n')
	if r.line = bytes.TrimSpace(b); len(r.line) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return false, fmt.Errorf("merge: %w", err)
		}
		return false, nil
	}
	if r.start, err = startKey(r.line); err != nil {
		return false, fmt.Errorf("merge: %s: %w", r.f.Name(), err)
	}
	return true, nil
}

// runHeap orders run readers by their head's start, then by run order (stable).
type runHeap []*runReader

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(i, j int) bool {
	if c := h[i].start.Compare(h[j].start); c != 0 {
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

// mergeRuns merges the sorted files k ways and passes their lines, renumbered, to fn.
func mergeRuns(paths []string, fn func([]byte) error) error {
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
	var buf []byte
	for h.Len() > 0 {
		r := h[0]
		seq++
		line, err := renumber(buf[:0], r.line, seq)
		if err != nil {
			return err
		}
		buf = line
		if err := fn(line); err != nil {
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

// renumber appends line to dst with its seq set to seq. Writer's lines start with
// {"seq":N, (or with no seq when it was 0): the number is replaced or inserted in
// place; other lines are decoded and encoded again.
func renumber(dst, line []byte, seq int64) ([]byte, error) {
	const prefix = `{"seq":`
	if bytes.HasPrefix(line, []byte(prefix)) {
		if i := bytes.IndexByte(line, ','); i > len(prefix) {
			dst = append(dst, prefix...)
			dst = strconv.AppendInt(dst, seq, 10)
			return append(dst, line[i:]...), nil
		}
	} else if len(line) > 2 && line[0] == '{' && line[1] == '"' && !bytes.Contains(line, []byte(`"seq":`)) {
		dst = append(dst, prefix...)
		dst = strconv.AppendInt(dst, seq, 10)
		dst = append(dst, ',')
		return append(dst, line[1:]...), nil
	}
	var s Sample
	if err := gojson.Unmarshal(line, &s); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	s.Seq = seq
	return AppendSample(dst, &s)
}
