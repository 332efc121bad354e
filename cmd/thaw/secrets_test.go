package main

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/thaw-dev/thaw/results"
)

// echoHandler answers with every request header and the request body, in its body
// and in the X-Echo response header: the worst case of a target that leaks what it
// was sent. It counts the requests that carried want in their Authorization header.
func echoHandler(want string, seen *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(r.Header.Get("Authorization"), want) {
			seen.Add(1)
		}
		var all []string
		for k, v := range r.Header {
			all = append(all, k+"="+strings.Join(v, ","))
		}
		w.Header().Set("X-Echo", strings.Join(all, "; "))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"headers": r.Header, "body": string(body)})
	}
}

// TestSecretsNeverWritten runs the real CLI against an echoing loopback target with
// credentials from ${VAR}s in Authorization, X-Api-Key, a header and a body field
// marked secret, with the full report and a JUnit file, then searches every file of
// the run directory, the JUnit file, stdout and stderr for each secret in the forms
// it could take (as sent, JSON-escaped, HTML-escaped): zero hits.
func TestSecretsNeverWritten(t *testing.T) {
	secrets := map[string]string{
		"THAW_SECRET_TOKEN":  "s3cr3t-T0K3N-9f8e7d",
		"THAW_SECRET_KEY":    "k3y-Abc/112233&x",
		"THAW_SECRET_CUSTOM": "cust0m-zz-4455",
		"THAW_SECRET_PW":     "pw-Hunter2-0099",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	var seen atomic.Int64
	srv := httptest.NewServer(echoHandler(secrets["THAW_SECRET_TOKEN"], &seen))
	defer srv.Close()
	file := writeScenario(t, `
version: 1
name: secrets
target:
  url: "`+srv.URL+`/fn"
  method: POST
  headers:
    Authorization: "Bearer ${THAW_SECRET_TOKEN}"
    X-Api-Key: "${THAW_SECRET_KEY}"
    X-Custom-Auth: "${THAW_SECRET_CUSTOM}"
  secret_headers: [X-Custom-Auth]
  body: '{"user": "bob", "password": "${THAW_SECRET_PW}"}'
  secret_fields: [password]
  keep_headers: [X-Echo]
  body_prefix_bytes: 2048
phases:
  - {name: few, concurrency: {workers: 2, iterations: 20}}
thresholds: ["p(99) < 0.000001ms"]
`)
	dir := filepath.Join(t.TempDir(), "run")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, stdout, stderr := runCLI(t, "run", file, "--out", dir, "--quiet", "--junit", junit)
	if code != exitFail { // the threshold fails on purpose, so JUnit has a failure text
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitFail, stderr)
	}
	if seen.Load() != 20 {
		t.Fatalf("the target saw the token in %d requests, want 20", seen.Load())
	}
	texts := map[string]string{"stdout": stdout, "stderr": stderr}
	for _, root := range []string{dir, junit} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			texts[path] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(texts) < 6 {
		t.Fatalf("only %d outputs to search: %v", len(texts), keysOf(texts))
	}
	for name, text := range texts {
		for _, secret := range secrets {
			for _, form := range secretForms(secret) {
				if strings.Contains(text, form) {
					t.Errorf("%s contains the secret %q (as %q)", name, secret, form)
				}
			}
		}
	}
	// The evidence is still there, scrubbed: the test would see a leak.
	samples, err := results.LoadSamples(dir)
	if err != nil || len(samples) != 20 {
		t.Fatalf("%v, %d samples", err, len(samples))
	}
	ev := samples[0].Evidence
	if ev == nil || !strings.Contains(ev.Body, "[redacted]") || !strings.Contains(ev.Headers["X-Echo"], "[redacted]") ||
		!strings.Contains(ev.Body, "bob") {
		t.Errorf("evidence %+v: want the echo kept with the secrets redacted", ev)
	}
	t.Logf("searched %d outputs (%s) for %d secrets: no hit", len(texts), strings.Join(keysOf(texts), ", "), len(secrets))
}

// secretForms are the ways a secret may appear in a file: as sent, JSON-escaped (Go
// escapes & < >; some encoders escape /), HTML-escaped.
func secretForms(s string) []string {
	b, _ := json.Marshal(s)
	j := strings.Trim(string(b), `"`)
	html := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
	forms := []string{s, j, strings.ReplaceAll(j, "/", `\/`), html}
	slices.Sort(forms)
	return slices.Compact(forms)
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, filepath.Base(k))
	}
	return out
}
