package optim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ulpsFrom returns |got − ref| in units of the float64 spacing at ref.
func ulpsFrom(got float64, ref *big.Float) float64 {
	r, _ := ref.Float64()
	ulp := math.Nextafter(math.Abs(r), math.Inf(1)) - math.Abs(r)
	d, _ := new(big.Float).SetPrec(refPrec).Sub(new(big.Float).SetFloat64(got), ref).Float64()
	return math.Abs(d) / ulp
}

// expMaxUlps is expf64's error bound: the final rounding (0.5 ulp) plus
// the table's and polynomial's errors, each below 2^−60 relative, and the
// rounding of the small terms (≈ 0.005 ulp each) — 0.52 leaves the margin
// for those.
const expMaxUlps = 0.52

// TestExpAccuracy compares expf64 with a 192-bit reference (bigExp, see
// careful_test.go) over its whole fast range, near 0, and at the table's
// break points, and checks that it is never less accurate than math.Exp
// there (which is measured at up to 1.6 ulp on amd64).
func TestExpAccuracy(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 7))
	n := 60000
	if testing.Short() {
		n = 6000
	}
	worst, worstStd := 0.0, 0.0
	for i := range n {
		var x float64
		switch i % 4 {
		case 0:
			x = -708 + 1417*rnd.Float64()
		case 1:
			x = 40 * (rnd.Float64() - 0.5)
		case 2:
			x = 1e-4 * (rnd.Float64() - 0.5)
		default: // near (j + ½)·ln2/N, where reduction is hardest
			x = (float64(rnd.IntN(20000)-10000) + 0.5) * math.Ln2 / expN
		}
		ref := bigExp(x)
		e := ulpsFrom(expf64(x), ref)
		require.LessOrEqual(t, e, expMaxUlps, "expf64(%v)", x)
		worst = max(worst, e)
		worstStd = max(worstStd, ulpsFrom(math.Exp(x), ref))
	}
	t.Logf("max error: expf64 %.4f ulp, math.Exp %.4f ulp (%d arguments)", worst, worstStd, n)
	assert.LessOrEqual(t, worst, worstStd)
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300} {
		assert.LessOrEqual(t, ulpsFrom(expf64(x), bigExp(x)), expMaxUlps, "expf64(%v)", x)
	}
	assert.Equal(t, 1.0, expf64(0))
}

// TestExpSpecialCases checks that arguments outside the fast range behave
// exactly as math.Exp: overflow, subnormal results, underflow to 0, ±Inf
// and NaN.
func TestExpSpecialCases(t *testing.T) {
	for _, x := range []float64{709, 709.7, 709.8, 710, 1000, math.Inf(1), -708, -708.5, -720, -745.1,
		-745.2, -1000, math.Inf(-1), math.MaxFloat64, -math.MaxFloat64} {
		assert.Equal(t, math.Float64bits(math.Exp(x)), math.Float64bits(expf64(x)), "expf64(%v)", x)
	}
	assert.True(t, math.IsNaN(expf64(math.NaN())))
}

// BenchmarkExp measures four independent sigmoids (one seed3 forward
// pass) with math.Exp and with expf64.
func BenchmarkExp(b *testing.B) {
	for _, f := range []struct {
		name string
		exp  func(float64) float64
	}{{"exp=math", math.Exp}, {"exp=expf64", expf64}} {
		b.Run(f.name, func(b *testing.B) {
			z := [4]float64{-0.99, 0.27, 0.6, -0.56}
			var s float64
			for b.Loop() {
				for _, v := range z {
					s += 1 / (1 + f.exp(-v))
				}
				z[0] += 1e-9
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(4*b.N), "ns/exp")
			if math.IsNaN(s) {
				b.Fatal("NaN")
			}
		})
	}
}
