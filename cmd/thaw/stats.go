package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

// procStats is one sample of the process's own resource use, for `make soak`.
type procStats struct {
	At         time.Time `json:"at"`
	Goroutines int       `json:"goroutines"`
	RSSKB      int64     `json:"rss_kb"`  // resident set (Linux /proc/self/status VmRSS; 0 elsewhere)
	FDs        int       `json:"fds"`     // open file descriptors (/proc/self/fd; -1 elsewhere)
	HeapKB     uint64    `json:"heap_kb"` // live heap
}

func readProcStats() procStats {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := procStats{At: time.Now().UTC(), Goroutines: runtime.NumGoroutine(), HeapKB: ms.HeapAlloc >> 10, FDs: -1}
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		st.FDs = len(ents)
	}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:")); ok {
				f := bytes.Fields(rest)
				if len(f) > 0 {
					st.RSSKB, _ = strconv.ParseInt(string(f[0]), 10, 64)
				}
			}
		}
	}
	return st
}

// writeStats appends a procStats line to path every interval until done is closed,
// and once more at the end. A hidden flag of `thaw run` (--stats-file) for the soak.
func writeStats(path string, every time.Duration, done <-chan struct{}) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("stats file: %w", err)
	}
	go func() {
		defer f.Close()
		enc := json.NewEncoder(f)
		t := time.NewTicker(every)
		defer t.Stop()
		_ = enc.Encode(readProcStats())
		for {
			select {
			case <-done:
				_ = enc.Encode(readProcStats())
				return
			case <-t.C:
				_ = enc.Encode(readProcStats())
			}
		}
	}()
	return nil
}
