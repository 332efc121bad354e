package emulator

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
)

// TestColdStartIsLeasedToItsRequester: a request arriving just as another request's
// new instance becomes ready must not take that instance; it starts its own. The hook
// holds the first cold start between "instance ready" and "request forwarded".
func TestColdStartIsLeasedToItsRequester(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	em, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	var held atomic.Bool // only the first cold start is held
	em.pool.afterColdStart = func() {
		if held.CompareAndSwap(false, true) {
			close(entered)
			<-release
		}
	}
	if err := em.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer em.Close()

	type answer struct {
		cold     string
		instance string
		err      error
	}
	get := func() answer {
		resp, err := http.Get(em.URL() + "/fn")
		if err != nil {
			return answer{err: err}
		}
		defer resp.Body.Close()
		return answer{cold: resp.Header.Get(HeaderCold), instance: resp.Header.Get(HeaderInstance)}
	}
	first := make(chan answer, 1)
	go func() { first <- get() }()
	<-entered // the first instance is ready and the first request is paused
	second := get()
	close(release)
	a := <-first
	if a.err != nil || second.err != nil {
		t.Fatalf("requests failed: %v, %v", a.err, second.err)
	}
	if a.cold != "true" || second.cold != "true" || a.instance == second.instance {
		t.Fatalf("first %+v, second %+v: want two cold starts on two instances", a, second)
	}
}
