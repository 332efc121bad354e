package functions_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/report/cost"
	"github.com/thaw-dev/thaw/results"
)

// need finds a tool or fails loudly: the snippets are tested, never skipped.
func need(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is needed to test its snippet (install it): %v", tool, err)
	}
	return p
}

// buildGo compiles a snippet directory into a temporary binary.
func buildGo(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(dir))
	cmd := exec.Command(need(t, "go"), "build", "-o", out, "./"+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, b)
	}
	return out
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// serve starts a snippet server on a free loopback port; it is killed at cleanup.
func serve(t *testing.T, name string, args ...string) string {
	t.Helper()
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "PORT="+port, "HOST=127.0.0.1")
	cmd.WaitDelay = 2 * time.Second
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait() // killed: the error is expected
	})
	url := "http://127.0.0.1:" + port + "/"
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		// ready when it accepts a connection; no HTTP request, so the test's first
		// request is the instance's first
		if conn, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
			conn.Close()
			return url
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer on %s within 20 s; output:\n%s", name, url, out.String())
	return ""
}

type facts struct {
	Instance    string  `json:"instance"`
	Cold        bool    `json:"cold"`
	SinceInitMS int64   `json:"since_init_ms"`
	Count       int64   `json:"count"`
	CPUMS       float64 `json:"cpu_ms"`
}

// invoke sends one request through thaw's own invoker and classifies it with the
// marker probe, so the snippet is checked the way thaw reads it.
func invoke(t *testing.T, inv *probes.HTTPInvoker, c *probes.Chain, seq int) (results.Sample, facts) {
	t.Helper()
	s := results.Sample{Seq: int64(seq), RequestID: fmt.Sprint("req-", seq)}
	inv.Invoke(context.Background(), &s)
	if !s.OK() {
		t.Fatalf("request %d failed: %s %s", seq, s.Error, s.ErrorDetail)
	}
	var f facts
	if err := json.Unmarshal([]byte(s.Evidence.Body), &f); err != nil {
		t.Fatalf("body %q: %v", s.Evidence.Body, err)
	}
	h := s.Evidence.Headers
	if h["X-Function-Instance"] != f.Instance || h["X-Function-Cold"] != strconv.FormatBool(f.Cold) ||
		h["X-Function-Count"] != strconv.FormatInt(f.Count, 10) || h["X-Function-Since-Init-Ms"] != strconv.FormatInt(f.SinceInitMS, 10) {
		t.Fatalf("headers %v disagree with body %+v", h, f)
	}
	cpu, err := strconv.ParseFloat(h["X-Function-Cpu-Ms"], 64)
	if err != nil || cpu < 0 || math.Abs(cpu-f.CPUMS) > 0.0005 {
		t.Fatalf("X-Function-Cpu-Ms %q (body %g): want the same non-negative CPU time in both", h["X-Function-Cpu-Ms"], f.CPUMS)
	}
	c.Classify(&s)
	return s, f
}

// checkServer: request 1 is cold, requests 2 and 3 are warm on the same instance with
// counts 1, 2, 3, and the marker probe agrees.
func checkServer(t *testing.T, url string) {
	t.Helper()
	inv, err := probes.NewHTTPInvoker(probes.HTTPConfig{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	c, err := probes.NewChain([]probes.Spec{{Name: "marker"}})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := cost.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var first facts
	for i := 1; i <= 3; i++ {
		s, f := invoke(t, inv, c, i)
		want := results.Warm
		if i == 1 {
			want, first = results.Cold, f
		}
		if f.Cold != (i == 1) || f.Count != int64(i) || s.Class != want || s.DecidedBy != "marker" {
			t.Errorf("request %d: facts %+v, verdict %s by %q; want %s, count %d", i, f, s.Class, s.DecidedBy, want, i)
		}
		if f.Instance != first.Instance || f.SinceInitMS < first.SinceInitMS {
			t.Errorf("instance changed or time went back: %+v then %+v", first, f)
		}
		// A CPU-billed model prices the reported CPU time, not the wall time.
		c, err := cost.Estimate(cat, results.Pricing{Model: "cloudflare-workers"}, func(fn func(*results.Sample) error) error { return fn(&s) })
		if err != nil || c.BilledFrom != cost.FromCPU {
			t.Errorf("request %d: cost billed from %v (err %v), want the reported CPU time", i, c, err)
		}
	}
}

func TestGoHTTP(t *testing.T) {
	checkServer(t, serve(t, buildGo(t, "go/http")))
}

func TestNodeHTTP(t *testing.T) {
	checkServer(t, serve(t, need(t, "node"), "node/http.js"))
}

func TestPythonHTTP(t *testing.T) {
	checkServer(t, serve(t, need(t, "python3"), "python/http_server.py"))
}

// proxyResp is the Lambda proxy response the handlers return.
type proxyResp struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

// checkLambda: first invocation cold with count 1, second warm with count 2, same
// sandbox; headers and body agree.
func checkLambda(t *testing.T, out []proxyResp) {
	t.Helper()
	if len(out) != 2 {
		t.Fatalf("want 2 responses, got %d: %+v", len(out), out)
	}
	var fs [2]facts
	for i, r := range out {
		if err := json.Unmarshal([]byte(r.Body), &fs[i]); err != nil {
			t.Fatalf("body %q: %v", r.Body, err)
		}
		want := strconv.FormatBool(i == 0)
		if r.StatusCode != 200 || r.Headers["X-Function-Cold"] != want || fs[i].Cold != (i == 0) ||
			fs[i].Count != int64(i+1) || r.Headers["X-Function-Instance"] != fs[i].Instance {
			t.Errorf("invocation %d: %+v", i+1, r)
		}
	}
	if fs[0].Instance != fs[1].Instance || fs[0].Instance == "" {
		t.Errorf("instances %q and %q, want one", fs[0].Instance, fs[1].Instance)
	}
}

func lines(t *testing.T, b []byte) []proxyResp {
	t.Helper()
	var out []proxyResp
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		var r proxyResp
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestNodeLambda(t *testing.T) {
	js := `const h = require('./node/lambda.js').handler;
(async () => { for (let i = 0; i < 2; i++) console.log(JSON.stringify(await h({}, {}))); })();`
	b, err := exec.Command(need(t, "node"), "-e", js).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	checkLambda(t, lines(t, b))
}

func TestPythonLambda(t *testing.T) {
	py := "import json, sys; sys.path.insert(0, 'python'); import lambda_function as f\n" +
		"for _ in range(2): print(json.dumps(f.handler({}, None)))"
	b, err := exec.Command(need(t, "python3"), "-c", py).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	checkLambda(t, lines(t, b))
}

// TestGoLambda runs the standard-library Lambda snippet against a fake Runtime API
// that hands out two invocations, then refuses the third (the snippet exits).
func TestGoLambda(t *testing.T) {
	bin := buildGo(t, "go/lambda")
	var mu sync.Mutex
	var out []proxyResp
	next := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/invocation/next") && next < 2:
			next++
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", fmt.Sprint("inv-", next))
			fmt.Fprint(w, `{"rawPath":"/"}`)
		case strings.HasSuffix(r.URL.Path, "/invocation/next"):
			http.Error(w, "no more", http.StatusGone)
		case strings.HasSuffix(r.URL.Path, "/response"):
			var p proxyResp
			if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
				t.Errorf("response body: %v", err)
			}
			if !strings.Contains(r.URL.Path, fmt.Sprint("/inv-", len(out)+1, "/")) {
				t.Errorf("response posted to %s", r.URL.Path)
			}
			out = append(out, p)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	}))
	defer api.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(api.URL, "http://"))
	b, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(b), "status 410") {
		t.Fatalf("want the snippet to stop on the refused third invocation, got %v: %s", err, b)
	}
	mu.Lock()
	defer mu.Unlock()
	checkLambda(t, out)
}
