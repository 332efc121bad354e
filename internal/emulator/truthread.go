package emulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// ReadTruthLog decodes a truth log (JSON lines; blank lines are skipped; unknown fields
// are ignored so newer logs stay readable). Errors name
// the line. Safe for concurrent use.
func ReadTruthLog(r io.Reader) ([]TruthRecord, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	var out []TruthRecord
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec TruthRecord
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("truth log line %d: %w", line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("truth log line %d: more than one JSON value", line)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("truth log: %w", err)
	}
	return out, nil
}

// LoadTruthLog reads the truth log file at path (see ReadTruthLog).
func LoadTruthLog(path string) ([]TruthRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("truth log: %w", err)
	}
	defer f.Close()
	return ReadTruthLog(f)
}
