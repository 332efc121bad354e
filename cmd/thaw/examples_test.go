package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
	"github.com/thaw-dev/thaw/results"
)

// exampleScale is the time scale of TestExamples (the emulator and thaw run agree).
const exampleScale = 600

// TestExamples runs every scenario in scenarios/examples against an in-process
// emulator at a high time scale, so that none of them rots: each must exit 0 and write
// a summary with invocations, no errors, and exactly the emulator's count of requests
// and cold starts.
func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("timing-sensitive (instances start slower under the race detector and the examples' 20-instance cap throttles): runs in the full pass")
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "scenarios", "examples", "*.yaml"))
	// lambda-*.yaml call the Lambda Invoke API: TestRIE runs them against the emulator.
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasPrefix(filepath.Base(f), "lambda-") })
	if err != nil || len(files) < 6 {
		t.Fatalf("example scenarios: %v (%d files, want ≥ 6)", err, len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			cfg := emulator.DefaultConfig()
			cfg.TimeScale, cfg.MaxInstances = exampleScale, 20
			em := emulatortest.Start(t, cfg)
			dir := filepath.Join(t.TempDir(), "out")
			var stdout, stderr bytes.Buffer
			code := run([]string{"run", file, "--target", em.URL(), "--out", dir,
				"--time-scale", strconv.Itoa(exampleScale), "--quiet"}, &stdout, &stderr)
			if code != exitOK {
				t.Fatalf("thaw run exit %d\nstdout: %s\nstderr: %s", code, stdout.String(), stderr.String())
			}
			sum, err := results.ReadSummary(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := em.Close(); err != nil {
				t.Fatal(err)
			}
			checkAgainstTruth(t, sum, em.Truth())
		})
	}
}

// checkAgainstTruth compares a run's totals with what the emulator really did.
func checkAgainstTruth(t *testing.T, sum *results.Summary, truth []emulator.TruthRecord) {
	t.Helper()
	tot := sum.Totals
	if tot.Count == 0 || tot.Errors != 0 || len(tot.ErrorsByKind) != 0 {
		t.Errorf("totals: count %d errors %d %v, want invocations and no errors", tot.Count, tot.Errors, tot.ErrorsByKind)
	}
	var cold, warm int64
	for _, r := range truth {
		switch {
		case r.Cold:
			cold++
		case r.Instance != "":
			warm++
		}
	}
	if int64(len(truth)) != tot.Count || tot.Cold != cold || tot.Warm != warm {
		t.Errorf("summary count %d cold %d warm %d; emulator truth %d requests, cold %d warm %d",
			tot.Count, tot.Cold, tot.Warm, len(truth), cold, warm)
	}
}

// TestEmulateUsage: bad flags are usage errors (exit 2) that name the problem.
func TestEmulateUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"emulate", "--max-instances", "0"}, "max-instances 0"},
		{[]string{"emulate", "--init", "gamma:1s"}, "unknown distribution"},
		{[]string{"emulate", "--error-rate", "2"}, "error-rate 2"},
		{[]string{"emulate", "--keep-alive", "soon"}, "keep-alive"},
		{[]string{"emulate", "extra"}, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d naming %q", code, stderr.String(), exitUsage, tc.want)
			}
		})
	}
}

// TestEmulateStopsChildrenOnSignal: `thaw emulate` prints its URL first, serves with real
// instance processes, and on SIGTERM or SIGINT exits 0 leaving no instance process.
func TestEmulateStopsChildrenOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			truthLog := filepath.Join(t.TempDir(), "truth.jsonl")
			cmd, url := startEmulateCmd(t, "--addr", ":0", "--init", "20ms", "--truth-log", truthLog)
			for i := range 3 {
				go func() { _ = getStatus(fmt.Sprintf("%s/w-%d?sleep=300ms", url, i)) }()
			}
			kids := waitChildren(t, cmd.Process.Pid, 3)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("thaw emulate after %v: %v", sig, err)
			}
			for _, pid := range kids {
				if processAlive(pid) {
					t.Errorf("instance process %d outlived thaw emulate", pid)
				}
			}
			recs, err := emulator.LoadTruthLog(truthLog)
			if err != nil || len(recs) != 3 {
				t.Errorf("truth log: %d records, %v; want the 3 calls", len(recs), err)
			}
		})
	}
}

// startEmulateCmd runs `thaw emulate ARGS` as a child (this test binary) and returns
// it with the URL from its first stdout line. The child is killed at the end.
func startEmulateCmd(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	raw, err := json.Marshal(append([]string{"emulate"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envRunArgs+"="+string(raw))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case l := <-line:
		const prefix = "thaw emulate: listening on "
		if !strings.HasPrefix(l, prefix+"http://127.0.0.1:") {
			t.Fatalf("first line %q, want %q + loopback URL", l, prefix)
		}
		return cmd, strings.TrimPrefix(l, prefix)
	case <-time.After(20 * time.Second):
		t.Fatal("thaw emulate printed no URL within 20 s")
	}
	return nil, ""
}

func getStatus(url string) int {
	c := &http.Client{Timeout: 20 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// waitChildren waits (up to 10 s) until parent has n live children and returns them.
func waitChildren(t *testing.T, parent, n int) []int {
	t.Helper()
	var kids []int
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if kids = childPIDs(parent); len(kids) == n {
			return kids
		}
	}
	t.Fatalf("process %d has children %v, want %d", parent, kids, n)
	return nil
}

// childPIDs lists the live (not zombie) children of parent from /proc.
func childPIDs(parent int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, pp, ok := statOf(pid); ok && pp == parent && st != "Z" {
			out = append(out, pid)
		}
	}
	return out
}

func processAlive(pid int) bool {
	st, _, ok := statOf(pid)
	return ok && st != "Z"
}

// statOf reads the state and parent pid of pid from /proc/PID/stat.
func statOf(pid int) (state string, ppid int, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return "", 0, false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0], ppid, err == nil
}

// Help texts say what the commands do: the time-scale flag renders with its type
// (pflag reads a backquoted word in a usage string as the value's name), and emulate
// names its real first line.
func TestHelpTexts(t *testing.T) {
	cases := []struct {
		args      []string
		want, not string
	}{
		{[]string{"run", "--help"}, "--time-scale float", "--time-scale thaw"},
		{[]string{"emulate", "--help"}, `"thaw emulate: listening` + "\n" + `on URL"`, "The first stdout line is the URL"},
		{[]string{"gate", "--help"}, "--allow-different", "significant"},
	}
	for _, c := range cases {
		code, out, _ := runCLI(t, c.args...)
		if code != 0 || !strings.Contains(out, c.want) || strings.Contains(out, c.not) {
			t.Errorf("thaw %v: exit %d; want %q and not %q in:\n%s", c.args, code, c.want, c.not, out)
		}
	}
}
