package functions_test

import (
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
	"github.com/thaw-dev/thaw/internal/emulator/emulatortest"
	"github.com/thaw-dev/thaw/probes"
	"github.com/thaw-dev/thaw/results"
)

// TestGoUnderEmulator runs the Go snippet as `thaw emulate --handler`: the snippet's
// own cold flag and instance agree with the emulator's truth on every request,
// including a new cold start after the keep-alive.
func TestGoUnderEmulator(t *testing.T) {
	bin := buildGo(t, "go/http")
	t.Setenv("HOST", "127.0.0.1") // the handler inherits it: listen on loopback only
	cfg := emulator.DefaultConfig()
	cfg.Handler = bin
	cfg.KeepAlive = 300 * time.Millisecond
	em := emulatortest.Start(t, cfg)
	inv, err := probes.NewHTTPInvoker(probes.HTTPConfig{URL: em.URL() + "/"})
	if err != nil {
		t.Fatal(err)
	}
	defer inv.Close()
	snippetOnly, err := probes.NewChain([]probes.Spec{{Name: "marker", Options: map[string]any{
		"cold_header": "X-Function-Cold", "instance_header": "X-Function-Instance", "since_init_header": "X-Function-Since-Init-Ms"}}})
	if err != nil {
		t.Fatal(err)
	}
	wantCold := []bool{true, false, false, true, false}
	instances := map[string]string{} // snippet id → emulator id
	for i, cold := range wantCold {
		if i == 3 {
			time.Sleep(900 * time.Millisecond) // past the keep-alive: scale to zero
		}
		s, f := invoke(t, inv, snippetOnly, i+1)
		h := s.Evidence.Headers
		truthCold := h["X-Thaw-Cold"] == "true"
		if f.Cold != cold || truthCold != cold || (s.Class == results.Cold) != cold {
			t.Errorf("request %d: snippet cold %v, truth %v, verdict %s; want cold %v", i+1, f.Cold, truthCold, s.Class, cold)
		}
		if prev, ok := instances[f.Instance]; ok && prev != h["X-Thaw-Instance"] {
			t.Errorf("snippet instance %s served by emulator instances %s and %s", f.Instance, prev, h["X-Thaw-Instance"])
		}
		instances[f.Instance] = h["X-Thaw-Instance"]
	}
	if len(instances) != 2 {
		t.Errorf("want 2 instances (one before, one after the keep-alive), got %v", instances)
	}
}
