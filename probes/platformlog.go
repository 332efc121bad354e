package probes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// DefaultLogWait is how long the platform probe waits for a sample's lines to appear
// in a log file (`platform: {log: FILE}`) before it abstains: the emulator writes its
// REPORT line just after the response.
const DefaultLogWait = 250 * time.Millisecond

// logPoll is how often a log file is read again while waiting.
const logPoll = 5 * time.Millisecond

// lambdaLogFile reads a Lambda log file as it grows (the Runtime Interface Emulator's
// output, or a CloudWatch Logs export of a real function) and groups its platform
// lines by request id: INIT lines before a START belong to that START's invocation
// (AWS), INIT lines inside a START…REPORT block to that block (the emulator's in-place
// re-init). Each kept line starts at its keyword, so ParseLambdaLog reads it whatever
// prefix (timestamp, log level) the file puts before it. Not safe for concurrent use.
type lambdaLogFile struct {
	path    string
	wait    time.Duration
	off     int64
	partial []byte
	pending []string // INIT lines not yet tied to an invocation
	cur     string   // request id of the open START…REPORT block
	blocks  map[string]*logBlock
}

type logBlock struct {
	lines []string
	done  bool // its REPORT line was read
}

func newLambdaLogFile(path string, wait time.Duration) *lambdaLogFile {
	return &lambdaLogFile{path: path, wait: wait, blocks: map[string]*logBlock{}}
}

// lookup returns the platform lines of the first of ids found with its REPORT line,
// reading the file again for up to f.wait while none is complete. The text is "" with
// a reason when nothing was found.
func (f *lambdaLogFile) lookup(ids []string) (string, string) {
	deadline := time.Now().Add(f.wait)
	for {
		err := f.refresh()
		for _, id := range ids {
			if b := f.blocks[id]; b != nil && b.done {
				delete(f.blocks, id) // each invocation is judged once; memory stays bounded
				return strings.Join(b.lines, "\n"), ""
			}
		}
		if err != nil {
			return "", err.Error()
		}
		if !time.Now().Before(deadline) {
			return "", fmt.Sprintf("no REPORT line for request %s in %s", strings.Join(ids, " / "), f.path)
		}
		time.Sleep(logPoll)
	}
}

// refresh reads what was appended since the last call. A file that does not exist
// yet is empty.
func (f *lambdaLogFile) refresh() error {
	file, err := os.Open(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("platform log: %w", err)
	}
	defer file.Close()
	if _, err := file.Seek(f.off, io.SeekStart); err != nil {
		return fmt.Errorf("platform log %s: %w", f.path, err)
	}
	data, err := io.ReadAll(file)
	if err != nil {
		return fmt.Errorf("platform log %s: %w", f.path, err)
	}
	f.off += int64(len(data))
	data = append(f.partial, data...)
	end := bytes.LastIndexByte(data, '\n')
	if end < 0 {
		f.partial = data
		return nil
	}
	f.partial = append([]byte(nil), data[end+1:]...)
	for _, line := range strings.Split(string(data[:end]), "\n") {
		f.add(line)
	}
	return nil
}

// initWords start the platform lines about an initialisation.
var initWords = []string{"INIT_START", "INIT START", "INIT_REPORT", "INIT REPORT"}

func (f *lambdaLogFile) add(line string) {
	for _, w := range initWords {
		if i := strings.Index(line, w); i >= 0 {
			if b := f.blocks[f.cur]; f.cur != "" && b != nil {
				b.lines = append(b.lines, line[i:])
			} else {
				f.pending = append(f.pending, line[i:])
			}
			return
		}
	}
	if id, rest, ok := requestLine(line, "START RequestId:"); ok {
		f.cur = id
		f.blocks[id] = &logBlock{lines: append(f.pending, rest)}
		f.pending = nil
		return
	}
	if id, rest, ok := requestLine(line, "REPORT RequestId:"); ok {
		b := f.blocks[id]
		if b == nil { // a REPORT without its START (the file was cut): still a verdict
			b = &logBlock{lines: f.pending}
			f.pending = nil
			f.blocks[id] = b
		}
		b.lines, b.done = append(b.lines, rest), true
		if f.cur == id {
			f.cur = ""
		}
	}
}

// requestLine finds key in line and returns the request id after it and the line
// from key on.
func requestLine(line, key string) (id, rest string, ok bool) {
	i := strings.Index(line, key)
	if i < 0 {
		return "", "", false
	}
	fields := strings.Fields(line[i+len(key):])
	if len(fields) == 0 {
		return "", "", false
	}
	return fields[0], line[i:], true
}
