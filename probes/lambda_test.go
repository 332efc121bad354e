package probes_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// fakeAWS gives the SDK static fake credentials and no configuration files.
func fakeAWS(t *testing.T) {
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_REGION": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none} {
		t.Setenv(k, v)
	}
}

// TestLambdaInvoker runs the invoker against a loopback stand-in for the Invoke API
// and checks what it sends and what it records for each kind of answer.
func TestLambdaInvoker(t *testing.T) {
	fakeAWS(t)
	const coldTail = "START RequestId: r Version: 7\nREPORT RequestId: r\tDuration: 3.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 30 MB\tInit Duration: 120.50 ms\t\n"
	srv, calls := recordServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-RequestId", "aws-"+r.Header.Get("X-Amzn-RequestId"))
		switch r.Header.Get("X-Amzn-RequestId") {
		case "throttled":
			w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"Type":"User","message":"Rate Exceeded.","Reason":"ReservedFunctionConcurrentInvocationLimitExceeded"}`)
		case "unhandled":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			w.Header().Set("X-Amz-Executed-Version", "7")
			_, _ = io.WriteString(w, `{"errorMessage":"boom","errorType":"Error"}`)
		default:
			w.Header().Set("X-Amz-Log-Result", base64.StdEncoding.EncodeToString([]byte(coldTail)))
			w.Header().Set("X-Amz-Executed-Version", "7")
			_, _ = io.WriteString(w, `{"instance":"i-1","cold":true}`)
		}
	})
	inv, err := probes.NewLambdaInvoker(context.Background(), probes.LambdaConfig{Function: "checkout", Qualifier: "live",
		Region: "eu-west-1", Endpoint: srv.URL, Payload: []byte(`{"sku":42}`), LogTail: true})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	chain, err := probes.NewChain([]probes.Spec{{Name: "platform"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id, wantErr string
		status      int
		class       results.Class
	}{
		{"ok-1", "", 200, results.Cold},
		{"throttled", results.ErrThrottled, 429, results.Unknown},
		{"unhandled", results.ErrFunction, 200, results.Unknown},
	}
	for _, tc := range tests {
		s := &results.Sample{RequestID: tc.id}
		inv.Invoke(context.Background(), s)
		chain.Classify(s)
		if s.Error != tc.wantErr || s.Status != tc.status || s.LatencyMS <= 0 || s.Start.IsZero() {
			t.Errorf("%s: error %q (%s) status %d latency %v; want %q %d", tc.id, s.Error, s.ErrorDetail, s.Status, s.LatencyMS, tc.wantErr, tc.status)
		}
		if tc.class == results.Cold && (s.Class != results.Cold || s.InitMS != 120.5 || s.BilledMS != 4 ||
			s.Evidence.Headers["X-Amzn-Requestid"] != "aws-ok-1" || !strings.Contains(s.Evidence.Body, `"instance":"i-1"`)) {
			t.Errorf("%s: class %s init %v billed %v evidence %+v", tc.id, s.Class, s.InitMS, s.BilledMS, s.Evidence)
		}
	}
	got := calls()
	if len(got) != 3 {
		t.Fatalf("server saw %d calls, want 3 (no retries)", len(got))
	}
	for i, g := range got {
		r := g.req
		if r.URL.Path != "/2015-03-31/functions/checkout/invocations" || r.URL.RawQuery != "Qualifier=live" ||
			r.Header.Get("X-Amzn-RequestId") != tests[i].id || r.Header.Get("X-Amz-Log-Type") != "Tail" ||
			g.body != `{"sku":42}` || !strings.Contains(g.auth(), "/eu-west-1/lambda/aws4_request") {
			t.Errorf("call %d: %s %v %q", i, r.URL, r.Header, g.body)
		}
	}
}

// TestLambdaInvokerFailures: no answer at all is an error kind, and bad settings fail
// before any call.
func TestLambdaInvokerFailures(t *testing.T) {
	fakeAWS(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	inv, err := probes.NewLambdaInvoker(context.Background(), probes.LambdaConfig{Function: "f", Region: "us-east-1", Endpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	s := &results.Sample{RequestID: "x"}
	inv.Invoke(context.Background(), s)
	if s.Error != results.ErrRefused || s.Status != 0 {
		t.Errorf("closed port: error %q status %d, want refused 0", s.Error, s.Status)
	}
	for _, cfg := range []probes.LambdaConfig{{Region: "us-east-1"}, {Function: "f"}} {
		if _, err := probes.NewLambdaInvoker(context.Background(), cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

// TestLambdaInvokerCredentials: without credentials, AWS itself is refused before any
// call, while an emulator endpoint is called unsigned.
func TestLambdaInvokerCredentials(t *testing.T) {
	fakeAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	_, err := probes.NewLambdaInvoker(context.Background(), probes.LambdaConfig{Function: "f", Region: "us-east-1"})
	if err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("AWS without credentials: %v", err)
	}
	srv, calls := recordServer(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "{}") })
	inv, err := probes.NewLambdaInvoker(context.Background(), probes.LambdaConfig{Function: "f", Region: "us-east-1", Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	s := &results.Sample{RequestID: "u"}
	inv.Invoke(context.Background(), s)
	if got := calls(); s.Error != "" || len(got) != 1 || got[0].auth() != "" {
		t.Errorf("emulator without credentials: error %q (%s), calls %d", s.Error, s.ErrorDetail, len(got))
	}
}
