package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Environment of a built-in handler process.
const (
	// EnvHandler marks a process as a built-in handler instance ("1").
	EnvHandler = "THAW_EMULATOR_HANDLER"
	envInitNS  = "THAW_INIT_NS"    // init delay to spend before serving, nanoseconds
	envListen  = "THAW_LISTEN_FD"  // inherited listening socket
	envScale   = "THAW_TIME_SCALE" // divides ?sleep=
	readyLine  = "thaw-handler: ready"
)

// ServeHandlerIfChild serves the built-in function and exits the process when the
// environment marks it as an emulator instance (THAW_EMULATOR_HANDLER=1); otherwise it
// returns at once. Call it first in main (thaw's run does) and in TestMain of every test
// package that starts an Emulator with the default handler.
func ServeHandlerIfChild() {
	if os.Getenv(EnvHandler) != "1" {
		return
	}
	if err := serveChild(); err != nil {
		fmt.Fprintln(os.Stderr, "thaw-handler:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serveChild spends the init delay, then serves until SIGTERM, SIGINT or stdin EOF
// (the emulator went away).
func serveChild() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop() }()
	if ns, err := strconv.ParseInt(os.Getenv(envInitNS), 10, 64); err == nil && ns > 0 {
		if !sleepCtx(ctx, time.Duration(ns)) { // the imitated init work
			return nil
		}
	}
	ln, err := childListener()
	if err != nil {
		return err
	}
	scale, err := strconv.ParseFloat(os.Getenv(envScale), 64)
	if err != nil || scale <= 0 {
		scale = 1
	}
	srv := &http.Server{Handler: builtinHandler(scale), ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if _, err := fmt.Fprintln(os.Stdout, readyLine); err != nil {
		return fmt.Errorf("ready line: %w", err)
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func childListener() (net.Listener, error) {
	if fd, err := strconv.Atoi(os.Getenv(envListen)); err == nil {
		ln, err := net.FileListener(os.NewFile(uintptr(fd), "listener"))
		if err != nil {
			return nil, fmt.Errorf("inherited listener: %w", err)
		}
		return ln, nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", os.Getenv("PORT")))
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return ln, nil
}

// builtinHandler answers every path with a small JSON body. A query `sleep=DURATION`
// imitates work (divided by scale). The body deliberately says nothing about the
// instance, so that --hide-truth really hides the truth, unless the query has
// `self=1`: then it adds the process's own count of requests begun (`served`, 1 on its
// first) and of requests in flight (`in_flight`), so tests can check the emulator's
// truth against what the function itself saw.
func builtinHandler(scale float64) http.Handler {
	var served, inFlight atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, k := served.Add(1), inFlight.Add(1)
		defer inFlight.Add(-1)
		_, _ = io.Copy(io.Discard, r.Body)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil && d > 0 {
			select {
			case <-time.After(time.Duration(float64(d) / scale)):
			case <-r.Context().Done():
				return
			}
		}
		body := map[string]any{"ok": true, "path": r.URL.Path}
		if r.URL.Query().Get("self") == "1" {
			body["served"], body["in_flight"] = n, k
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	})
}
