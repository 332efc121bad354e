//go:build race

package main

// raceEnabled reports whether the tests run under the race detector (make test's
// second pass).
const raceEnabled = true
