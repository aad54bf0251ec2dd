package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tolScipy is for references printed by scipy 1.10 to 17 significant
// digits but computed with a different (and differently rounded)
// algorithm: a relative 1e-9 leaves room for that rounding.
const tolScipy = 1e-9

func TestRanks(t *testing.T) {
	inf := math.Inf(1)
	// By hand: ties share the average of the positions they occupy.
	assert.Equal(t, []float64{2.5, 1, 2.5, 4.5, 4.5}, Ranks([]float64{3, 1, 3, inf, inf}))
	r := Ranks([]float64{2, math.NaN(), 1})
	assert.Equal(t, 2.0, r[0])
	assert.True(t, math.IsNaN(r[1]))
	assert.Equal(t, 1.0, r[2])
}

func TestFriedman(t *testing.T) {
	// No ties, so Demšar's statistic (no tie correction) equals scipy's:
	// scipy.stats.friedmanchisquare(*t.T) on this table gave statistic
	// 4.333333333333329, pvalue 0.11455884399268802; Iman–Davenport
	// FF = (N−1)χ²/(N(k−1)−χ²) = 2.8260869565217344 with
	// scipy.stats.f.sf(FF, 2, 10) = 0.1064453455763437; mean ranks from
	// scipy.stats.rankdata(t, axis=1).mean(0).
	table := [][]float64{{1, 2, 3}, {2, 1, 3}, {1, 3, 2}, {1, 2, 3}, {3, 1, 2}, {1, 2, 4}}
	res, err := Friedman(table)
	require.NoError(t, err)
	assert.Equal(t, 6, res.N)
	assert.Equal(t, 3, res.K)
	assert.InDeltaSlice(t, []float64{1.5, 11.0 / 6, 8.0 / 3}, res.MeanRanks, tolExact)
	assert.InEpsilon(t, 4.333333333333329, res.ChiSq, tolScipy)
	assert.InEpsilon(t, 0.11455884399268802, res.P, tolScipy)
	assert.InEpsilon(t, 2.8260869565217344, res.FF, tolScipy)
	assert.InEpsilon(t, 0.1064453455763437, res.PF, tolScipy)

	// Ties and +Inf, by hand: ranks (1.5, 1.5, 3) and (2, 1, 3), mean ranks
	// (1.75, 1.25, 3); χ² = 12·2/(3·4)·(1.75² + 1.25² + 3² − 3·4²/4) = 3.25.
	res, err = Friedman([][]float64{{1, 1, math.Inf(1)}, {2, 1, 3}})
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{1.75, 1.25, 3}, res.MeanRanks, tolExact)
	assert.InDelta(t, 3.25, res.ChiSq, tolExact)

	for _, bad := range [][][]float64{nil, {{1, 2}}, {{1}, {2}}, {{1, 2}, {1}}, {{1, math.NaN()}, {1, 2}}} {
		_, err := Friedman(bad)
		assert.Error(t, err, "%v", bad)
	}
}

func TestNemenyiQ(t *testing.T) {
	// scipy 1.10: studentized_range.ppf(1 − α, k, 1e6)/√2 (df = 1e6 stands
	// for ∞, which moves q by about 1e-6, hence the tolerance), and
	// Demšar (2006), Table 5(a), printed to 3 decimals (within 1e-3: his
	// 2.343 and 2.949 at α = 0.05 are off in the last digit).
	for _, c := range []struct {
		alpha         float64
		scipy, demsar []float64
	}{
		{0.05, []float64{1.9599639845400534, 2.343700586378409, 2.569031772546482, 2.7277743708703763, 2.8497054196100016,
			2.9483200175296744, 3.030878449614413, 3.1017303413033805, 3.163683577053373},
			[]float64{1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164}},
		{0.10, []float64{1.6448536269514722, 2.0522927304967755, 2.2913414968880566, 2.4595157642714183, 2.588520601922348,
			2.6927321009677594, 2.779883608152978, 2.8546064311980253, 2.9198888400615384},
			[]float64{1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920}},
	} {
		for i := range c.scipy {
			q := NemenyiQ(i+2, c.alpha)
			assert.InDelta(t, c.scipy[i], q, 1e-5, "k=%d alpha=%v", i+2, c.alpha)
			assert.InDelta(t, c.demsar[i], q, 1e-3, "k=%d alpha=%v", i+2, c.alpha)
		}
	}
	// Beyond the table (scipy as above).
	assert.InDelta(t, 3.268003924466142, NemenyiQ(12, 0.05), 1e-5)
	assert.InDelta(t, 3.5437991315177815, NemenyiQ(20, 0.05), 1e-5)
	assert.True(t, math.IsNaN(NemenyiQ(1, 0.05)))
	assert.True(t, math.IsNaN(NemenyiQ(3, 1)))
}

func TestNemenyiCD(t *testing.T) {
	// Demšar (2006) §3.2.2: q_0.05 = 2.850 for k = 6, so with N = 7
	// CD = 2.850·√(6·7/(6·7)) = 2.850 — the value issue 11 quotes for 7
	// problems × 6 optimizers; and his example, k = 4, N = 14:
	// CD = 2.569·√(4·5/(6·14)) = 1.25 (printed rounded).
	assert.InDelta(t, 2.850, NemenyiCD(6, 7, 0.05), 5e-4)
	assert.InDelta(t, 1.25, NemenyiCD(4, 14, 0.05), 0.005)
	assert.InDelta(t, 1.959963984540054*math.Sqrt(1.0/3), NemenyiCD(2, 3, 0.05), 1e-7)
	assert.True(t, math.IsNaN(NemenyiCD(6, 0, 0.05)))
	assert.True(t, math.IsNaN(NemenyiCD(6, 7, 0)))
}

func TestCDGroups(t *testing.T) {
	// By hand: sorted ranks 1.0 (#1), 1.5 (#0), 2.9 (#3), 3.2 (#2), 5.0 (#4).
	// CD 1: {1,0} and {3,2}. CD 2: from 1.0 up to < 3.0 {1,0,3}; from 1.5
	// up to < 3.5 {0,3,2}; from 2.9 {3,2} is inside the previous one; from
	// 3.2 up to < 5.2 {2,4}. CD 5: all.
	r := []float64{1.5, 1.0, 3.2, 2.9, 5.0}
	assert.Equal(t, [][]int{{1, 0}, {3, 2}}, CDGroups(r, 1))
	assert.Equal(t, [][]int{{1, 0, 3}, {0, 3, 2}, {2, 4}}, CDGroups(r, 2))
	assert.Equal(t, [][]int{{1, 0, 3, 2, 4}}, CDGroups(r, 5))
	assert.Empty(t, CDGroups(r, 0.1))
}
