// Package bench runs optimizer experiments across seeds and budgets,
// computes their statistics and writes results files (runs.csv and
// trace.csv through package resultsfmt, which owns their format).
package bench
