package k6

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// Formats of k6 output files.
const (
	FormatJSON = "json" // k6 run --out json=FILE
	FormatCSV  = "csv"  // k6 run --out csv=FILE
)

// Options set how a k6 file is read. The zero value detects the format, skips
// malformed lines silently and uses DefaultWindow.
type Options struct {
	Format string           // FormatJSON, FormatCSV or "" to detect from the content
	Strict bool             // a malformed line stops the read
	Window int              // requests that may be incomplete at once (DefaultWindow)
	Warn   func(*LineError) // called for each malformed line that is skipped
}

// Stats counts what a read found.
type Stats struct {
	Format   string
	Requests int64 // samples produced
	Judged   int64 // of which thaw.js or a faas_class tag decided cold or warm
	Skipped  int64 // malformed lines and incomplete requests left out
}

// ReadFile reads the k6 output file at path (see Read).
func ReadFile(path string, o Options, fn func(*Request) error) (Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, fmt.Errorf("read k6 output: %w", err)
	}
	defer f.Close()
	return Read(f, path, o, fn)
}

// Read streams k6 output (JSON or CSV, plain or gzipped: detected from the bytes)
// from r and calls fn with every HTTP request, in the order requests complete. name
// is used in errors. fn's error stops the read and is returned.
func Read(r io.Reader, name string, o Options, fn func(*Request) error) (Stats, error) {
	var st Stats
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return st, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	format, err := detect(br, o.Format)
	if err != nil {
		return st, fmt.Errorf("%s: %w", name, err)
	}
	st.Format = format
	bad := func(e *LineError) error {
		st.Skipped++
		if o.Strict {
			return e
		}
		if o.Warn != nil {
			o.Warn(e)
		}
		return nil
	}
	var b builder
	a := newAssembler(name, o.Window, func(g *group) error {
		req := b.build(g)
		st.Requests++
		if req.Sample.DecidedBy != "" {
			st.Judged++
		}
		return fn(&req)
	}, bad)
	if format == FormatCSV {
		err = readCSV(br, name, a.add, bad)
	} else {
		err = readJSON(br, name, a.add, bad)
	}
	if err == nil {
		err = a.flush()
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%s: truncated or corrupt gzip data: %w", name, err)
	}
	return st, err
}

// detect returns the format: the one asked for, or JSON when the first non-blank byte
// is '{' and CSV when the content starts with k6's CSV header.
func detect(br *bufio.Reader, want string) (string, error) {
	switch want {
	case FormatJSON, FormatCSV:
		return want, nil
	case "":
	default:
		return "", fmt.Errorf("format %q: want %q or %q", want, FormatJSON, FormatCSV)
	}
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(head) == 0:
		return FormatJSON, nil // empty: no requests either way
	case head[0] == '{':
		return FormatJSON, nil
	case bytes.HasPrefix(head, []byte("metric_name,")):
		return FormatCSV, nil
	}
	return "", errors.New("neither k6 JSON (lines starting with '{') nor k6 CSV (header starting with metric_name,)")
}
