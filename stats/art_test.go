package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// exactBootstrapART enumerates all nⁿ resamples of the runs (each equally
// likely) and returns their aRT values sorted: the exact bootstrap
// distribution that ARTCI samples from.
func exactBootstrapART(evals []float64, success []bool) []float64 {
	n := len(evals)
	idx := make([]int, n)
	var out []float64
	for {
		var sum float64
		k := 0
		for _, i := range idx {
			sum += evals[i]
			if success[i] {
				k++
			}
		}
		if k == 0 {
			out = append(out, math.Inf(1))
		} else {
			out = append(out, sum/float64(k))
		}
		j := 0
		for j < n {
			idx[j]++
			if idx[j] < n {
				break
			}
			idx[j] = 0
			j++
		}
		if j == n {
			break
		}
	}
	slices.Sort(out)
	return out
}

// cdf returns the share of sorted values ≤ v and < v.
func cdf(sorted []float64, v float64) (le, lt float64) {
	n := float64(len(sorted))
	i, _ := slices.BinarySearch(sorted, v)
	j := i
	for j < len(sorted) && sorted[j] == v {
		j++
	}
	return float64(j) / n, float64(i) / n
}

func TestARTCI(t *testing.T) {
	// Five runs, two failures (charged what they spent: 1000 and 400).
	// The reference is the exact bootstrap distribution over all 5⁵ = 3125
	// resamples (exactBootstrapART, brute force); a Monte Carlo percentile
	// from B = 20000 replicates must fall where that distribution's CDF
	// crosses 2.5% (97.5%), within a slack of 1% in probability.
	evals := []float64{50, 80, 1000, 120, 400}
	success := []bool{true, true, false, true, false}
	exact := exactBootstrapART(evals, success)
	lo, hi := ARTCI(evals, success, rand.New(rand.NewPCG(1, 2)), 20000, 0.95)
	const slack = 0.01
	le, lt := cdf(exact, lo)
	assert.True(t, le >= 0.025-slack && lt <= 0.025+slack, "lo %v: P(≤)=%v P(<)=%v", lo, le, lt)
	le, lt = cdf(exact, hi)
	assert.True(t, le >= 0.975-slack && lt <= 0.975+slack, "hi %v: P(≤)=%v P(<)=%v", hi, le, lt)
	art := ART(evals, success) // (50+80+1000+120+400)/3 = 550
	assert.InDelta(t, 550, art, tolExact)
	assert.True(t, lo < art && art < hi)

	// Deterministic for a given stream; every run successful with the same
	// cost gives a point interval; no success gives (+Inf, +Inf).
	lo2, hi2 := ARTCI(evals, success, rand.New(rand.NewPCG(1, 2)), 20000, 0.95)
	assert.Equal(t, [2]float64{lo, hi}, [2]float64{lo2, hi2})
	lo, hi = ARTCI([]float64{7, 7, 7}, []bool{true, true, true}, rand.New(rand.NewPCG(1, 2)), 0, 0.95)
	assert.Equal(t, [2]float64{7, 7}, [2]float64{lo, hi})
	lo, hi = ARTCI([]float64{7, 7}, []bool{false, false}, rand.New(rand.NewPCG(1, 2)), 0, 0.95)
	assert.True(t, math.IsInf(lo, 1) && math.IsInf(hi, 1))
	lo, _ = ARTCI([]float64{7}, []bool{true, false}, rand.New(rand.NewPCG(1, 2)), 0, 0.95)
	assert.True(t, math.IsNaN(lo))
	lo, _ = ARTCI([]float64{7}, []bool{true}, nil, 0, 0.95)
	assert.True(t, math.IsNaN(lo))
}

func TestARTRatioCI(t *testing.T) {
	// Every run of a and b successful, a's costs twice b's first three.
	rnd := rand.New(rand.NewPCG(3, 4))
	lo, hi := ARTRatioCI([]float64{20, 40, 60}, []bool{true, true, true}, []float64{10, 20, 30, 10}, []bool{true, true, true, true}, rnd, 0, 0.95)
	// Not exactly 2: the resamples of a and b are independent. The exact
	// range of the ratio is [20/30, 60/10]; by hand the mean costs 40 and
	// 17.5 give a point ratio of 2.29.
	assert.True(t, lo >= 20.0/30 && hi <= 6 && lo < 40/17.5 && 40/17.5 < hi, "%v %v", lo, hi)

	// Identical single-valued groups: the ratio is exactly 1.
	lo, hi = ARTRatioCI([]float64{5, 5}, []bool{true, true}, []float64{5, 5, 5}, []bool{true, true, true}, rnd, 0, 0.95)
	assert.Equal(t, [2]float64{1, 1}, [2]float64{lo, hi})

	// b never succeeds: every replicate is finite/∞ = 0.
	lo, hi = ARTRatioCI([]float64{5}, []bool{true}, []float64{9, 9}, []bool{false, false}, rnd, 0, 0.95)
	assert.Equal(t, [2]float64{0, 0}, [2]float64{lo, hi})
	lo, _ = ARTRatioCI([]float64{5}, []bool{false}, []float64{9}, []bool{false}, rnd, 0, 0.95)
	assert.True(t, math.IsNaN(lo))
}
