package stats

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
)

// Tolerances used below.
const (
	// tolExact is for values that the code under test and the reference
	// compute with the same (or algebraically identical) float64
	// arithmetic, or as ratios of exact integer counts; only a few ulps of
	// rounding can differ.
	tolExact = 1e-12
	// tol4dp is half a unit in the 4th decimal place, for references
	// published rounded to 4 decimals (Newcombe 1998, R's printed
	// p-value 0.2544).
	tol4dp = 5e-5
	// tol4sig is half a unit in the last printed digit of R's p-value
	// 0.03906 (4 significant digits).
	tol4sig = 5e-6
)

// sameFloat reports whether a and b are equal, treating NaN as equal to NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestQuartiles(t *testing.T) {
	// Reference values are R type 7 (Hyndman & Fan 1996, def. 7) computed
	// by hand with h = (n−1)·p, Q = x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1]−x[⌊h⌋]);
	// each was also cross-checked with Python 3's
	// statistics.quantiles(xs, n=4, method="inclusive"), which implements
	// the same definition (and equals numpy.percentile's default).
	tests := []struct {
		name           string
		xs             []float64
		q1, median, q3 float64
	}{
		// n=4: h=0.75 → 1+0.75·1=1.75; h=1.5 → 2+0.5·1=2.5; h=2.25 → 3+0.25·1=3.25.
		{"1..4 unsorted", []float64{4, 1, 3, 2}, 1.75, 2.5, 3.25},
		// n=6: h=1.25 → 15+0.25·21=20.25; h=2.5 → 36+0.5·3=37.5; h=3.75 → 39+0.75·1=39.75.
		{"n=6", []float64{41, 7, 39, 15, 40, 36}, 20.25, 37.5, 39.75},
		// n=11: h=2.5 → 15+0.5·21=25.5; h=5 → 40; h=7.5 → 42+0.5·1=42.5.
		{"n=11", []float64{6, 7, 15, 36, 39, 40, 41, 42, 43, 47, 49}, 25.5, 40, 42.5},
		// n=1: h=0 for every p.
		{"single", []float64{3.5}, 3.5, 3.5, 3.5},
		// n=5 with ties: h=1 → 2; h=2 → 2; h=3 → 2.
		{"ties", []float64{2, 1, 2, 2, 9}, 2, 2, 2},
		// n=3 with +Inf: h=0.5 → 1+0.5·1=1.5; h=1 → 2 (no Inf−Inf); h=1.5 → 2+0.5·(Inf−2)=Inf.
		{"inf", []float64{math.Inf(1), 1, 2}, 1.5, 2, math.Inf(1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := slices.Clone(tc.xs)
			q1, med, q3 := Quartiles(tc.xs)
			assert.InDelta(t, tc.q1, q1, tolExact)
			assert.InDelta(t, tc.median, med, tolExact)
			if math.IsInf(tc.q3, 1) {
				assert.True(t, math.IsInf(q3, 1), "q3=%v", q3)
			} else {
				assert.InDelta(t, tc.q3, q3, tolExact)
			}
			assert.Equal(t, orig, tc.xs, "Quartiles must not modify its input")
		})
	}
}

func TestQuartilesInvalid(t *testing.T) {
	for name, xs := range map[string][]float64{
		"nil":   nil,
		"empty": {},
		"NaN":   {1, math.NaN(), 3},
	} {
		t.Run(name, func(t *testing.T) {
			q1, med, q3 := Quartiles(xs)
			assert.True(t, math.IsNaN(q1) && math.IsNaN(med) && math.IsNaN(q3), "got %v %v %v", q1, med, q3)
		})
	}
}

// TestQuartilesDiffersFromGonumLinInterp documents why Quartiles does not use
// stat.Quantile(p, stat.LinInterp, ...): that is R type 4, whose median of
// {1,2,3,4} is 2 (p·n = 2 falls exactly on x[1]), not the type 7 value 2.5.
func TestQuartilesDiffersFromGonumLinInterp(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	assert.InDelta(t, 2.0, stat.Quantile(0.5, stat.LinInterp, xs, nil), tolExact)
	_, med, _ := Quartiles(xs)
	assert.InDelta(t, 2.5, med, tolExact)
}

func TestMedianCI(t *testing.T) {
	// Ranks k, n−k+1 are the largest k with 2·P(B ≤ k−1) ≤ 1−conf,
	// B ~ Bin(n, 1/2), hand-computed from binomial sums (cross-checked
	// with Python's math.comb):
	//   n=10, 95%: 2·P(B≤1) = 2·11/1024 = 0.0215 ≤ 0.05; 2·P(B≤2) = 2·56/1024 = 0.109 > 0.05 → ranks 2, 9.
	//   n=10, 99%: 2·P(B≤0) = 2/1024 ≤ 0.01; 2·P(B≤1) = 0.0215 > 0.01 → ranks 1, 10.
	//   n=6, 95%: 2·P(B≤0) = 2/64 = 0.03125 ≤ 0.05 → ranks 1, 6.
	//   n=6 at exactly conf = 1−2/64 = 0.96875: attainable, so ok.
	//   n=100, 95%: 2·P(B≤39) = 0.0352, 2·P(B≤40) = 0.0569 → ranks 40, 61
	//   (the standard table value, e.g. Campbell & Gardner, BMJ 1988 296:1454).
	//   n=5, 95%: 2·P(B≤0) = 2/32 = 0.0625 > 0.05 → not reachable.
	shuffled := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i + 1)
		}
		r := rand.New(rand.NewPCG(1, uint64(n)))
		r.Shuffle(n, func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		return xs
	}
	tests := []struct {
		name   string
		xs     []float64
		conf   float64
		lo, hi float64
		ok     bool
	}{
		{"n=10 95%", shuffled(10), 0.95, 2, 9, true},
		{"n=10 99%", shuffled(10), 0.99, 1, 10, true},
		{"n=6 95%", shuffled(6), 0.95, 1, 6, true},
		{"n=6 exact attainable", shuffled(6), 1 - 2.0/64, 1, 6, true},
		{"n=100 95%", shuffled(100), 0.95, 40, 61, true},
		{"n=5 95% too small", shuffled(5), 0.95, math.NaN(), math.NaN(), false},
		{"empty", nil, 0.95, math.NaN(), math.NaN(), false},
		{"NaN data", []float64{1, 2, 3, 4, 5, 6, math.NaN()}, 0.95, math.NaN(), math.NaN(), false},
		{"conf 1", shuffled(10), 1, math.NaN(), math.NaN(), false},
		{"conf 0", shuffled(10), 0, math.NaN(), math.NaN(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := slices.Clone(tc.xs)
			lo, hi, ok := MedianCI(tc.xs, tc.conf)
			require.Equal(t, tc.ok, ok)
			if tc.ok {
				assert.Equal(t, tc.lo, lo)
				assert.Equal(t, tc.hi, hi)
			} else {
				assert.True(t, math.IsNaN(lo) && math.IsNaN(hi))
			}
			assert.True(t, slices.EqualFunc(orig, tc.xs, sameFloat), "MedianCI must not modify its input")
		})
	}
}

func TestWilson(t *testing.T) {
	// Newcombe (1998), Statistics in Medicine 17:857–872, Table I, method 3
	// (Wilson score interval without continuity correction), printed to
	// 4 decimals; recomputed independently with Python's statistics.NormalDist
	// before citing.
	tests := []struct {
		x, n   int
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0.0000, 0.1611},
		{1, 29, 0.0061, 0.1718},
	}
	for _, tc := range tests {
		lo, hi := Wilson(tc.x, tc.n, 0.95)
		assert.InDelta(t, tc.lo, lo, tol4dp, "%d/%d lo", tc.x, tc.n)
		assert.InDelta(t, tc.hi, hi, tol4dp, "%d/%d hi", tc.x, tc.n)
	}
}

func TestWilsonEdges(t *testing.T) {
	lo, hi := Wilson(0, 0, 0.95)
	assert.Equal(t, [2]float64{0, 1}, [2]float64{lo, hi}, "n=0")

	lo, hi = Wilson(0, 20, 0.95)
	assert.Equal(t, 0.0, lo, "x=0 lower limit is exactly 0")
	lo, hi = Wilson(20, 20, 0.95)
	assert.Equal(t, 1.0, hi, "x=n upper limit is exactly 1")
	assert.Less(t, lo, 1.0)

	// Symmetry of the score interval: [lo, hi](x) = [1−hi, 1−lo](n−x).
	lo1, hi1 := Wilson(7, 31, 0.9)
	lo2, hi2 := Wilson(24, 31, 0.9)
	assert.InDelta(t, lo1, 1-hi2, tolExact)
	assert.InDelta(t, hi1, 1-lo2, tolExact)

	for _, c := range []struct{ x, n int }{{-1, 5}, {6, 5}, {1, -1}} {
		lo, hi := Wilson(c.x, c.n, 0.95)
		assert.True(t, math.IsNaN(lo) && math.IsNaN(hi), "Wilson(%d,%d)", c.x, c.n)
	}
	lo, hi = Wilson(1, 5, 1.5)
	assert.True(t, math.IsNaN(lo) && math.IsNaN(hi), "bad confidence")
}

func TestERT(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name    string
		evals   []float64
		success []bool
		want    float64
	}{
		// (100+200+300)/3 = 200.
		{"all succeed", []float64{100, 200, 300}, []bool{true, true, true}, 200},
		// Failed runs count at their budget 1000: (100+300+1000+1000)/2 = 1200.
		{"with failures", []float64{100, 1000, 300, 1000}, []bool{true, false, true, false}, 1200},
		// One success: (50+1000+1000)/1 = 2050.
		{"one success", []float64{1000, 50, 1000}, []bool{false, true, false}, 2050},
		{"none succeed", []float64{1000, 1000}, []bool{false, false}, inf},
		{"empty", nil, nil, inf},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ART(tc.evals, tc.success)
			if math.IsInf(tc.want, 1) {
				assert.True(t, math.IsInf(got, 1), "got %v", got)
				return
			}
			assert.InDelta(t, tc.want, got, tolExact)
		})
	}
	assert.True(t, math.IsNaN(ART([]float64{1}, nil)), "length mismatch → NaN")
}

func TestERTBootstrap(t *testing.T) {
	evals := []float64{50, 80, 1000, 120, 1000}
	success := []bool{true, true, false, true, false}
	ert := ART(evals, success) // (50+80+1000+120+1000)/3 = 750

	newRnd := func(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 42)) }

	t.Run("deterministic", func(t *testing.T) {
		lo1, hi1 := RestartSpread(evals, success, newRnd(7), 500, 0.025, 0.975)
		lo2, hi2 := RestartSpread(evals, success, newRnd(7), 500, 0.025, 0.975)
		assert.Equal(t, lo1, lo2)
		assert.Equal(t, hi1, hi2)
	})
	t.Run("default reps", func(t *testing.T) {
		lo1, hi1 := RestartSpread(evals, success, newRnd(3), 0, 0.025, 0.975)
		lo2, hi2 := RestartSpread(evals, success, newRnd(3), DefaultBootstrapReps, 0.025, 0.975)
		assert.Equal(t, lo1, lo2)
		assert.Equal(t, hi1, hi2)
	})
	t.Run("brackets ART", func(t *testing.T) {
		// The replicate mean is ART (see RestartSpread's doc), so a central
		// 95% interval of 1000 replicates must contain it.
		lo, hi := RestartSpread(evals, success, newRnd(11), 1000, 0.025, 0.975)
		assert.LessOrEqual(t, lo, ert)
		assert.GreaterOrEqual(t, hi, ert)
		assert.Less(t, lo, hi)
	})
	t.Run("all succeed brackets mean", func(t *testing.T) {
		// Every replicate is a single draw, so totals are the evals
		// themselves; with ~250 draws of each of 4 values the 2.5% and
		// 97.5% quantiles are the minimum and maximum.
		ev := []float64{10, 20, 30, 40}
		lo, hi := RestartSpread(ev, []bool{true, true, true, true}, newRnd(5), 1000, 0.025, 0.975)
		assert.Equal(t, 10.0, lo)
		assert.Equal(t, 40.0, hi)
		mean := 25.0
		assert.True(t, lo <= mean && mean <= hi)
	})
	t.Run("all fail", func(t *testing.T) {
		lo, hi := RestartSpread([]float64{5, 5}, []bool{false, false}, newRnd(1), 100, 0.025, 0.975)
		assert.True(t, math.IsInf(lo, 1) && math.IsInf(hi, 1), "got %v %v", lo, hi)
	})
	t.Run("invalid", func(t *testing.T) {
		cases := map[string]func() (float64, float64){
			"nil rnd":  func() (float64, float64) { return RestartSpread(evals, success, nil, 10, 0.025, 0.975) },
			"empty":    func() (float64, float64) { return RestartSpread(nil, nil, newRnd(1), 10, 0.025, 0.975) },
			"mismatch": func() (float64, float64) { return RestartSpread(evals, success[:2], newRnd(1), 10, 0.025, 0.975) },
			"bad lo":   func() (float64, float64) { return RestartSpread(evals, success, newRnd(1), 10, -0.1, 0.975) },
			"NaN eval": func() (float64, float64) {
				return RestartSpread([]float64{math.NaN()}, []bool{true}, newRnd(1), 10, 0.025, 0.975)
			},
		}
		for name, f := range cases {
			lo, hi := f()
			assert.True(t, math.IsNaN(lo) && math.IsNaN(hi), name)
		}
	})
}

// bruteMannWhitneyP enumerates all C(n+m, n) assignments of the pooled values
// to the first sample and returns min(1, 2·P(U ≤ min(U_obs, nm−U_obs))), the
// exact permutation p-value conditional on the observed ties (1 when
// U_obs = nm/2). U is counted in half units to stay in integers.
func bruteMannWhitneyP(x, y []float64) float64 {
	pool := append(slices.Clone(x), y...)
	n, N := len(x), len(pool)
	u2 := func(in []bool) int {
		s := 0
		for i := range N {
			if !in[i] {
				continue
			}
			for j := range N {
				if in[j] {
					continue
				}
				switch {
				case pool[i] > pool[j]:
					s += 2
				case pool[i] == pool[j]:
					s++
				}
			}
		}
		return s
	}
	in := make([]bool, N)
	for i := range n {
		in[i] = true
	}
	obs := u2(in)
	total2 := 2 * len(x) * len(y)
	if 2*obs == total2 {
		return 1
	}
	small := min(obs, total2-obs)
	var count, all int
	var rec func(start, left int)
	rec = func(start, left int) {
		if left == 0 {
			all++
			if u2(in) <= small {
				count++
			}
			return
		}
		for i := start; i <= N-left; i++ {
			in[i] = true
			rec(i+1, left-1)
			in[i] = false
		}
	}
	clear(in)
	rec(0, n)
	return math.Min(1, 2*float64(count)/float64(all))
}

func TestMannWhitney(t *testing.T) {
	// R's ?wilcox.test two-sample example (Hollander & Wolfe 1973, p. 69):
	// wilcox.test(x, y, alternative = "g") prints W = 35, p-value = 0.1272,
	// so the two-sided p-value is 2·0.1272 = 0.2544 (the brute force below
	// gives 2·382/3003 = 0.254412).
	x := []float64{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46}
	y := []float64{1.15, 0.88, 0.90, 0.74, 1.21}
	p, err := MannWhitney(x, y)
	require.NoError(t, err)
	assert.InDelta(t, 0.2544, p, tol4dp)
	assert.InDelta(t, bruteMannWhitneyP(x, y), p, tolExact)
	// A12 is U/(n·m) with R's W = U = 35: 35/50 = 0.7.
	assert.InDelta(t, 0.7, A12(x, y), tolExact)

	// Further small samples, with and without ties, against the brute-force
	// enumerator (exact conditional distribution; moremath uses Klotz's
	// algorithm for ties).
	// Without ties the null distribution of U is symmetric, so swapping the
	// samples must not change p; with ties it need not be (checked only
	// against the enumerator, in both orders).
	tests := []struct {
		name string
		x, y []float64
		ties bool
	}{
		{"separated", []float64{1, 2, 3}, []float64{4, 5, 6, 7}, false},
		{"interleaved", []float64{1, 4, 5, 9}, []float64{2, 3, 6, 7, 8}, false},
		{"balanced", []float64{1, 4}, []float64{2, 3}, false},
		{"ties", []float64{1, 2, 2, 3, 5, 8}, []float64{2, 3, 4, 4, 6, 7, 9}, true},
		{"heavy ties", []float64{1, 1, 2, 2, 2}, []float64{2, 2, 3, 3}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := MannWhitney(tc.x, tc.y)
			require.NoError(t, err)
			assert.InDelta(t, bruteMannWhitneyP(tc.x, tc.y), p, tolExact)
			q, err := MannWhitney(tc.y, tc.x)
			require.NoError(t, err)
			assert.InDelta(t, bruteMannWhitneyP(tc.y, tc.x), q, tolExact)
			if !tc.ties {
				assert.InDelta(t, p, q, tolExact, "two-sided p is symmetric in x, y without ties")
			}
		})
	}
}

func TestMannWhitneyEdges(t *testing.T) {
	p, err := MannWhitney([]float64{3, 3, 3}, []float64{3, 3})
	require.NoError(t, err, "all equal is not an error")
	assert.Equal(t, 1.0, p)

	_, err = MannWhitney(nil, []float64{1})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "stats: "), err.Error())

	_, err = MannWhitney([]float64{1, math.NaN()}, []float64{1})
	require.Error(t, err)

	// Large samples take the normal approximation: still a valid p-value.
	r := rand.New(rand.NewPCG(9, 9))
	big1, big2 := make([]float64, 80), make([]float64, 70)
	for i := range big1 {
		big1[i] = r.NormFloat64()
	}
	for i := range big2 {
		big2[i] = r.NormFloat64() + 1
	}
	p, err = MannWhitney(big1, big2)
	require.NoError(t, err)
	assert.True(t, p > 0 && p < 1e-3, "clear shift, p=%v", p)
}

func TestA12(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"identical", []float64{1, 2, 3}, []float64{1, 2, 3}, 0.5},
		{"x all greater", []float64{5, 6}, []float64{1, 2, 3}, 1},
		{"x all smaller", []float64{1, 2, 3}, []float64{5, 6}, 0},
		// Pairs x vs y={2,2,4}: 1 → 0 wins; 2 → 2 ties; 3 → 2 wins.
		// A12 = (2 + 0.5·2)/9 = 1/3.
		{"mixed", []float64{1, 2, 3}, []float64{2, 2, 4}, 1.0 / 3},
		{"mixed reversed", []float64{2, 2, 4}, []float64{1, 2, 3}, 2.0 / 3},
		{"empty", nil, []float64{1}, math.NaN()},
		{"NaN", []float64{math.NaN()}, []float64{1}, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := A12(tc.x, tc.y)
			if math.IsNaN(tc.want) {
				assert.True(t, math.IsNaN(got), "got %v", got)
				return
			}
			assert.InDelta(t, tc.want, got, tolExact)
		})
	}
}

// bruteSignedRankP enumerates all 2^n sign assignments of the ranks 1..n of
// |d| (d without zeros or ties) and returns
// min(1, 2·min(P(W⁺ ≤ V), P(W⁺ ≥ V))).
func bruteSignedRankP(d []float64) float64 {
	var nz []float64
	for _, v := range d {
		if v != 0 {
			nz = append(nz, v)
		}
	}
	n := len(nz)
	if n == 0 {
		return 1
	}
	rank := make([]int, n) // rank[i] = 1 + #{j : |d_j| < |d_i|} (no ties)
	v := 0
	for i := range nz {
		rank[i] = 1
		for j := range nz {
			if math.Abs(nz[j]) < math.Abs(nz[i]) {
				rank[i]++
			}
		}
		if nz[i] > 0 {
			v += rank[i]
		}
	}
	var le, ge int
	for mask := 0; mask < 1<<n; mask++ {
		w := 0
		for i := range n {
			if mask&(1<<i) != 0 {
				w += rank[i]
			}
		}
		if w <= v {
			le++
		}
		if w >= v {
			ge++
		}
	}
	return math.Min(1, 2*float64(min(le, ge))/float64(int(1)<<n))
}

func TestWilcoxonSignedRank(t *testing.T) {
	// R's ?wilcox.test paired example (Hollander & Wolfe 1973, p. 29,
	// Hamilton depression scale): wilcox.test(x, y, paired = TRUE) prints
	// V = 40, p-value = 0.03906. Exactly: n = 9, only W⁺ ∈ {40..45} are as
	// extreme, 10 of 512 sign patterns, p = 2·10/512 = 0.0390625.
	x := []float64{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30}
	y := []float64{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29}
	p, err := WilcoxonSignedRank(x, y)
	require.NoError(t, err)
	assert.InDelta(t, 0.03906, p, tol4sig)
	assert.InDelta(t, 20.0/512, p, tolExact)

	// Random small samples (continuous, so no ties) against the 2^n
	// enumerator; some pairs are made equal to exercise zero dropping.
	r := rand.New(rand.NewPCG(2024, 1))
	for n := 1; n <= 14; n++ {
		for rep := range 4 {
			xs, ys := make([]float64, n), make([]float64, n)
			for i := range xs {
				xs[i] = r.NormFloat64()
				ys[i] = r.NormFloat64() + 0.3*float64(rep)
				if rep == 3 && i%4 == 0 {
					ys[i] = xs[i] // zero difference, dropped
				}
			}
			p, err := WilcoxonSignedRank(xs, ys)
			require.NoError(t, err)
			d := make([]float64, n)
			for i := range d {
				d[i] = xs[i] - ys[i]
			}
			assert.InDelta(t, bruteSignedRankP(d), p, tolExact, "n=%d rep=%d", n, rep)
		}
	}
}

func TestWilcoxonSignedRankNormal(t *testing.T) {
	// Ties and a zero force the normal approximation. Hand computation for
	// d = x − y = {0, 1, −2, 2, 3, −3, 3, 5}:
	//   drop the zero → n = 7; |d| = 1,2,2,3,3,3,5 → ranks 1, 2.5, 2.5, 5, 5, 5, 7;
	//   V = 1 + 2.5 + 5 + 5 + 7 = 20.5; mean = 7·8/4 = 14;
	//   σ² = 7·8·15/24 − [(2³−2) + (3³−3)]/48 = 35 − 30/48 = 34.375;
	//   z = (20.5 − 14 − 0.5)/√34.375 = 1.0233634;
	//   p = 2·(1 − Φ(z)) = erfc(z/√2) = 0.3061360 (R: wilcox.test(d + 10, rep(10, 8),
	//   paired = TRUE) uses the same formula).
	d := []float64{0, 1, -2, 2, 3, -3, 3, 5}
	x := make([]float64, len(d))
	y := make([]float64, len(d))
	for i, v := range d {
		x[i], y[i] = v+10, 10
	}
	p, err := WilcoxonSignedRank(x, y)
	require.NoError(t, err)
	z := 6 / math.Sqrt(34.375)
	assert.InDelta(t, math.Erfc(z/math.Sqrt2), p, tolExact)
	assert.InDelta(t, 0.3061360, p, 1e-7) // printed to 7 decimals above

	// Exact/normal boundary: d = 1..n, all positive, no ties.
	// n = 50 is exact: only the all-positive pattern has W⁺ = max, p = 2/2^50.
	ones := func(n int) ([]float64, []float64) {
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i] = float64(i + 1)
		}
		return a, b
	}
	a, b := ones(50)
	p, err = WilcoxonSignedRank(a, b)
	require.NoError(t, err)
	assert.Equal(t, math.Ldexp(1, -49), p)
	// n = 60 uses the normal approximation: V = 1830, mean = 915,
	// σ² = 60·61·121/24 = 18452.5, z = (1830 − 915 − 0.5)/√18452.5 = 6.7321859,
	// p = erfc(z/√2) = 1.6713e-11.
	a, b = ones(60)
	p, err = WilcoxonSignedRank(a, b)
	require.NoError(t, err)
	z = 914.5 / math.Sqrt(18452.5)
	// Relative tolerance: both sides are erfc of the same z (gonum's CDF is
	// 0.5·erfc(−z/√2)); only z's rounding differs.
	assert.InEpsilon(t, math.Erfc(z/math.Sqrt2), p, 1e-12)
	assert.InEpsilon(t, 1.6713e-11, p, 1e-4)
}

func TestWilcoxonSignedRankEdges(t *testing.T) {
	p, err := WilcoxonSignedRank([]float64{1, 2, 3}, []float64{1, 2, 3})
	require.NoError(t, err)
	assert.Equal(t, 1.0, p, "no non-zero differences")

	_, err = WilcoxonSignedRank([]float64{1, 2, 3}, []float64{1, 2})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "stats: "), err.Error())
	assert.Contains(t, err.Error(), "3")
	assert.Contains(t, err.Error(), "2")

	_, err = WilcoxonSignedRank(nil, nil)
	require.Error(t, err)
	_, err = WilcoxonSignedRank([]float64{math.NaN()}, []float64{1})
	require.Error(t, err)
}

func TestHolm(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		p    []float64
		want []float64
	}{
		// Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06,
		// 0.04·1 = 0.04 → cummax 0.06; back in input order (hand-computed,
		// same as R's p.adjust(c(.01,.04,.03,.005), "holm")).
		{"example", []float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02}},
		// NaN is passed through and excluded from m (still m = 4).
		{"NaN", []float64{0.01, nan, 0.04, 0.03, 0.005}, []float64{0.03, nan, 0.06, 0.06, 0.02}},
		// Out-of-range values are not p-values: NaN, excluded from m.
		{"out of range", []float64{-0.1, 0.02, 1.5}, []float64{nan, 0.02, nan}},
		// Ties: 0.02·2 = 0.04, 0.02·1 = 0.02 → cummax 0.04.
		{"ties", []float64{0.02, 0.02}, []float64{0.04, 0.04}},
		// Capping: 0.5·2 = 1, 0.6·1 → cummax 1.
		{"cap", []float64{0.6, 0.5}, []float64{1, 1}},
		{"empty", []float64{}, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := slices.Clone(tc.p)
			got := Holm(tc.p)
			require.Len(t, got, len(tc.want))
			for i := range got {
				if math.IsNaN(tc.want[i]) {
					assert.True(t, math.IsNaN(got[i]), "index %d: %v", i, got[i])
				} else {
					assert.InDelta(t, tc.want[i], got[i], tolExact, "index %d", i)
				}
			}
			assert.True(t, slices.EqualFunc(orig, tc.p, sameFloat), "Holm must not modify its input")
		})
	}
}

// FuzzHolm checks Holm's invariants on arbitrary inputs: each 2-byte chunk
// becomes a p-value in [0, 1], NaN (0xFFFF) or an invalid 1.5 (0xFFFE).
func FuzzHolm(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 2, 0, 2, 0, 0xFF, 0xFF})
	f.Add([]byte{0, 0, 0xFE, 0xFF, 0xFD, 0xFF, 10, 20, 30, 40})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := make([]float64, 0, len(data)/2)
		for i := 0; i+1 < len(data); i += 2 {
			switch u := binary.LittleEndian.Uint16(data[i:]); u {
			case 0xFFFF:
				p = append(p, math.NaN())
			case 0xFFFE:
				p = append(p, 1.5)
			default:
				p = append(p, float64(u)/0xFFFD)
			}
		}
		adj := Holm(p)
		require.Len(t, adj, len(p))
		// Plain comparisons (not testify) keep large inputs fast; the
		// monotonicity check sorts once instead of comparing all pairs.
		var valid []int
		for i, v := range p {
			if v >= 0 && v <= 1 {
				valid = append(valid, i)
			} else if !math.IsNaN(adj[i]) {
				t.Fatalf("invalid p[%d]=%v → %v, want NaN", i, v, adj[i])
			}
		}
		m := float64(len(valid))
		for _, i := range valid {
			if !(adj[i] >= p[i] && adj[i] <= 1 && adj[i] <= math.Min(1, m*p[i])) {
				t.Fatalf("p[%d]=%v → %v: want raw ≤ adjusted ≤ min(1, m·raw), m=%v", i, p[i], adj[i], m)
			}
		}
		slices.SortStableFunc(valid, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
		for k := 1; k < len(valid); k++ {
			i, j := valid[k-1], valid[k]
			if adj[i] > adj[j] || p[i] == p[j] && adj[i] != adj[j] {
				t.Fatalf("not monotone: p[%d]=%v → %v but p[%d]=%v → %v", i, p[i], adj[i], j, p[j], adj[j])
			}
		}
	})
}

// TestA12MatchesPairCount checks A12 against the definition, the share of
// pairs (a, b) with a > b plus half the ties, counted pair by pair, on
// samples with many ties and infinities (the counts are integers, so the
// two agree exactly).
func TestA12MatchesPairCount(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		x := make([]float64, 1+rnd.IntN(40))
		y := make([]float64, 1+rnd.IntN(40))
		for _, s := range [][]float64{x, y} {
			for i := range s {
				switch rnd.IntN(5) {
				case 0:
					s[i] = math.Inf(1)
				case 1:
					s[i] = float64(rnd.IntN(3))
				default:
					s[i] = rnd.NormFloat64()
				}
			}
		}
		var greater, equal int
		for _, a := range x {
			for _, b := range y {
				if a > b {
					greater++
				} else if a == b {
					equal++
				}
			}
		}
		want := (float64(greater) + 0.5*float64(equal)) / float64(len(x)*len(y))
		if got := A12(x, y); got != want {
			t.Fatalf("trial %d: A12 = %v, pair count %v", trial, got, want)
		}
	}
}
