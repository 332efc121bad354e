// Command http is a plain net/http function (Cloud Run, Knative, Azure custom handler,
// thaw emulate --handler) that tells thaw whether it was cold: every response carries
// the instance id, the cold flag, the time since init, the per-instance count and the
// CPU time the request used, in
// X-Function-* headers and as JSON body fields. Standard library only.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// --- the few lines to copy into your function ---------------------------------------

var (
	initAt   = time.Now() // package init: the instance's cold start
	instance = newID()
	count    atomic.Int64
)

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails on supported platforms
	return hex.EncodeToString(b)
}

// cpuMS is the process's CPU time (user + system) in milliseconds. Read it when a
// request starts and pass it to mark when the answer is ready: the difference is the
// CPU time the request used (an upper bound while other requests run at once), what
// CPU-billed platforms (Cloudflare Workers) charge for.
func cpuMS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

// mark sets the thaw headers and returns the same facts for a JSON body; cpuStart is
// cpuMS() read when the request started.
func mark(h http.Header, cpuStart float64) map[string]any {
	n := count.Add(1)
	since := time.Since(initAt).Milliseconds()
	cpu := strconv.FormatFloat(max(0, cpuMS()-cpuStart), 'f', 3, 64)
	h.Set("X-Function-Instance", instance)
	h.Set("X-Function-Cold", strconv.FormatBool(n == 1))
	h.Set("X-Function-Since-Init-Ms", strconv.FormatInt(since, 10))
	h.Set("X-Function-Count", strconv.FormatInt(n, 10))
	h.Set("X-Function-Cpu-Ms", cpu)
	return map[string]any{"instance": instance, "cold": n == 1, "since_init_ms": since, "count": n, "cpu_ms": json.Number(cpu)}
}

// --------------------------------------------------------------------------------------

func handle(w http.ResponseWriter, _ *http.Request) {
	cpuStart := cpuMS()
	// ... the function's work goes here ...
	facts := mark(w.Header(), cpuStart)
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(facts); err != nil {
		log.Printf("write response: %v", err)
	}
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	addr := net.JoinHostPort(os.Getenv("HOST"), port) // HOST empty: all interfaces
	log.Printf("listening on %s", addr)
	log.Fatal(http.ListenAndServe(addr, http.HandlerFunc(handle)))
}
