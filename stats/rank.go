package stats

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Ranks returns the ranks (1 = smallest) of xs with ties given their
// average rank. +Inf values tie with each other. xs is not modified; NaN
// values get NaN ranks and are left out of the ranking.
func Ranks(xs []float64) []float64 {
	idx := make([]int, 0, len(xs))
	out := make([]float64, len(xs))
	for i, v := range xs {
		if math.IsNaN(v) {
			out[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && xs[idx[j]] == xs[idx[i]] {
			j++
		}
		r := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			out[idx[k]] = r
		}
		i = j
	}
	return out
}

// FriedmanResult is the outcome of Friedman's test of k treatments
// (optimizers) over N blocks (problems).
type FriedmanResult struct {
	N, K int
	// MeanRanks[j] is R̄ⱼ, the mean over blocks of treatment j's rank
	// (1 = lowest value, ties averaged).
	MeanRanks []float64
	// ChiSq is Friedman's χ²_F = 12N/(k(k+1))·[Σⱼ R̄ⱼ² − k(k+1)²/4] and P its
	// upper-tail probability under χ² with k−1 degrees of freedom.
	ChiSq, P float64
	// FF is Iman and Davenport's F_F = (N−1)χ²_F / (N(k−1) − χ²_F) and PF its
	// upper-tail probability under F(k−1, (k−1)(N−1)); FF is +Inf and PF 0
	// when the ranks are identical in every block.
	FF, PF float64
}

// Friedman ranks each row of table (one row per block, one column per
// treatment; lower is better, +Inf allowed and tied with itself) and
// returns Friedman's test of equal mean ranks, without tie correction, as
// in Demšar (2006), "Statistical comparisons of classifiers over multiple
// data sets", JMLR 7:1–30, §3.2.2.
//
// It returns an error if there are fewer than 2 rows or 2 columns, the rows
// differ in length, or a value is NaN.
func Friedman(table [][]float64) (FriedmanResult, error) {
	n := len(table)
	if n < 2 {
		return FriedmanResult{}, fmt.Errorf("stats: friedman: %d blocks, need at least 2", n)
	}
	k := len(table[0])
	if k < 2 {
		return FriedmanResult{}, fmt.Errorf("stats: friedman: %d treatments, need at least 2", k)
	}
	mean := make([]float64, k)
	for i, row := range table {
		if len(row) != k {
			return FriedmanResult{}, fmt.Errorf("stats: friedman: row %d has %d values, row 0 has %d", i, len(row), k)
		}
		if hasNaN(row) {
			return FriedmanResult{}, fmt.Errorf("stats: friedman: row %d contains NaN", i)
		}
		for j, r := range Ranks(row) {
			mean[j] += r
		}
	}
	nf, kf := float64(n), float64(k)
	var sumSq float64
	for j := range mean {
		mean[j] /= nf
		sumSq += mean[j] * mean[j]
	}
	chi := 12 * nf / (kf * (kf + 1)) * (sumSq - kf*(kf+1)*(kf+1)/4)
	chi = math.Max(chi, 0) // rounding can make an exact 0 slightly negative
	res := FriedmanResult{N: n, K: k, MeanRanks: mean, ChiSq: chi,
		P: distuv.ChiSquared{K: kf - 1}.Survival(chi)}
	if den := nf*(kf-1) - chi; den > 0 {
		res.FF = (nf - 1) * chi / den
		res.PF = distuv.F{D1: kf - 1, D2: (kf - 1) * (nf - 1)}.Survival(res.FF)
	} else {
		res.FF, res.PF = math.Inf(1), 0
	}
	return res, nil
}

// NemenyiQ returns the critical value q_α of the Nemenyi test for k ≥ 2
// treatments: the 1−α quantile of the Studentized range of k independent
// standard normal variables (infinite degrees of freedom), divided by √2
// (Demšar 2006, §3.2.2; his Table 5(a) lists it for k = 2…10: 1.960, 2.343,
// …, 3.164 at α = 0.05). The range's distribution is
// P(R ≤ q) = k ∫ φ(z)·[Φ(z) − Φ(z − q)]^(k−1) dz, integrated numerically
// (Simpson's rule on [−12, 12]) and inverted by bisection to 1e-10.
// It returns NaN for k < 2 or alpha outside (0, 1).
func NemenyiQ(k int, alpha float64) float64 {
	if k < 2 || !(alpha > 0 && alpha < 1) {
		return math.NaN()
	}
	lo, hi := 0.0, 20.0
	for hi-lo > 1e-10 {
		mid := (lo + hi) / 2
		if rangeCDF(mid, k) < 1-alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2 / math.Sqrt2
}

// rangeCDF is P(R ≤ q) for the range R of k standard normal variables.
func rangeCDF(q float64, k int) float64 {
	const (
		a, b = -12.0, 12.0
		n    = 2400 // even
	)
	n01 := distuv.UnitNormal
	f := func(z float64) float64 {
		d := n01.CDF(z) - n01.CDF(z-q)
		return n01.Prob(z) * math.Pow(d, float64(k-1))
	}
	h := (b - a) / n
	sum := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(i)*h)
	}
	return float64(k) * sum * h / 3
}

// NemenyiCD returns the Nemenyi critical difference CD = q_α·√(k(k+1)/(6N))
// for k treatments ranked over N blocks (Demšar 2006, §3.2.2), with q_α
// from NemenyiQ: two mean ranks that differ by at least CD differ
// significantly at level alpha. It returns NaN if k < 2, n < 1 or alpha
// is not in (0, 1).
func NemenyiCD(k, n int, alpha float64) float64 {
	if n < 1 {
		return math.NaN()
	}
	kf := float64(k)
	return NemenyiQ(k, alpha) * math.Sqrt(kf*(kf+1)/(6*float64(n)))
}

// CDGroups returns the maximal groups of treatments, as index lists sorted
// by mean rank, whose mean ranks all lie within less than cd of each other
// — the bars a critical-difference diagram draws (Demšar 2006, Fig. 1).
// Groups of one treatment are left out; a group contained in another is
// not repeated.
func CDGroups(meanRanks []float64, cd float64) [][]int {
	order := make([]int, len(meanRanks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return meanRanks[order[a]] < meanRanks[order[b]] })
	var out [][]int
	lastEnd := -1
	for i := range order {
		j := i
		for j+1 < len(order) && meanRanks[order[j+1]]-meanRanks[order[i]] < cd {
			j++
		}
		if j > i && j > lastEnd {
			out = append(out, append([]int(nil), order[i:j+1]...))
			lastEnd = j
		}
	}
	return out
}
