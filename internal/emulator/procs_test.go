package emulator_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// procStat returns the state letter and parent pid of pid from /proc, ok false when the
// process does not exist.
func procStat(pid int) (state byte, ppid int, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+4 > len(s) {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0][0], ppid, err == nil
}

// alive reports whether pid runs (a zombie has ended: it only waits to be reaped).
func alive(pid int) bool {
	st, _, ok := procStat(pid)
	return ok && st != 'Z'
}

// children returns the live child processes of parent.
func children(t testing.TB, parent int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatalf("process count needs /proc: %v", err)
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, pp, ok := procStat(pid); ok && pp == parent && st != 'Z' {
			out = append(out, pid)
		}
	}
	return out
}
