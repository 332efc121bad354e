// Command loopserver is a minimal loopback HTTP server for thaw's scripted benchmarks:
// it answers every request with "ok" after an optional fixed delay (-delay 50ms) and
// reports its own handling time, from the handler's start to just before the body is
// written, in the Server-Timing header (`app;dur=50.071`, milliseconds), so a load
// generator's latency can be compared with the server's own time. With -stats it
// prints the median and p99 of that time over every request when it stops. It prints
// its URL on the first line of stdout and stops on SIGINT/SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sync"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	delay := flag.Duration("delay", 0, "delay before answering, e.g. 50ms")
	stats := flag.String("stats", "", "on stop, write the p50/p99 of the handling time (ms) to this file")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loopserver:", err)
		os.Exit(1)
	}
	var times handlingTimes
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		start := time.Now()
		if *delay > 0 {
			time.Sleep(*delay)
		}
		d := time.Since(start)
		w.Header().Set("Server-Timing", fmt.Sprintf("app;dur=%.3f", float64(d)/float64(time.Millisecond)))
		if *stats != "" {
			times.add(d)
		}
		_, _ = w.Write([]byte("ok"))
	})}
	fmt.Printf("http://%s/\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "loopserver:", err)
		os.Exit(1)
	}
	if *stats != "" {
		if err := os.WriteFile(*stats, []byte(times.summary()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "loopserver:", err)
			os.Exit(1)
		}
	}
}

// handlingTimes keeps every handling time (a bench run is bounded: a few hundred
// thousand values at most).
type handlingTimes struct {
	mu sync.Mutex
	d  []time.Duration
}

func (h *handlingTimes) add(d time.Duration) {
	h.mu.Lock()
	h.d = append(h.d, d)
	h.mu.Unlock()
}

// summary is "count N p50 X p99 Y" with times in milliseconds.
func (h *handlingTimes) summary() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.d) == 0 {
		return "count 0 p50 0 p99 0\n"
	}
	slices.Sort(h.d)
	at := func(q float64) float64 {
		return float64(h.d[int(q*float64(len(h.d)-1))]) / float64(time.Millisecond)
	}
	return fmt.Sprintf("count %d p50 %.3f p99 %.3f\n", len(h.d), at(0.5), at(0.99))
}
