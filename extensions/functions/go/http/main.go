// Command http is a plain net/http function (Cloud Run, Knative, Azure custom handler,
// thaw emulate --handler) that tells thaw whether it was cold: every response carries
// the instance id, the cold flag, the time since init and the per-instance count, in
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

// mark sets the thaw headers and returns the same facts for a JSON body.
func mark(h http.Header) map[string]any {
	n := count.Add(1)
	since := time.Since(initAt).Milliseconds()
	h.Set("X-Function-Instance", instance)
	h.Set("X-Function-Cold", strconv.FormatBool(n == 1))
	h.Set("X-Function-Since-Init-Ms", strconv.FormatInt(since, 10))
	h.Set("X-Function-Count", strconv.FormatInt(n, 10))
	return map[string]any{"instance": instance, "cold": n == 1, "since_init_ms": since, "count": n}
}

// --------------------------------------------------------------------------------------

func handle(w http.ResponseWriter, _ *http.Request) {
	facts := mark(w.Header())
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
