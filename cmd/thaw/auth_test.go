package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestRunSigV4 runs a scenario with auth.sigv4 through the CLI: every request reaches
// the target signed with the environment's key for the scenario's service and region,
// and no part of the signature reaches the run directory.
func TestRunSigV4(t *testing.T) {
	fakeAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTHAWTEST")
	var (
		mu    sync.Mutex
		auths []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	defer srv.Close()
	dir := runScenarioOK(t, `
version: 1
name: sigv4
target: {url: "`+srv.URL+`/fn", method: POST, body: '{"a":1}', auth: {sigv4: {service: lambda, region: eu-west-1}}}
phases:
  - {name: a, concurrency: {workers: 1, iterations: 3}}
`)
	if len(auths) != 3 {
		t.Fatalf("%d requests, want 3", len(auths))
	}
	for _, a := range auths {
		if !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDTHAWTEST/") || !strings.Contains(a, "/eu-west-1/lambda/aws4_request") {
			t.Errorf("Authorization %q", a)
		}
	}
	for _, f := range []string{"samples.ndjson", "summary.json"} {
		if b := readFile(t, filepath.Join(dir, f)); strings.Contains(b, "AKIDTHAWTEST") || strings.Contains(b, "Signature=") {
			t.Errorf("%s holds the credentials or the signature", f)
		}
	}
}

// TestRunSigV4NoCredentials: without credentials the run fails before any load, with
// exit 2 and a message that says so.
func TestRunSigV4NoCredentials(t *testing.T) {
	fakeAWSEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	sc := writeScenario(t, `
version: 1
name: sigv4
target: {url: "http://127.0.0.1:9/", auth: {sigv4: {service: lambda, region: eu-west-1}}}
phases:
  - {name: a, concurrency: {workers: 1, iterations: 1}}
`)
	code, _, stderr := runCLI(t, "run", sc, "--out", t.TempDir(), "--quiet", "--no-report")
	if code != exitUsage || !strings.Contains(stderr, "no AWS credentials") {
		t.Errorf("exit %d, stderr %q; want %d and a credentials message", code, stderr, exitUsage)
	}
}
