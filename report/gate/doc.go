// Package gate decides whether a new run may replace a baseline, for CI: it compares
// two run directories metric by metric against a regression budget
// (`cold.med=10%,cold_rate=2pp,p(99)=50ms`) with statistics rather than raw numbers,
// and writes the verdicts (with the new run's own thresholds) as a text table, JUnit
// XML, GitHub Markdown and GitHub annotations.
//
// Every item gets a confidence interval of the change (Options.Confidence, 95% by
// default) and one rule, whatever the number of samples: it fails when the whole
// interval lies over the budget, passes when it lies under, and is inconclusive when
// it straddles the budget (the output estimates the samples per run that would
// decide). Methods, all distribution-free or exact and all deterministic:
//   - quantiles (p(N), med): each run's exact order-statistic interval (the count of
//     samples under a quantile is binomial), combined into an interval of the ratio
//     (relative budgets) or difference (ms budgets) by MOVER. When a run has too few
//     samples for the interval to exist at all (p(95) needs 72, the median 6), the
//     item is inconclusive and names the statistics these runs can decide, such as
//     cold.med or cold.avg;
//   - the mean (avg): a seeded percentile bootstrap (at least MinMeanSamples per run);
//   - rates: Newcombe's hybrid score interval for a difference of proportions.
//
// The point values printed are the summary's own figures, the ones thresholds and
// reports print, so one run shows one cold p(95) everywhere.
package gate
