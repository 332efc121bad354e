package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// File names inside a run directory.
const (
	SamplesFile  = "samples.ndjson"
	SummaryFile  = "summary.json"
	ScenarioFile = "scenario.yaml" // the scenario as written (variables not expanded)
)

// DefaultFlushInterval is how often a Writer flushes buffered samples to disk.
const DefaultFlushInterval = time.Second

// ReserveBytes is the disk space a Writer holds in the run directory (file
// ReserveFile) while it runs and gives back on Close, so that a run stopped by a full
// disk can still write its summary and report.
const (
	ReserveBytes = 4 << 20
	ReserveFile  = ".thaw-reserve"
)

// Writer streams samples to samples.ndjson, one JSON object per line. Lines are
// encoded straight into the Writer's buffer, which is written to the file in whole
// lines when it is nearly full, at most one flush interval after a line was added,
// and on Close: an interrupted run loses at most that interval, and a crash leaves at
// most one partial last line (which ReadSamples ignores). A Writer with nothing to
// flush sets no timer: an idle phase costs nothing. It is safe for concurrent use.
type Writer struct {
	mu      sync.Mutex
	f       *os.File
	buf     []byte // whole lines not yet written to f
	err     error
	n       int64
	every   time.Duration
	timer   *time.Timer // flushes what was written since the last flush
	pending bool        // the timer is armed
	closed  bool
	cache   lineCache // the last second and evidence written, reused while they repeat
	reserve string    // path of the reserve file; "" when none could be made
}

// writerBufBytes is the size of a Writer's buffer; it is written out once less than
// writerSlackBytes are left, so that a line (a few hundred bytes; a few kilobytes with
// a log tail) rarely outgrows it. A write to the file costs tens of microseconds on
// top of its bytes while a run's sockets are busy: in a closed-model run at 40,000
// samples a second, Writer.Write took 825 ns on average with a 64 KiB buffer, 725
// with 256 KiB and 705 with 1 MiB (the timed flush still writes at least once a
// second, and open-model send lag measured the same).
const (
	writerBufBytes   = 1 << 20
	writerSlackBytes = 64 << 10
)

// CreateWriter creates dir (and parents) and a new samples file in it.
func CreateWriter(dir string, flushEvery time.Duration) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create run directory: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, SamplesFile))
	if err != nil {
		return nil, fmt.Errorf("create samples file: %w", err)
	}
	if flushEvery <= 0 {
		flushEvery = DefaultFlushInterval
	}
	w := &Writer{f: f, buf: make([]byte, 0, writerBufBytes), every: flushEvery,
		reserve: makeReserve(filepath.Join(dir, ReserveFile))}
	return w, nil
}

// makeReserve makes path a file of ReserveBytes (real blocks, not a sparse file) and
// returns path, or "" when the disk has not even that much room.
func makeReserve(path string) string {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return ""
	}
	err = allocate(f, ReserveBytes)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return ""
	}
	return path
}

// writeZeros writes n zero bytes to f, a block at a time.
func writeZeros(f *os.File, n int64) error {
	zeros := make([]byte, 64<<10)
	for n > 0 {
		k, err := f.Write(zeros[:min(n, int64(len(zeros)))])
		if err != nil {
			return err
		}
		n -= int64(k)
	}
	return nil
}

// flushTimed is the timer's flush of what was written since the last one.
func (w *Writer) flushTimed() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = false
	if !w.closed {
		w.writeOut()
	}
}

// writeOut writes the buffered lines to the file and empties the buffer; the first
// error is kept in w.err. Called with w.mu held.
func (w *Writer) writeOut() {
	if w.err != nil || len(w.buf) == 0 {
		return
	}
	_, err := w.f.Write(w.buf)
	w.err = writeErr(err)
	w.buf = w.buf[:0]
	if cap(w.buf) > 4*writerBufBytes { // a very long line grew it: give the memory back
		w.buf = make([]byte, 0, writerBufBytes)
	}
}

// armFlush makes sure what was just written is flushed within the interval.
// Called with w.mu held.
func (w *Writer) armFlush() {
	if w.pending {
		return
	}
	w.pending = true
	if w.timer == nil {
		w.timer = time.AfterFunc(w.every, w.flushTimed)
		return
	}
	w.timer.Reset(w.every)
}

// Write appends one sample. The first I/O error is kept and returned by every later
// call and by Close; a sample that cannot be encoded is an error of its own and
// leaves nothing in the file.
func (w *Writer) Write(s *Sample) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	b, err := appendSample(w.buf, s, &w.cache, true)
	if err != nil {
		return fmt.Errorf("encode sample %d: %w", s.Seq, err)
	}
	w.buf = append(b, '\n')
	if cap(w.buf)-len(w.buf) < writerSlackBytes {
		if w.writeOut(); w.err != nil {
			return w.err
		}
	}
	w.n++
	if len(w.buf) > 0 {
		w.armFlush()
	}
	return nil
}

// writeErr wraps an error writing the samples file; a full disk says so plainly.
func writeErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("write samples: disk full (the samples before this point are kept): %w", err)
	}
	return fmt.Errorf("write samples: %w", err)
}

// Count is the number of samples written.
func (w *Writer) Count() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Close flushes, syncs and closes the file, and gives the reserved space back.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.timer != nil {
		w.timer.Stop() // a flush already running waits for the lock, then does nothing
	}
	if w.reserve != "" {
		_ = os.Remove(w.reserve)
		w.reserve = ""
	}
	w.writeOut()
	err := w.err
	if err == nil {
		err = w.f.Sync()
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("close samples: %w", err)
	}
	return nil
}

// WriteJSONFile writes v as indented JSON to path atomically (temporary file, rename).
func WriteJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return WriteFileAtomic(path, append(b, '\n'))
}

// WriteFileAtomic writes data to path through a temporary file and a rename, so a
// reader never sees a half-written file.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

// WriteSummary writes summary.json into dir.
func WriteSummary(dir string, s *Summary) error {
	if s.Version == 0 {
		s.Version = SummaryVersion
	}
	return WriteJSONFile(filepath.Join(dir, SummaryFile), s)
}

// ReadSummary reads summary.json from dir.
func ReadSummary(dir string) (*Summary, error) {
	path := filepath.Join(dir, SummaryFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// MaxSampleLineBytes bounds one line of a samples file: a longer line (a corrupt or
// hostile file) is an error, not an unbounded allocation. A sample with its evidence
// (body prefix, kept headers, log tail) is a few kilobytes.
const MaxSampleLineBytes = 1 << 20

// Tail describes the end of a samples file as read: a last line cut short by a run
// that was killed mid-write (or a full disk) is ignored and described here, so a
// reader can report it.
type Tail struct {
	Truncated bool  // the last line was not a whole sample and was ignored
	Line      int   // its line number
	Bytes     int   // its length
	Samples   int64 // whole samples read
}

// String describes a truncated tail for messages ("" when the file ended cleanly).
func (t Tail) String() string {
	if !t.Truncated {
		return ""
	}
	return fmt.Sprintf("last line (%d) cut short after %d bytes: ignored; %d whole samples read", t.Line, t.Bytes, t.Samples)
}

// ReadSamples calls fn for every sample in dir's samples file, in file order. A
// truncated last line (a run killed mid-write) is ignored; a malformed line elsewhere
// is an error naming the file and line. fn's error stops the read and is returned.
func ReadSamples(dir string, fn func(*Sample) error) error {
	_, err := ReadSamplesTail(dir, fn)
	return err
}

// ReadSamplesTail is ReadSamples, also saying whether the last line was cut short.
func ReadSamplesTail(dir string, fn func(*Sample) error) (Tail, error) {
	path := filepath.Join(dir, SamplesFile)
	f, err := os.Open(path)
	if err != nil {
		return Tail{}, fmt.Errorf("read samples: %w", err)
	}
	defer f.Close()
	return DecodeSamplesTail(f, path, fn)
}

// DecodeSamples reads NDJSON samples from r; name is used in errors. Lines are decoded
// with github.com/goccy/go-json, a drop-in for encoding/json about three times faster
// here on samples (the whole-run pass reads millions; a hand-written parser of the
// sample's own shape measured slower still: decoding is mostly its allocations).
// Lines that end with the evidence of the line before share its headers map and body
// (see Evidence), which saves most of those allocations on runs whose responses repeat.
func DecodeSamples(r io.Reader, name string, fn func(*Sample) error) error {
	_, err := DecodeSamplesTail(r, name, fn)
	return err
}

// DecodeSamplesTail is DecodeSamples, also describing a last line cut short. A line
// longer than MaxSampleLineBytes is an error naming the file and line.
func DecodeSamplesTail(r io.Reader, name string, fn func(*Sample) error) (Tail, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var tail Tail
	var d lineDecoder
	for line := 1; ; line++ {
		b, err := readLine(br)
		last := errors.Is(err, io.EOF)
		if err != nil && !last {
			return tail, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		b = bytes.TrimSpace(b)
		if len(b) > 0 {
			var s Sample
			if jerr := d.decode(b, &s); jerr != nil {
				if last { // partial final line of an interrupted write
					tail.Truncated, tail.Line, tail.Bytes = true, line, len(b)
					return tail, nil
				}
				return tail, fmt.Errorf("%s:%d: %w", name, line, jerr)
			}
			tail.Samples++
			if ferr := fn(&s); ferr != nil {
				return tail, ferr
			}
		}
		if last {
			return tail, nil
		}
	}
}

// readLine returns the next line (with its newline), at most MaxSampleLineBytes long;
// io.EOF comes with the last line when it has no newline. The line may be br's own
// buffer: it is valid until the next read (copy it to keep it).
func readLine(br *bufio.Reader) ([]byte, error) {
	chunk, err := br.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return chunk, err // the common case: the line is in the buffer, no copy
	}
	line := append([]byte(nil), chunk...)
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > MaxSampleLineBytes {
			return nil, fmt.Errorf("line longer than %d bytes", MaxSampleLineBytes)
		}
		line = append(line, chunk...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// LoadSamples reads every sample of dir into memory.
func LoadSamples(dir string) ([]Sample, error) {
	var out []Sample
	err := ReadSamples(dir, func(s *Sample) error {
		out = append(out, *s)
		return nil
	})
	return out, err
}
