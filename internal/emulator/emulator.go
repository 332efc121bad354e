package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
	"time"
)

// Emulator is a running FaaS platform. Its methods are safe for concurrent use.
type Emulator struct {
	cfg      Config
	pool     *pool
	truth    *truthLog
	proxy    *httputil.ReverseProxy
	ln       net.Listener
	srv      *http.Server
	inflight sync.WaitGroup
	stopReap chan struct{}
	reaped   chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// New checks cfg and prepares an emulator; nothing runs until Start.
func New(cfg Config) (*Emulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("emulator config: %w", err)
	}
	init, err := ParseInitDelay(cfg.Init)
	if err != nil {
		return nil, err
	}
	var handler []string
	if strings.TrimSpace(cfg.Handler) != "" {
		handler = strings.Fields(cfg.Handler)
	}
	truth, err := openTruthLog(cfg.TruthLog, cfg.KeepTruth)
	if err != nil {
		return nil, err
	}
	e := &Emulator{cfg: cfg, pool: newPool(cfg, handler, init), truth: truth,
		stopReap: make(chan struct{}), reaped: make(chan struct{})}
	e.proxy = newProxy(cfg)
	if tr, ok := e.proxy.Transport.(*http.Transport); ok {
		e.pool.onStopped = tr.CloseIdleConnections
	}
	return e, nil
}

// Start creates an emulator from cfg and starts it (see (*Emulator).Start).
func Start(ctx context.Context, cfg Config) (*Emulator, error) {
	e, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := e.Start(ctx); err != nil {
		return nil, errors.Join(err, e.Close())
	}
	return e, nil
}

// Start listens on Config.Addr, starts the prewarmed instances and waits for them,
// and serves in the background until Close (or until ctx is done, which closes it).
func (e *Emulator) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", listenAddr(e.cfg.Addr))
	if err != nil {
		return fmt.Errorf("emulator listen: %w", err)
	}
	e.ln = ln
	if e.cfg.Prewarm > 0 {
		if err := e.pool.prewarm(e.cfg.Prewarm); err != nil {
			return errors.Join(fmt.Errorf("prewarm: %w", err), ln.Close())
		}
	}
	e.srv = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.srv.Serve(ln) }()
	go e.reapLoop()
	go func() {
		select {
		case <-ctx.Done():
			_ = e.Close()
		case <-e.stopReap:
		}
	}()
	return nil
}

// listenAddr binds a host-less address to loopback.
func listenAddr(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "127.0.0.1" + addr
	}
	return addr
}

// URL is the base URL clients call, e.g. http://127.0.0.1:41234 ("" before Start).
func (e *Emulator) URL() string {
	if e.ln == nil {
		return ""
	}
	return "http://" + e.ln.Addr().String()
}

// Instances returns how many instances are starting or ready now.
func (e *Emulator) Instances() int { return e.pool.liveCount() }

// PIDs returns the process ids of the ready instances, sorted (for tests that check
// that no process outlives Close).
func (e *Emulator) PIDs() []int { return e.pool.pids() }

// Truth returns every request's record so far, in arrival order (Config.KeepTruth).
// After Close it has every request.
func (e *Emulator) Truth() []TruthRecord { return e.truth.records() }

// Close stops serving, waits for requests in flight (briefly), stops every instance
// process and flushes the truth log. Safe to call more than once.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() {
		close(e.stopReap)
		var errs []error
		if e.srv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			if err := e.srv.Shutdown(sctx); err != nil {
				_ = e.srv.Close() // hanging requests (timeout faults): cut them
			}
			cancel()
			e.waitInflight(5 * time.Second)
			<-e.reaped
		}
		e.pool.close()
		if err := e.truth.close(); err != nil {
			errs = append(errs, err)
		}
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}

func (e *Emulator) waitInflight(limit time.Duration) {
	done := make(chan struct{})
	go func() { e.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
	}
}

// reapLoop stops idle instances often enough to honour the keep-alive to within a
// twentieth of it (at most every 100 ms, at least every 2 ms).
func (e *Emulator) reapLoop() {
	defer close(e.reaped)
	every := 100 * time.Millisecond
	if ka := e.cfg.scale(e.cfg.KeepAlive) / 20; ka > 0 && ka < every {
		every = max(ka, 2*time.Millisecond)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-e.stopReap:
			return
		case <-t.C:
			e.pool.reap()
		}
	}
}
