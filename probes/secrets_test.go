package probes_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/thaw-dev/thaw/probes"
)

// TestHTTPInvokerScrubsEchoedSecrets: a target that echoes the request headers in its
// body and in a kept response header leaves no credential in the captured evidence,
// whether the credential came from a credential header or from HTTPConfig.Secrets.
func TestHTTPInvokerScrubsEchoedSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization")+" "+r.Header.Get("X-Custom"))
		_ = json.NewEncoder(w).Encode(r.Header)
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		headers map[string]string
		secrets []string
		leaked  []string
	}{
		{"bearer", map[string]string{"Authorization": "Bearer tok-3141592653"}, nil, []string{"tok-3141592653"}},
		{"api key", map[string]string{"x-api-key": "k3y/with&chars"}, nil, []string{"k3y/with&chars", `k3y/with\u0026chars`}},
		{"marked secret", map[string]string{"X-Custom": "custom-2718281828"}, []string{"custom-2718281828"}, []string{"custom-2718281828"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv := newTestHTTPInvoker(t, probes.HTTPConfig{URL: srv.URL, Headers: tc.headers, Secrets: tc.secrets,
				KeepHeaders: []string{"X-Echo"}, BodyPrefixBytes: 4096})
			s := invokeHTTP(inv, "r1")
			if s.Error != "" || s.Evidence == nil || !strings.Contains(s.Evidence.Body, "[redacted]") {
				t.Fatalf("sample: error %q evidence %+v", s.Error, s.Evidence)
			}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range tc.leaked {
				if strings.Contains(string(b), secret) {
					t.Errorf("secret %q in sample: %s", secret, b)
				}
			}
		})
	}
}
