// Package stats holds the statistics optbench reports, as pure functions
// over samples: it knows nothing of runs, files or flags (the shape of
// golang.org/x/perf's benchmath). Each function states its formula and its
// reference; the tests check each against values computed independently
// (by hand, by brute force, or with R or scipy, as each test says).
//
// Summaries of one sample: Quartiles, MedianCI, Wilson. Runtimes to a
// target: ART, ARTCI, RestartSpread. Two samples: MannWhitney, A12,
// WilcoxonSignedRank, SignTest, FisherExact, NewcombeDiff. Many p-values:
// Holm. Many solvers over many problems: Friedman, NemenyiQ, NemenyiCD,
// CDGroups, PerformanceRatios, PerformanceProfile, DataProfile.
package stats
