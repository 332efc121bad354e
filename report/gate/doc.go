// Package gate decides whether a new run may replace a baseline, for CI: it compares
// two run directories metric by metric against a regression budget
// (`cold.p(95)=10%,cold_rate=2pp,p(99)=50ms`) with statistics rather than raw
// numbers, and writes the verdicts (with the new run's own thresholds) as a text
// table, JUnit XML, GitHub Markdown and GitHub annotations.
//
// Latency statistics are compared with a seeded percentile bootstrap (resampling the
// stored samples, or the summary's HDR histograms when samples are absent); rates with
// Newcombe's score interval for a difference of proportions. An item fails only when
// the change is significant and over budget, passes when the runs were large enough
// to have seen a budget-sized regression and did not, and is inconclusive otherwise,
// with an estimate of the samples per run that would decide. See decide in gate.go.
package gate
