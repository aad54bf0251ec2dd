package stats

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFisherExact(t *testing.T) {
	// scipy.stats.fisher_exact([[s1, n1-s1], [s2, n2-s2]]).pvalue (scipy 1.10).
	for _, c := range []struct {
		s1, n1, s2, n2 int
		want           float64
	}{
		{14, 30, 24, 30, 0.014980696048219262},
		{56, 70, 48, 80, 0.012521129749209154},
		{0, 10, 10, 10, 1.082508822446903e-05},
		{3, 3, 0, 5, 0.017857142857142856},
		{30, 30, 30, 30, 1},
	} {
		assert.InEpsilon(t, c.want, FisherExact(c.s1, c.n1, c.s2, c.n2), tolScipy, "%+v", c)
	}
	assert.True(t, math.IsNaN(FisherExact(4, 3, 0, 5)))
}

func TestNewcombeDiff(t *testing.T) {
	// Newcombe (1998), Table II, method 10: 56/70 − 48/80 → 0.0524, 0.3339;
	// 9/10 − 3/10 → 0.1705, 0.8090. All rows were recomputed with scipy
	// 1.10's Wilson interval (binomtest(s, n).proportion_ci(0.95,
	// method="wilson")) and the formula of method 10; those 17-digit
	// values are the reference.
	for _, c := range []struct {
		s1, n1, s2, n2 int
		lo, hi         float64
	}{
		{56, 70, 48, 80, 0.05243147240236484, 0.3338726540369059},
		{9, 10, 3, 10, 0.17052272393450296, 0.8090179735354881},
		{14, 30, 24, 30, -0.5283277591046992, -0.08940326784706087},
		{0, 10, 0, 20, -0.16112515805281935, 0.27753279986288926},
	} {
		lo, hi := NewcombeDiff(c.s1, c.n1, c.s2, c.n2, 0.95)
		assert.InDelta(t, c.lo, lo, tolScipy, "%+v", c)
		assert.InDelta(t, c.hi, hi, tolScipy, "%+v", c)
	}
	lo, hi := NewcombeDiff(1, 0, 1, 2, 0.95)
	assert.True(t, math.IsNaN(lo) && math.IsNaN(hi))
}

func TestSignTest(t *testing.T) {
	// scipy.stats.binomtest(less, n, 0.5).pvalue (scipy 1.10). The first
	// row is issue 11's celsius backprop vs ga: the GA lower in 25 of 30.
	x := make([]float64, 30)
	y := make([]float64, 30)
	for i := range x {
		x[i], y[i] = 1, 2
		if i < 25 {
			x[i] = 3
		}
	}
	less, n, p := SignTest(x, y)
	assert.Equal(t, 5, less)
	assert.Equal(t, 30, n)
	assert.InEpsilon(t, 0.0003249142318964005, p, tolScipy)

	// Ties are dropped: 1 less, 9 greater, 2 equal → binomtest(1, 10).
	less, n, p = SignTest([]float64{0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 7, 7}, []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 7, 7})
	assert.Equal(t, 1, less)
	assert.Equal(t, 10, n)
	assert.InEpsilon(t, 0.021484375, p, tolScipy)

	_, _, p = SignTest([]float64{1, 1, 1, 1, 1, 1}, []float64{2, 2, 2, 2, 2, 2})
	assert.InEpsilon(t, 0.03125, p, tolScipy) // binomtest(6, 6)
	_, _, p = SignTest([]float64{1, 2}, []float64{1, 2})
	assert.Equal(t, 1.0, p)
	_, _, p = SignTest([]float64{1}, []float64{1, 2})
	assert.True(t, math.IsNaN(p))
}
