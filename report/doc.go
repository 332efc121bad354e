// Package report turns a run directory (summary.json, samples.ndjson, scenario.yaml)
// into what people read: the terminal table, summary.md, plots (PNG and SVG), a
// self-contained report.html, and the comparison of two runs. It renders what the
// Summary holds (cost, keep-alive and threshold verdicts are filled in by other code)
// and streams samples with bounded memory.
//
// Functions here are safe for concurrent use unless they say otherwise: they share no
// state, though two calls writing the same directory race on its files.
package report
