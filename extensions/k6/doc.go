// Package k6 holds thaw's JavaScript module for stock k6 (thaw.js), its example
// scripts and its type check as files, not Go code. Its tests load thaw.js in a
// JavaScript engine (goja) with stand-ins for k6/http, k6/metrics and k6/execution,
// compare its verdicts with thaw's probes on responses recorded from the emulator,
// check its names against probes/ and ingest/k6, and type-check it with tsc against
// @types/k6 (installed by `make test-deps`: npm ci here). See README.md.
package k6
