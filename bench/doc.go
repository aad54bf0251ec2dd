// Package bench runs optimizer experiments across seeds and budgets,
// computes their statistics and writes results files.
package bench
