package stats

import "math"

// PerformanceRatios returns r[p][s] = t[p][s] / minₛ t[p][s] for a cost
// table t with one row per problem and one column per solver (lower is
// better; +Inf for a failure), as in Dolan and Moré (2002), "Benchmarking
// optimization software with performance profiles", Math. Program.
// 91:201–213. A failure's ratio is +Inf, and so is every ratio on a
// problem no solver solved. NaN costs are treated as failures.
func PerformanceRatios(t [][]float64) [][]float64 {
	r := make([][]float64, len(t))
	for p, row := range t {
		best := math.Inf(1)
		for _, v := range row {
			if v < best {
				best = v
			}
		}
		r[p] = make([]float64, len(row))
		for s, v := range row {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 1) || math.IsInf(best, 1):
				r[p][s] = math.Inf(1)
			case v == best:
				r[p][s] = 1 // also when best is 0
			default:
				r[p][s] = v / best
			}
		}
	}
	return r
}

// PerformanceProfile returns ρ[s][i] = |{p : r[p][s] ≤ taus[i]}| / |P|,
// the Dolan–Moré performance profile of each solver at each τ, from the
// ratios of PerformanceRatios. ρₛ(1) is the share of problems on which s
// is (one of) the cheapest; ρₛ(τ) for large τ is the share it solves.
func PerformanceProfile(ratios [][]float64, taus []float64) [][]float64 {
	return shareAtMost(ratios, taus, func(p, s int) float64 { return ratios[p][s] })
}

// DataProfile returns d[s][i] = |{p : t[p][s] / (n_p + 1) ≤ alphas[i]}| / |P|,
// Moré and Wild's (2009) data profile ("Benchmarking derivative-free
// optimization algorithms", SIAM J. Optim. 20:172–191): the share of
// problems solver s solves within alphas[i] simplex gradients, where t is
// in function evaluations (+Inf for a failure) and dims[p] = n_p is
// problem p's number of variables.
func DataProfile(t [][]float64, dims []int, alphas []float64) [][]float64 {
	return shareAtMost(t, alphas, func(p, s int) float64 { return t[p][s] / float64(dims[p]+1) })
}

func shareAtMost(t [][]float64, levels []float64, v func(p, s int) float64) [][]float64 {
	if len(t) == 0 {
		return nil
	}
	out := make([][]float64, len(t[0]))
	for s := range out {
		out[s] = make([]float64, len(levels))
		for i, l := range levels {
			k := 0
			for p := range t {
				if v(p, s) <= l {
					k++
				}
			}
			out[s][i] = float64(k) / float64(len(t))
		}
	}
	return out
}
