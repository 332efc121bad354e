// Package e2e holds the gate's end-to-end tests: real runs against thaw's FaaS
// emulator (real processes, real cold starts), judged by package gate. It has no
// code of its own; it is separate so that the emulator's TestMain hook and its
// process children stay out of package gate's unit tests.
package e2e
