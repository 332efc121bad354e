package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/thaw-dev/thaw/internal/emulator"
)

// gcFloorBytes is the heap a thaw process may reach before its first garbage
// collection. A short run and its report allocate about 35 MB in all and keep under
// 10 MB: at Go's default pacing (a first collection at 4 MB) they paid four collections,
// a sixth of their CPU, to return memory the process gives back when it exits anyway.
const gcFloorBytes = 64 << 20

// init holds garbage collection off until the heap reaches gcFloorBytes, then hands
// back Go's default pacing (or the GOGC the process started with) for the rest of the
// process: a long run collects as it always did, from its first collection on. Setting
// GOGC or GOMEMLIMIT in the environment turns this off. The emulator's function
// instances (this binary again, many at a time, serving for long) keep Go's defaults.
func init() {
	if os.Getenv(emulator.EnvHandler) != "1" {
		holdFirstGC(gcFloorBytes)
	}
}

// holdFirstGC sets a memory limit of floor bytes with proportional collection off, and
// once the first collection has run (a cleanup on an object that only a collection
// frees) puts back the GC percentage and no limit. It reports whether it did so.
func holdFirstGC(floor int64) bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	percent := debug.SetGCPercent(-1)
	debug.SetMemoryLimit(floor)
	sentinel := new([64]byte)
	runtime.AddCleanup(sentinel, func(percent int) {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(math.MaxInt64) // none, Go's default
	}, percent)
	return true
}
