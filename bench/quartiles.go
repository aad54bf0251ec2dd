package bench

import "github.com/optbench/optbench/stats"

// Quartiles returns the R type 7 quartiles of xs.
//
// Deprecated: use stats.Quartiles; the statistics moved to package stats.
func Quartiles(xs []float64) (q1, median, q3 float64) { return stats.Quartiles(xs) }
