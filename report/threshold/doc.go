// Package threshold parses and evaluates thaw's threshold expressions, the k6-style
// pass/fail rules of a scenario's `thresholds:` list and of `--threshold` flags:
//
//	p(95) < 800ms
//	cold.p(99) < 2s
//	cold_rate < 5%
//	cost_per_million < $0.40
//	phase[burst].cold.max < 3s abort_on_fail grace=30s
//
// # Grammar
//
// Written in EBNF (https://go.dev/ref/spec#Notation). Blanks between tokens are ignored.
//
//	threshold  = metric op value { option } .
//	metric     = [ "phase" "[" phasename "]" "." ] measure .
//	measure    = latency | rate | "count" | "cost_per_million" .
//	latency    = [ source "." ] stat .
//	source     = "all" | "cold" | "warm" | "init" | "server" | "intended" .
//	stat       = "p" "(" number ")" | "avg" | "med" | "min" | "max" | "count" .
//	rate       = "cold_rate" | "warm_rate" | "unknown_rate" | "error_rate" | "throttle_rate"
//	           | "dropped_rate" | "late_rate" .
//	op         = "<" | "<=" | ">" | ">=" | "==" | "!=" .
//	value      = "$" number | number [ unit ] .
//	unit       = "ms" | "s" | "%" .
//	option     = "abort_on_fail" | "grace" "=" number ( "ms" | "s" | "m" | "h" ) .
//	number     = digit { digit } [ "." digit { digit } ] .
//	phasename  = char { char } .   (any characters but "]")
//
// Units must fit the metric: latencies take ms or s (written in milliseconds in
// results), rates take % (0.01 alone would be ambiguous between 1% and 0.01%), cost
// takes $ or a bare number in US dollars, counts take a bare number. A bare 0 fits
// every metric. Parse errors name the 1-based column: `col 9: expected a unit (ms, s,
// %, $)`.
//
// # Metrics
//
// Latency sources map to the summary: no source or "all" is PhaseSummary.Latency,
// cold/warm/server/intended/init are ColdLatency, WarmLatency, ServerLatency,
// IntendedLatency and InitLatency (init durations reported by the platform). p(50),
// p(90), p(95), p(99), p(99.9) and p(100) come from the stored percentiles; any other
// percentile (p(97)) is read from the phase's HDR histogram. `count` alone is the
// number of invocations; `cold.count` is the number of cold latencies recorded.
//
// cold_rate and warm_rate are shares of the classified invocations (cold + warm):
// unknown verdicts are left out and reported by unknown_rate (a share of all
// invocations), as are error_rate and throttle_rate (errors of kind "throttled").
// dropped_rate and late_rate are shares of the planned arrivals of open-model phases
// (summary `planned`): arrivals never sent because max_in_flight was reached or the
// run stopped (`dropped`), and sends that left later than the late tolerance
// (`late`). `dropped_rate < 1%` fails a run that could not keep up with its schedule
// instead of quietly measuring fewer requests.
// cost_per_million is Summary.Cost.PerMillionUSD and exists only for the whole run.
//
// # Metrics that cannot be computed
//
// A threshold whose metric has no data (cold.p(99) in a run with no cold sample, a
// cost threshold in a run without pricing, an unknown phase) FAILS, with a Detail that
// starts "not computable:". A rule that cannot be checked is a broken test (a
// scenario that never reached a cold start, a classifier that decided nothing) and a
// CI gate must not pass it silently. Remove or scope the threshold if it does not
// apply.
//
// # Aborting a run early
//
// The options `abort_on_fail` and `grace=DURATION` make a threshold stop a run as soon
// as it fails, after the grace period (see Watcher). They are written inline so that
// `thresholds:` stays a list of strings:
//
//	thresholds: ["error_rate < 1% abort_on_fail grace=30s", "p(95) < 800ms"]
package threshold
