package probes_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// BenchmarkHTTPInvoke is one invocation over a reused loopback connection: the
// harness's own cost per request.
func BenchmarkHTTPInvoke(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }))
	defer srv.Close()
	inv, err := probes.NewHTTPInvoker(probes.HTTPConfig{URL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	defer inv.Close()
	b.ReportAllocs()
	for b.Loop() {
		s := results.Sample{RequestID: "r"}
		inv.Invoke(context.Background(), &s)
		if s.Error != "" {
			b.Fatal(s.Error)
		}
	}
}
