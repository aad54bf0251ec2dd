package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	mstats "github.com/aclements/go-moremath/stats"
	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultBootstrapReps is the number of bootstrap replicates RestartSpread
// and ARTCI draw when they are called with reps <= 0: B = 2000.
const DefaultBootstrapReps = 2000

// Quartiles returns the first quartile, the median and the third quartile of
// xs using the R type 7 / numpy default ("linear") definition: for a sorted
// copy x[0..n-1] and probability p, h = (n−1)·p and
// Q(p) = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (Hyndman & Fan 1996,
// definition 7), evaluated at p = 0.25, 0.5 and 0.75.
//
// gonum's stat.Quantile is deliberately not used: its LinInterp kind is R
// type 4 (interpolating the empirical CDF with x[k] at p = (k+1)/n), which for
// {1, 2, 3, 4} gives a median of 2 instead of 2.5, and its Empirical kind is R
// type 1 (no interpolation). Type 7 is what R's quantile(), numpy.percentile
// and Python's statistics.quantiles(method="inclusive") report by default, so
// results can be cross-checked with those tools.
//
// xs is not modified. An empty xs, or one containing NaN, yields NaN for all
// three values.
func Quartiles(xs []float64) (q1, median, q3 float64) {
	s, ok := sortedCopy(xs)
	if !ok {
		nan := math.NaN()
		return nan, nan, nan
	}
	return quantile7(s, 0.25), quantile7(s, 0.5), quantile7(s, 0.75)
}

// sortedCopy returns an ascending copy of xs and reports whether xs is
// non-empty and NaN-free.
func sortedCopy(xs []float64) ([]float64, bool) {
	if len(xs) == 0 {
		return nil, false
	}
	for _, v := range xs {
		if math.IsNaN(v) {
			return nil, false
		}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s, true
}

// quantile7 is the R type 7 quantile of the sorted, non-empty, NaN-free s at
// p in [0, 1].
func quantile7(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	frac := h - float64(lo)
	if frac == 0 || s[lo] == s[lo+1] {
		// Avoids Inf−Inf = NaN when neighbouring values are infinite.
		return s[lo]
	}
	return s[lo] + frac*(s[lo+1]-s[lo])
}

// MedianCI returns the distribution-free order-statistic confidence interval
// [x(k), x(n−k+1)] for the population median, where x(i) is the i-th smallest
// value (1-based) and k is the largest integer with
// 1 − 2·P(B ≤ k−1) ≥ confidence for B ~ Binomial(n, 1/2); that coverage is
// exact for continuous data and conservative with ties.
//
// ok is false (and lo, hi are NaN) when even k = 1 does not reach the
// requested confidence, i.e. when 1 − 2^(1−n) < confidence (n < 6 at 95%),
// when confidence is not in (0, 1), or when xs contains NaN. xs is not
// modified.
func MedianCI(xs []float64, confidence float64) (lo, hi float64, ok bool) {
	nan := math.NaN()
	if !(confidence > 0 && confidence < 1) {
		return nan, nan, false
	}
	s, valid := sortedCopy(xs)
	if !valid {
		return nan, nan, false
	}
	n := len(s)
	b := distuv.Binomial{N: float64(n), P: 0.5}
	alpha := 1 - confidence
	// Relative slack so that a confidence equal to an attainable coverage
	// (e.g. 1 − 2/64 for n = 6) is not rejected by rounding in the CDF.
	const slack = 1e-12
	reaches := func(k int) bool { return 2*b.CDF(float64(k-1)) <= alpha+slack }
	if !reaches(1) {
		return nan, nan, false
	}
	// reaches is monotone decreasing in k; binary search the largest k in
	// [1, ⌈n/2⌉] (so that k ≤ n−k+1).
	lok, hik := 1, (n+1)/2
	for lok < hik {
		mid := (lok + hik + 1) / 2
		if reaches(mid) {
			lok = mid
		} else {
			hik = mid - 1
		}
	}
	return s[lok-1], s[n-lok], true
}

// Wilson returns the Wilson score interval for a binomial proportion with
// p̂ = successes/n and z = Φ⁻¹(1 − (1−confidence)/2):
// (p̂ + z²/(2n) ± z·√(p̂(1−p̂)/n + z²/(4n²))) / (1 + z²/n), without continuity
// correction (Wilson 1927; Newcombe 1998, method 3), clamped to [0, 1].
//
// n = 0 yields the uninformative interval (0, 1). Negative n, successes
// outside [0, n] or confidence outside (0, 1) yield (NaN, NaN).
func Wilson(successes, n int, confidence float64) (lo, hi float64) {
	if n < 0 || successes < 0 || successes > n || !(confidence > 0 && confidence < 1) {
		return math.NaN(), math.NaN()
	}
	if n == 0 {
		return 0, 1
	}
	z := distuv.UnitNormal.Quantile(1 - (1-confidence)/2)
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = center-half, center+half
	if successes == 0 || lo < 0 {
		lo = 0
	}
	if successes == n || hi > 1 {
		hi = 1
	}
	return lo, hi
}

// ART returns COCO's average runtime aRT (formerly ERT, expected running
// time): aRT = Σᵢ evals[i] / #{i : success[i]}, where evals[i] is, for a
// successful run, the evaluations it spent until it reached the target and,
// for an unsuccessful one, the evaluations it spent until it stopped —
// its budget only if it ran to the budget (Hansen et al. 2021, COCO).
//
// It returns +Inf when no run succeeded (including empty input) and NaN when
// len(evals) != len(success). NaN evaluations propagate.
func ART(evals []float64, success []bool) float64 {
	if len(evals) != len(success) {
		return math.NaN()
	}
	var sum float64
	var succ int
	for i, e := range evals {
		sum += e
		if success[i] {
			succ++
		}
	}
	if succ == 0 {
		return math.Inf(1)
	}
	return sum / float64(succ)
}

// RestartSpread returns the spread of runtimes under simulated restarts —
// a dispersion of the cost of one success, not a confidence interval for
// aRT (that is ARTCI): the lo and hi quantiles (R type 7, as in Quartiles) of
// reps "simulated restart" totals (COCO; Hansen et al. 2021, "COCO: A
// platform for comparing continuous optimizers in a black-box setting"):
// each replicate repeatedly draws a run index uniformly with replacement
// using rnd and adds its evals, T = Σⱼ evals[Iⱼ], stopping after the first
// drawn run that succeeded. E[T] equals ART(evals, success).
//
// reps <= 0 means DefaultBootstrapReps. The result is deterministic for a
// given rnd state. If no run succeeded it returns (+Inf, +Inf). It returns
// (NaN, NaN) when rnd is nil, the input is empty, the lengths differ, evals
// contains NaN, or lo, hi are not in [0, 1].
func RestartSpread(evals []float64, success []bool, rnd *rand.Rand, reps int, lo, hi float64) (qlo, qhi float64) {
	nan := math.NaN()
	n := len(evals)
	if rnd == nil || n == 0 || n != len(success) ||
		!(lo >= 0 && lo <= 1) || !(hi >= 0 && hi <= 1) {
		return nan, nan
	}
	anySuccess := false
	for i, e := range evals {
		if math.IsNaN(e) {
			return nan, nan
		}
		anySuccess = anySuccess || success[i]
	}
	if !anySuccess {
		return math.Inf(1), math.Inf(1)
	}
	if reps <= 0 {
		reps = DefaultBootstrapReps
	}
	totals := make([]float64, reps)
	for r := range totals {
		var t float64
		for {
			i := rnd.IntN(n)
			t += evals[i]
			if success[i] {
				break
			}
		}
		totals[r] = t
	}
	slices.Sort(totals)
	return quantile7(totals, lo), quantile7(totals, hi)
}

// MannWhitney returns the two-sided p-value of the Mann–Whitney U test
// (Wilcoxon rank-sum test) of x and y, where U = #{(i,j): xᵢ > yⱼ} +
// ½·#{(i,j): xᵢ = yⱼ} and p = min(1, 2·P(U ≤ min(U, n·m − U))), computed by
// github.com/aclements/go-moremath/stats.MannWhitneyUTest with
// LocationDiffers: exact (conditional on ties) for small samples (≤ 50 each
// without ties, ≤ 25 with ties), otherwise the normal approximation with tie
// and continuity corrections.
//
// With ties, the exact conditional null distribution of U is in general not
// symmetric, so swapping x and y can change p slightly; without ties it is
// symmetric.
//
// When all values are equal it returns p = 1 and a nil error. It returns an
// error if either sample is empty or contains NaN.
func MannWhitney(x, y []float64) (p float64, err error) {
	if len(x) == 0 || len(y) == 0 {
		return math.NaN(), fmt.Errorf("stats: mann-whitney: empty sample (len(x)=%d, len(y)=%d)", len(x), len(y))
	}
	if hasNaN(x) || hasNaN(y) {
		return math.NaN(), errors.New("stats: mann-whitney: sample contains NaN")
	}
	res, err := mstats.MannWhitneyUTest(x, y, mstats.LocationDiffers)
	if errors.Is(err, mstats.ErrSamplesEqual) {
		return 1, nil
	}
	if err != nil {
		return math.NaN(), fmt.Errorf("stats: mann-whitney: %w", err)
	}
	return math.Min(1, res.P), nil
}

func hasNaN(xs []float64) bool {
	return slices.ContainsFunc(xs, math.IsNaN)
}

// A12 returns the Vargha–Delaney effect size
// A12 = (#{(i,j): xᵢ > yⱼ} + ½·#{(i,j): xᵢ = yⱼ}) / (n·m), an estimate of
// P(X > Y) + ½·P(X = Y), computed over all n·m pairs. 0.5 means no effect;
// values near 1 mean x tends to be larger.
//
// It returns NaN if either sample is empty or contains NaN.
func A12(x, y []float64) float64 {
	if len(x) == 0 || len(y) == 0 || hasNaN(x) || hasNaN(y) {
		return math.NaN()
	}
	// Count, for each a, the b below it and equal to it by binary search in
	// sorted y: O((n+m)·log m) instead of comparing every pair, with the
	// same integer counts (so the same result to the bit).
	ys := slices.Clone(y)
	slices.Sort(ys)
	var greater, equal int
	for _, a := range x {
		lo, _ := slices.BinarySearch(ys, a)                                          // first b ≥ a
		hi := lo + sort.Search(len(ys)-lo, func(i int) bool { return ys[lo+i] > a }) // first b > a
		greater += lo
		equal += hi - lo
	}
	return (float64(greater) + 0.5*float64(equal)) / (float64(len(x)) * float64(len(y)))
}

// wilcoxonExactLimit is the largest number of non-zero differences for which
// WilcoxonSignedRank uses the exact null distribution.
const wilcoxonExactLimit = 50

// WilcoxonSignedRank returns the two-sided p-value of the paired Wilcoxon
// signed-rank test on d = x − y. Zero differences are dropped (Wilcoxon's
// method, as R's wilcox.test), the remaining n values are ranked by |d| with
// average ranks for ties, and the statistic is V = W⁺ = Σ_{dᵢ>0} rank(|dᵢ|).
//
// If n ≤ 50 and the |d| have no ties, p = min(1, 2·min(P(W⁺ ≤ V), P(W⁺ ≥ V)))
// under the exact null distribution of W⁺ (all 2ⁿ sign assignments equally
// likely, counted by dynamic programming over subset sums of 1..n).
// Otherwise it uses the normal approximation z = (V − n(n+1)/4 − sign·½)/σ
// with σ² = n(n+1)(2n+1)/24 − Σₜ(t³−t)/48 over tie groups of size t and
// continuity correction ½ toward the mean, p = 2·min(Φ(z), 1−Φ(z)) (as R
// with correct = TRUE). Unlike R, which falls back to the normal
// approximation whenever zeros were dropped, the exact distribution is used
// for the remaining n when there are no ties. Differences are compared
// exactly, without rounding.
//
// With no non-zero differences it returns p = 1. It returns an error if the
// lengths differ, the samples are empty, or a difference is NaN.
func WilcoxonSignedRank(x, y []float64) (p float64, err error) {
	if len(x) != len(y) {
		return math.NaN(), fmt.Errorf("stats: wilcoxon signed-rank: length mismatch: len(x)=%d, len(y)=%d", len(x), len(y))
	}
	if len(x) == 0 {
		return math.NaN(), errors.New("stats: wilcoxon signed-rank: empty samples")
	}
	d := make([]float64, 0, len(x))
	for i := range x {
		di := x[i] - y[i]
		if math.IsNaN(di) {
			return math.NaN(), fmt.Errorf("stats: wilcoxon signed-rank: difference at index %d is NaN", i)
		}
		if di != 0 {
			d = append(d, di)
		}
	}
	n := len(d)
	if n == 0 {
		return 1, nil
	}
	ranks, tieGroups := absRanks(d)
	var v float64
	for i, di := range d {
		if di > 0 {
			v += ranks[i]
		}
	}
	if n <= wilcoxonExactLimit && len(tieGroups) == 0 {
		return signedRankExactP(n, int(v)), nil
	}
	nf := float64(n)
	mean := nf * (nf + 1) / 4
	var tieSum float64
	for _, t := range tieGroups {
		tf := float64(t)
		tieSum += tf*tf*tf - tf
	}
	sigma := math.Sqrt(nf*(nf+1)*(2*nf+1)/24 - tieSum/48)
	num := v - mean
	switch {
	case num > 0:
		num -= 0.5
	case num < 0:
		num += 0.5
	}
	z := num / sigma
	// 2·min(Φ(z), 1−Φ(z)) = 2·Φ(−|z|). distuv's CDF is erfc-based and keeps
	// full relative accuracy in the tail, whereas its Survival is 1−erf and
	// loses it for small p-values.
	p = 2 * distuv.UnitNormal.CDF(-math.Abs(z))
	return math.Min(1, p), nil
}

// absRanks returns the average ranks (1-based) of |d| and the sizes (> 1) of
// its tie groups.
func absRanks(d []float64) (ranks []float64, tieGroups []int) {
	n := len(d)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return math.Abs(d[idx[a]]) < math.Abs(d[idx[b]]) })
	ranks = make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && math.Abs(d[idx[j]]) == math.Abs(d[idx[i]]) {
			j++
		}
		// Positions i..j-1 share ranks i+1..j; their average is (i+1+j)/2.
		r := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			ranks[idx[k]] = r
		}
		if j-i > 1 {
			tieGroups = append(tieGroups, j-i)
		}
		i = j
	}
	return ranks, tieGroups
}

// signedRankExactP returns min(1, 2·min(P(W⁺ ≤ v), P(W⁺ ≥ v))) for the exact
// null distribution of the signed-rank statistic with ranks 1..n.
func signedRankExactP(n, v int) float64 {
	maxSum := n * (n + 1) / 2
	// counts[s] = number of subsets of {1..k} with sum s. For n ≤ 50 the
	// counts are at most 2^50 < 2^53, so float64 holds them exactly.
	counts := make([]float64, maxSum+1)
	counts[0] = 1
	for k := 1; k <= n; k++ {
		top := k * (k + 1) / 2
		for s := top; s >= k; s-- {
			counts[s] += counts[s-k]
		}
	}
	var le, ge float64
	for s, c := range counts {
		if s <= v {
			le += c
		}
		if s >= v {
			ge += c
		}
	}
	total := math.Ldexp(1, n)
	return math.Min(1, 2*math.Min(le, ge)/total)
}

// Holm returns Holm's (1979) step-down adjusted p-values in the input order:
// with the m valid p-values sorted ascending as p(1) ≤ … ≤ p(m),
// p̃(i) = min(1, max_{j ≤ i} (m − j + 1)·p(j)), which is monotone in the raw
// p-values (as R's p.adjust(p, "holm")).
//
// NaN inputs, and values outside [0, 1] (not p-values), are returned as NaN
// and excluded from m. The input slice is not modified.
func Holm(p []float64) []float64 {
	out := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		if v >= 0 && v <= 1 {
			idx = append(idx, i)
		} else {
			out[i] = math.NaN()
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := len(idx)
	running := 0.0
	for j, i := range idx {
		adj := math.Min(1, float64(m-j)*p[i])
		running = math.Max(running, adj)
		out[i] = running
	}
	return out
}

// ARTCI returns a percentile bootstrap confidence interval for aRT (see
// ART): reps times, draw len(evals) runs with replacement using rnd and
// recompute aRT (+Inf for a resample with no success); the interval is the
// (1−confidence)/2 and (1+confidence)/2 quantiles (R type 7) of the
// replicates (Efron & Tibshirani 1993, ch. 13). Unlike RestartSpread, it
// says how precisely the runs determine aRT.
//
// reps <= 0 means DefaultBootstrapReps. If no run succeeded it returns
// (+Inf, +Inf). It returns (NaN, NaN) when rnd is nil, the input is empty,
// the lengths differ, evals contains NaN, or confidence is not in (0, 1).
func ARTCI(evals []float64, success []bool, rnd *rand.Rand, reps int, confidence float64) (lo, hi float64) {
	reps, ok := bootstrapArgs(evals, success, rnd, reps, confidence)
	if !ok {
		return math.NaN(), math.NaN()
	}
	if !slices.Contains(success, true) {
		return math.Inf(1), math.Inf(1)
	}
	arts := make([]float64, reps)
	for r := range arts {
		arts[r] = resampledART(evals, success, rnd)
	}
	slices.Sort(arts)
	return quantile7(arts, (1-confidence)/2), quantile7(arts, (1+confidence)/2)
}

// ARTRatioCI returns a percentile bootstrap confidence interval for the
// ratio aRT(a)/aRT(b), resampling the runs of a and of b independently
// (as ARTCI does) reps times. Replicates in which neither resample has a
// success (∞/∞) are dropped; a replicate with a success only in b gives
// +Inf, only in a gives 0. If no replicate is left it returns (NaN, NaN),
// as for invalid input.
func ARTRatioCI(evalsA []float64, successA []bool, evalsB []float64, successB []bool, rnd *rand.Rand, reps int, confidence float64) (lo, hi float64) {
	reps, okA := bootstrapArgs(evalsA, successA, rnd, reps, confidence)
	_, okB := bootstrapArgs(evalsB, successB, rnd, reps, confidence)
	if !okA || !okB {
		return math.NaN(), math.NaN()
	}
	ratios := make([]float64, 0, reps)
	for range reps {
		a := resampledART(evalsA, successA, rnd)
		b := resampledART(evalsB, successB, rnd)
		if math.IsInf(a, 1) && math.IsInf(b, 1) {
			continue
		}
		ratios = append(ratios, a/b)
	}
	if len(ratios) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(ratios)
	return quantile7(ratios, (1-confidence)/2), quantile7(ratios, (1+confidence)/2)
}

func bootstrapArgs(evals []float64, success []bool, rnd *rand.Rand, reps int, confidence float64) (int, bool) {
	if rnd == nil || len(evals) == 0 || len(evals) != len(success) || hasNaN(evals) ||
		!(confidence > 0 && confidence < 1) {
		return 0, false
	}
	if reps <= 0 {
		reps = DefaultBootstrapReps
	}
	return reps, true
}

// resampledART is the aRT of one resample with replacement of the runs.
func resampledART(evals []float64, success []bool, rnd *rand.Rand) float64 {
	var sum float64
	k := 0
	for range evals {
		i := rnd.IntN(len(evals))
		sum += evals[i]
		if success[i] {
			k++
		}
	}
	if k == 0 {
		return math.Inf(1)
	}
	return sum / float64(k)
}
