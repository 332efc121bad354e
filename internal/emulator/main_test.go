package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/thaw-dev/thaw/internal/emulator"
)

func TestMain(m *testing.M) {
	emulator.ServeHandlerIfChild()
	emulateHelper()
	os.Exit(m.Run())
}

// reply is what a test needs from one response.
type reply struct {
	status    int
	instance  string
	cold      bool
	prewarmed bool
	initMS    float64
	queuedMS  float64
	latency   time.Duration
}

// start runs an emulator with cfg (on a free loopback port) and closes it at the end.
func start(t *testing.T, mut func(*emulator.Config)) *emulator.Emulator {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	if mut != nil {
		mut(&cfg)
	}
	em, err := emulator.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := em.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return em
}

var client = &http.Client{Timeout: 30 * time.Second}

// call sends one GET with a request id and reads the truth headers.
func call(t testing.TB, url, id string) reply {
	t.Helper()
	return callPath(t, url, "/fn", id)
}

// callPath is call for a path (with query) of its own.
func callPath(t testing.TB, url, path, id string) reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Request-Id", id)
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("call %s: %v", id, err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	r := reply{status: resp.StatusCode, instance: resp.Header.Get("X-Thaw-Instance"), latency: time.Since(t0),
		cold: resp.Header.Get("X-Thaw-Cold") == "true", prewarmed: resp.Header.Get("X-Thaw-Prewarmed") == "true"}
	r.initMS, _ = strconv.ParseFloat(resp.Header.Get("X-Thaw-Init-Ms"), 64)
	r.queuedMS, _ = strconv.ParseFloat(resp.Header.Get("X-Thaw-Queued-Ms"), 64)
	return r
}

// burst sends n calls at once and returns the replies in request order.
func burst(t testing.TB, url string, n int) []reply {
	t.Helper()
	out := make([]reply, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); out[i] = call(t, url, fmt.Sprintf("b-%d", i)) }()
	}
	wg.Wait()
	return out
}
