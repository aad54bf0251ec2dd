// Package resultsfmt reads, writes and validates optbench's results files,
// runs.csv and trace.csv: their columns, their rows, the append journal an
// experiment writes them through and the atomic rewrite of both, and the
// checks that a pair of them passes on its own (rows that parse, rows
// consistent with themselves and with their trajectories, checksums).
//
// It knows nothing about experiments, optimizers or flags: what a folder
// should hold (its plan) is the business of package bench, which calls
// Check with the plan's rules.
package resultsfmt
