package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/results"
)

// goCmd runs the go command of the toolchain running the tests, in the module root.
func goCmd(t *testing.T, timeout time.Duration, args ...string) string {
	t.Helper()
	bin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(bin); err != nil {
		bin = "go"
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	done := make(chan struct{})
	timer := time.AfterFunc(timeout, func() {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
		close(done)
	})
	out, err := cmd.Output()
	if !timer.Stop() {
		<-done
		t.Fatalf("go %s: killed after %s", strings.Join(args, " "), timeout)
	}
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out))
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitListening waits until addr accepts connections, or fails the test.
func waitListening(t *testing.T, addr string, timeout time.Duration, logFile string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(logFile)
	t.Fatalf("%s did not listen within %s; log:\n%s", addr, timeout, log)
}

// fakeAWSEnv gives thaw's AWS SDK static fake credentials and keeps it away from any
// real configuration or credentials endpoint.
func fakeAWSEnv(t *testing.T) {
	t.Helper()
	for k, v := range awsTestEnv() {
		t.Setenv(k, v)
	}
}

func awsTestEnv() map[string]string {
	none := filepath.Join(os.TempDir(), "thaw-no-aws-config")
	return map[string]string{
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	}
}

// childEnv is the environment of a runtime started by a test: ours without AWS
// settings, plus fake credentials and extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	for k, v := range awsTestEnv() {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	return append(env, extra...)
}

// readSamplesFile reads a run directory's samples in file order.
func readSamplesFile(t *testing.T, dir string) []results.Sample {
	t.Helper()
	var out []results.Sample
	if err := results.ReadSamples(dir, func(s *results.Sample) error {
		out = append(out, *s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// readJSONLines decodes a file of JSON lines into values of T.
func readJSONLines[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// latencyLine formats the first-call and warm latencies of samples for the test log.
func latencyLine(ss []results.Sample) string {
	if len(ss) == 0 {
		return "no samples"
	}
	var warm []string
	for _, s := range ss[1:] {
		warm = append(warm, fmt.Sprintf("%.2f", s.LatencyMS))
	}
	return fmt.Sprintf("first call %.2f ms, then %s ms", ss[0].LatencyMS, strings.Join(warm, ", "))
}
