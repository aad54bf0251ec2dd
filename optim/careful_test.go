package optim

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
)

// refPrec is the precision, in bits, of the math/big reference values.
const refPrec = 200

// bigExp returns e^x in refPrec-bit arithmetic.
//
// With k the smallest integer such that |x|/2^k ≤ 1/2, r = x·2^−k is exact
// (a power-of-two scaling), and e^x = (e^r)^(2^k). e^r is the Taylor series
// Σ rⁿ/n!, summed until a term falls below 2^−(refPrec+10) of the sum: the
// terms shrink at least twofold from n = 1 on (|r| ≤ 1/2), so the omitted
// tail is below twice the last term, and the sum (≥ e^−½) is at most
// e^{|r|}/e^{−|r|} ≤ e times smaller than the sum of the terms' magnitudes,
// so the ≈ 60 roundings of 2^−refPrec cost at most ≈ 2^−(refPrec−8)
// relative. Each of the k ≤ 11 squarings (|x| ≤ 745) doubles the relative
// error and adds one rounding: the result is within ≈ 2^11·2^−192 = 2^−181
// relative of e^x, far below float64's 2^−53. TestBigExp cross-checks it.
func bigExp(x float64) *big.Float {
	k := 0
	for math.Abs(x) > math.Ldexp(0.5, k) {
		k++
	}
	r := new(big.Float).SetPrec(refPrec).SetFloat64(x)
	r.SetMantExp(r, -k)
	sum := new(big.Float).SetPrec(refPrec).SetInt64(1)
	term := new(big.Float).SetPrec(refPrec).SetInt64(1)
	n := new(big.Float).SetPrec(refPrec)
	for i := int64(1); ; i++ {
		term.Mul(term, r)
		term.Quo(term, n.SetInt64(i))
		if term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-refPrec-10 {
			break
		}
		sum.Add(sum, term)
	}
	for range k {
		sum.Mul(sum, sum)
	}
	return sum
}

// bigSigmoid returns σ(z) and σ(−z) in refPrec-bit arithmetic, both from
// e = e^{−z} as 1/(1+e) and e/(1+e): the identities σ(z) − 1 = −σ(−z) and
// σ(−z) = e/(1+e) hold exactly, and every operation is accurate to
// 2^−refPrec relative, so both are within ≈ 2^−180 relative of the truth
// for any float64 z (big.Float's exponent range has no overflow here).
func bigSigmoid(z float64) (s, c *big.Float) {
	e := bigExp(-z)
	den := new(big.Float).SetPrec(refPrec).SetInt64(1)
	den.Add(den, e)
	s = new(big.Float).SetPrec(refPrec).SetInt64(1)
	s.Quo(s, den)
	c = new(big.Float).SetPrec(refPrec).Quo(e, den)
	return s, c
}

// sigmoidPair returns σ(z) and σ(−z) as careful evaluation computes them
// (activatePair).
func sigmoidPair(z float64) (s, c float64) {
	a, b := []float64{z}, []float64{0}
	activatePair(a, b)
	return a[0], b[0]
}

// bigRef holds the exact (to ≈ 2^−180) residual, loss and gradient of the
// one-sample perceptron of saturatedMSE at output pre-activation z and
// target y: r = σ(z) − y, E = r², ∂E/∂w = 2·r·σ(z)·σ(−z).
type bigRef struct{ r, loss, grad *big.Float }

func bigReference(z, y float64) bigRef {
	s, c := bigSigmoid(z)
	r := new(big.Float).SetPrec(refPrec)
	switch y {
	case 1:
		r.Neg(c) // σ(z) − 1 = −σ(−z), without rounding σ(z) first
	case 0:
		r.Set(s)
	default:
		r.Sub(s, new(big.Float).SetFloat64(y))
	}
	loss := new(big.Float).SetPrec(refPrec).Mul(r, r)
	grad := new(big.Float).SetPrec(refPrec).Mul(r, s)
	grad.Mul(grad, c)
	grad.Mul(grad, big.NewFloat(2))
	return bigRef{r, loss, grad}
}

// subnormalUlp is the spacing of float64 numbers below 2^−1022: a value
// there cannot be closer than half of it to the truth, whatever the
// arithmetic.
var subnormalUlp = math.SmallestNonzeroFloat64

// relErr returns |got − ref|/|ref| (0 when both are 0, +Inf when only ref
// is), and the absolute error |got − ref|, both rounded to float64.
func relErr(got float64, ref *big.Float) (rel, abs float64) {
	d := new(big.Float).SetPrec(refPrec).SetFloat64(got)
	d.Sub(d, ref)
	d.Abs(d)
	abs, _ = d.Float64()
	if ref.Sign() == 0 {
		if got == 0 {
			return 0, 0
		}
		return math.Inf(1), abs
	}
	d.Quo(d, new(big.Float).Abs(ref))
	rel, _ = d.Float64()
	return rel, abs
}

// assertClose checks that got is within rel of ref, relatively, or within
// one subnormal ulp (the float64 value of a reference below 2^−1022 is
// inexact whatever the arithmetic; one below 2^−1075 rounds to 0).
func assertClose(t *testing.T, ref *big.Float, got, rel float64, what string) {
	t.Helper()
	re, abs := relErr(got, ref)
	if abs <= subnormalUlp {
		return
	}
	want, _ := ref.Float64()
	assert.LessOrEqual(t, re, rel, "%s = %v, want %v (relative error %.3g)", what, got, want, re)
}

// saturatedMSE returns the MSE of a single sigmoid neuron without bias on
// one sample with input 1 and target y, and the parameter vector [z]: the
// neuron's pre-activation is exactly z, the loss (σ(z) − y)² and the
// gradient 2·(σ(z) − y)·σ'(z).
func saturatedMSE(t *testing.T, y float64, e EvalMode) *MSE {
	t.Helper()
	m, err := NewMSE(Network{In: 1, Layers: []Layer{{Out: 1, Act: Sigmoid}}},
		Dataset{N: 1, X: []float64{1}, Y: []float64{y}})
	require.NoError(t, err)
	m.SetEval(e)
	return m
}

// Saturated pre-activations: target 1 beyond 53·ln 2 ≈ 36.7, where plain
// σ(z) rounds to 1, and target 0 down to the last z (≈ −744.4) where σ(z)
// is a nonzero float64; the loss underflows below z ≈ −372 (target 0) and
// above z ≈ 372 (target 1), its gradient a little earlier.
var (
	saturatedOnes  = []float64{30, 37, 40, 100, 300, 700}
	saturatedZeros = []float64{-30, -37, -40, -100, -300, -372, -700, -709, -710, -740}
)

// carefulTol bounds the relative error of the careful residual, loss and
// gradient at the inputs above, where it is measured. A priori: e^{−|z|}
// (math.Exp, < 1 ulp), 1 + e, the quotient and the product e·σ(|z|) put
// σ(−|z|) within ≈ 2.5 ulps = 5.6e-16 worst case, its square within
// ≈ 1.2e-15 and the gradient's 2·r·(s·c) within ≈ 1.5e-15; measured: ≤ 1.5
// ulps for all three (the roundings partly cancel).
const carefulTol = 1e-15

func TestBigExp(t *testing.T) {
	// Against math.Exp (< 1 ulp) where its result is normal.
	for _, x := range []float64{-708, -300, -37.5, -1, -1e-10, 0, 1e-300, 0.5, 1, 2.5, 36.7, 100, 709} {
		re, _ := relErr(math.Exp(x), bigExp(x))
		assert.LessOrEqual(t, re, 2.3e-16, "exp(%v)", x)
	}
	// Internal consistency far beyond float64: e^x·e^{−x} = 1 and
	// e^{x}·e^{x} = e^{2x}.
	one := new(big.Float).SetPrec(refPrec).SetInt64(1)
	for _, x := range []float64{0.3, 37, 372.25, 740} {
		p := new(big.Float).SetPrec(refPrec).Mul(bigExp(x), bigExp(-x))
		d, _ := new(big.Float).Sub(p, one).Float64()
		assert.Less(t, math.Abs(d), 0x1p-170, "e^%v·e^-%v − 1", x, x)
		sq := new(big.Float).SetPrec(refPrec).Mul(bigExp(x/2), bigExp(x/2))
		q, _ := new(big.Float).Quo(sq, bigExp(x)).Float64()
		assert.Less(t, math.Abs(q-1), 0x1p-170, "e^(%v/2)² / e^%v − 1", x, x)
	}
	// e to 60 digits.
	e := "2.71828182845904523536028747135266249775724709369995957496697"
	want, _, err := big.ParseFloat(e, 10, refPrec, big.ToNearestEven)
	require.NoError(t, err)
	re, _ := relErr(0, want) // sanity of relErr itself
	assert.Equal(t, 1.0, re)
	d, _ := new(big.Float).Quo(new(big.Float).Sub(bigExp(1), want), want).Float64()
	assert.Less(t, math.Abs(d), 1e-58)
}

func TestEvalModeNames(t *testing.T) {
	for _, e := range []EvalMode{Plain, Careful} {
		got, err := ParseEvalMode(e.String())
		require.NoError(t, err)
		assert.Equal(t, e, got)
	}
	assert.Equal(t, []string{"careful", "plain"}, EvalModeNames())
	_, err := ParseEvalMode("exact")
	require.EqualError(t, err, `optim: unknown loss evaluation "exact"; want careful or plain`)
	_, err = ParseEvalMode("")
	require.Error(t, err)
	assert.Equal(t, "EvalMode(7)", EvalMode(7).String())
	var m MSE
	assert.Equal(t, Plain, m.Eval(), "the zero value is the tutorial's arithmetic")
	assert.Equal(t, Plain, Seed3().Objective().Eval())
	assert.Equal(t, Careful, Seed3().ObjectiveEval(Careful).Eval())
	assert.Panics(t, func() { m.SetEval(EvalMode(2)) })
}

// TestSigmoidPair checks σ(z) and σ(−z) of careful evaluation (activatePair) against the
// math/big reference over the whole float64 range of z, and that σ(z) is
// plain sigmoid's, bit for bit, for z ≥ 0.
func TestSigmoidPair(t *testing.T) {
	zs := []float64{0, 1e-300, 1e-8, 0.5, 1, 2, 5, 10, 20, 36, 36.75, 37, 40, 100, 372, 700, 709, 745, 800}
	for _, z := range append(zs, saturatedOnes...) {
		for _, z := range []float64{z, -z} {
			s, c := sigmoidPair(z)
			rs, rc := bigSigmoid(z)
			assertClose(t, rs, s, carefulTol, fmt.Sprintf("σ(%v)", z))
			assertClose(t, rc, c, carefulTol, fmt.Sprintf("σ(−%v)", z))
			if z >= 0 {
				assert.Equal(t, math.Float64bits(sigmoid(z)), math.Float64bits(s), "σ(%v)", z)
			}
		}
	}
	s, c := sigmoidPair(math.Inf(1))
	assert.Equal(t, [2]float64{1, 0}, [2]float64{s, c})
	s, c = sigmoidPair(math.Inf(-1))
	assert.Equal(t, [2]float64{0, 1}, [2]float64{s, c})
	s, c = sigmoidPair(math.NaN())
	assert.True(t, math.IsNaN(s) && math.IsNaN(c), "NaN must propagate (divergence detection)")
}

// TestCarefulSaturated is the point of careful evaluation: on saturated
// outputs its residual, loss and gradient are accurate to ≈ 1 ulp
// (relative) against the math/big reference, where plain arithmetic
// returns 0 or is off in the leading digits.
func TestCarefulSaturated(t *testing.T) {
	cases := []struct {
		y  float64
		zs []float64
	}{{1, saturatedOnes}, {0, saturatedZeros}}
	for _, tc := range cases {
		for _, z := range tc.zs {
			t.Run(fmt.Sprintf("y=%v/z=%v", tc.y, z), func(t *testing.T) {
				ref := bigReference(z, tc.y)
				x := []float64{z}
				g := make([]float64, 1)

				// Careful: the residual, then the MSE's loss and gradient.
				s, c := sigmoidPair(z)
				assertClose(t, ref.r, carefulResidual(s, c, tc.y), carefulTol, "careful residual")
				cm := saturatedMSE(t, tc.y, Careful)
				loss := cm.Grad(g, x)
				assert.Equal(t, math.Float64bits(cm.Loss(x)), math.Float64bits(loss))
				assertClose(t, ref.loss, loss, carefulTol, "careful loss")
				assertClose(t, ref.grad, g[0], carefulTol, "careful gradient")

				// Plain: the target-1 residual σ(z) − 1 has an absolute
				// error up to 2⁻⁵⁴, so it is 0 from z ≈ 36.7 on and off by
				// ≈ 1e-3 relative at z = 30; the target-0 residual σ(z) is
				// fine until e^{−z} overflows at z < −709.78, then 0.
				pm := saturatedMSE(t, tc.y, Plain)
				ploss := pm.Grad(g, x)
				pr := sigmoid(z) - tc.y
				switch {
				case tc.y == 1 && z > 36.8:
					assert.Zero(t, pr)
					assert.Zero(t, ploss)
					assert.Zero(t, g[0])
				case tc.y == 1:
					re, _ := relErr(pr, ref.r)
					assert.Greater(t, re, 1e-5, "plain residual at z = %v is expected to be inaccurate", z)
					re, _ = relErr(ploss, ref.loss)
					assert.Greater(t, re, 1e-5, "plain loss at z = %v is expected to be inaccurate", z)
				case z < -709.8:
					assert.Zero(t, pr)
					re, _ := relErr(pr, ref.r)
					assert.Equal(t, 1.0, re, "σ(%v) ≈ %v is not 0", z, s)
				default:
					assertClose(t, ref.r, pr, carefulTol, "plain target-0 residual")
					assertClose(t, ref.loss, ploss, carefulTol, "plain target-0 loss")
				}
			})
		}
	}
}

// TestCarefulSaturatedFiniteDifferences: in careful arithmetic the loss of
// a saturated output is resolved to ≈ 1 ulp relative, so central
// differences recover its gradient even where plain arithmetic is flat
// (loss and gradient 0). The loss is ≈ e^{∓2z}, whose third derivative is
// 8 times the loss: with the absolute step h = 1e-5 the truncation error is
// ≈ 4h²/6 ≈ 7e-11 relative and the rounding error ≈ eps/h ≈ 2e-11.
func TestCarefulSaturatedFiniteDifferences(t *testing.T) {
	const h = 1e-5
	for _, tc := range []struct{ y, z float64 }{{1, 30}, {1, 37}, {1, 40}, {1, 100}, {1, 300}, {0, -30}, {0, -40}, {0, -100}, {0, -300}} {
		m := saturatedMSE(t, tc.y, Careful)
		g := make([]float64, 1)
		m.Grad(g, []float64{tc.z})
		fp, fm := m.Loss([]float64{tc.z + h}), m.Loss([]float64{tc.z - h})
		require.Positive(t, fp, "z = %v: the loss must not underflow", tc.z)
		num := (fp - fm) / ((tc.z + h) - (tc.z - h))
		assert.InEpsilon(t, num, g[0], 1e-9, "y = %v, z = %v", tc.y, tc.z)

		p := saturatedMSE(t, tc.y, Plain)
		if tc.y == 1 && tc.z > 36.8 {
			p.Grad(g, []float64{tc.z})
			assert.Zero(t, g[0], "plain is flat here")
			assert.Zero(t, p.Loss([]float64{tc.z + h})-p.Loss([]float64{tc.z - h}))
		}
	}
}

// saturatedNet returns the MSE of net on n random samples (inputs N(0, 1))
// at parameters x drawn N(0, scale²), with 0/1 targets: for a fraction
// wrong of the outputs the wrong side of 0.5, else the right one. Large
// scales saturate the units.
func saturatedNet(t *testing.T, net Network, n int, scale, wrong float64, rnd *rand.Rand) (*MSE, []float64) {
	t.Helper()
	d := Dataset{N: n, X: make([]float64, n*net.In), Y: make([]float64, n*net.Out())}
	for i := range d.X {
		d.X[i] = rnd.NormFloat64()
	}
	m, err := NewMSE(net, d)
	require.NoError(t, err)
	x := make([]float64, m.Dim())
	for i := range x {
		x[i] = scale * rnd.NormFloat64()
	}
	out := make([]float64, net.Out())
	for s := range n {
		m.Predict(out, x, d.X[s*net.In:(s+1)*net.In])
		for k, v := range out {
			y := 0.0
			if (v > 0.5) != (rnd.Float64() < wrong) {
				y = 1
			}
			d.Y[s*net.Out()+k] = y
		}
	}
	return m, x
}

// carefulNets are networks whose MSE takes every code path: the perceptron
// with few and many inputs, two layers with sigmoid, tanh and linear hidden
// units, and the general path with several outputs and three layers.
func carefulNets() []Network {
	return []Network{
		{In: 3, Layers: []Layer{{Out: 1, Act: Sigmoid}}},
		{In: 2, Layers: []Layer{{Out: 1, Act: Sigmoid, Bias: true}}},
		{In: 9, Layers: []Layer{{Out: 1, Act: Sigmoid, Bias: true}}},
		{In: 2, Layers: []Layer{{Out: 2, Act: Sigmoid, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}},
		{In: 3, Layers: []Layer{{Out: 4, Act: Sigmoid}, {Out: 1, Act: Sigmoid}}},
		{In: 2, Layers: []Layer{{Out: 5, Act: Tanh, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}},
		{In: 2, Layers: []Layer{{Out: 3, Act: Sigmoid, Bias: true}, {Out: 1, Act: Tanh, Bias: true}}},
		{In: 2, Layers: []Layer{{Out: 3, Act: Linear, Bias: true}, {Out: 1, Act: Sigmoid, Bias: true}}},
		{In: 3, Layers: []Layer{{Out: 2, Act: Sigmoid, Bias: true}}},
		{In: 2, Layers: []Layer{{Out: 4, Act: Sigmoid, Bias: true}, {Out: 3, Act: Sigmoid, Bias: true}, {Out: 2, Act: Sigmoid, Bias: true}}},
		{In: 2, Layers: []Layer{{Out: 4, Act: Tanh, Bias: true}, {Out: 3, Act: Sigmoid}, {Out: 1, Act: Sigmoid, Bias: true}}},
	}
}

// naiveCareful is an independent, sample-by-sample statement of careful
// evaluation: forward with sigmoidPair for sigmoid units, residual −σ(−z)
// for target-1 sigmoid outputs, deltas with σ(z)·σ(−z). It returns the loss
// and stores the gradient in grad.
func naiveCareful(m *MSE, grad, x []float64) float64 {
	net, d := m.net, m.data
	clear(grad)
	sum := 0.0
	K := net.Out()
	scale := 2 / float64(d.N*K)
	for s := range d.N {
		// Forward, keeping every layer's σ and σ(−z) (or the activation
		// and its derivative for tanh and linear units).
		acts := [][]float64{d.X[s*net.In : (s+1)*net.In]}
		derivs, comps := [][]float64{nil}, [][]float64{nil}
		off, in := 0, net.In
		var offs []int
		for _, l := range net.Layers {
			offs = append(offs, off)
			a, dv, cv := make([]float64, l.Out), make([]float64, l.Out), make([]float64, l.Out)
			for o := range l.Out {
				z := 0.0
				for i := range in {
					z += x[off+o*in+i] * acts[len(acts)-1][i]
				}
				if l.Bias {
					z += x[off+l.Out*in+o]
				}
				switch l.Act {
				case Sigmoid:
					a[o], cv[o] = sigmoidPair(z)
					dv[o] = a[o] * cv[o]
				case Tanh:
					a[o] = math.Tanh(z)
					dv[o] = 1 - a[o]*a[o]
				default:
					a[o], dv[o] = z, 1
				}
			}
			off += l.Out * in
			if l.Bias {
				off += l.Out
			}
			in = l.Out
			acts = append(acts, a)
			derivs = append(derivs, dv)
			comps = append(comps, cv)
		}
		// Output residuals and deltas.
		L := len(net.Layers)
		delta := make([]float64, K)
		for k := range K {
			v, y := acts[L][k], d.Y[s*K+k]
			r := v - y
			if net.Layers[L-1].Act == Sigmoid && y == 1 {
				r = -comps[L][k]
			}
			sum += r * r
			delta[k] = scale * r * derivs[L][k]
		}
		// Backward.
		for l := L - 1; l >= 0; l-- {
			ly, nin := net.Layers[l], len(acts[l])
			for o := range ly.Out {
				for i := range nin {
					grad[offs[l]+o*nin+i] += delta[o] * acts[l][i]
				}
				if ly.Bias {
					grad[offs[l]+ly.Out*nin+o] += delta[o]
				}
			}
			if l == 0 {
				break
			}
			prev := make([]float64, nin)
			for i := range nin {
				acc := 0.0
				for o := range ly.Out {
					acc += x[offs[l]+o*nin+i] * delta[o]
				}
				prev[i] = acc * derivs[l][i]
			}
			delta = prev
		}
	}
	return sum / float64(d.N*K)
}

// TestCarefulPaths compares every code path of careful evaluation (the
// specialized perceptron and two-layer paths and the general blocked one)
// with naiveCareful on saturated networks, and checks Grad against central
// differences and against Loss (bit for bit).
func TestCarefulPaths(t *testing.T) {
	differs := 0
	for i, net := range carefulNets() {
		for _, scale := range []float64{1, 8, 40} {
			for _, n := range []int{1, 7, 150} { // 150: several blocks
				t.Run(fmt.Sprintf("net=%v/scale=%v/n=%d", net, scale, n), func(t *testing.T) {
					rnd := rand.New(rand.NewPCG(uint64(i), uint64(n)))
					m, x := saturatedNet(t, net, n, scale, 0, rnd)
					m.SetEval(Careful)
					g := make([]float64, len(x))
					loss := m.Grad(g, x)
					require.Equal(t, math.Float64bits(m.Loss(x)), math.Float64bits(loss), "Grad's loss is not Loss")
					gn := make([]float64, len(x))
					want := naiveCareful(m, gn, x)
					// A fused multiply-add rounds once where the reference
					// rounds twice; with the cancellation in the linear
					// layers at scale 40 that reaches 9e-13 (GOAMD64=v3).
					tol := 1e-13
					if fusesMultiplyAdd {
						tol = 1e-11
					}
					if want == 0 {
						assert.Zero(t, loss)
					} else {
						assert.InEpsilon(t, want, loss, tol)
					}
					rel, abs := gradMismatch(g, gn)
					if abs > 0 {
						assert.LessOrEqual(t, rel, tol, "gradient\ngot  %v\nwant %v", g, gn)
					}
					// The same through the general path, bit for bit where
					// nothing is fused into multiply-adds.
					if !fusesMultiplyAdd && m.shape != shapeGeneral {
						gg := make([]float64, len(x))
						shape := m.shape
						m.shape = shapeGeneral
						lg := m.Grad(gg, x)
						assert.Equal(t, math.Float64bits(loss), math.Float64bits(m.Loss(x)), "general Loss")
						m.shape = shape
						assert.Equal(t, math.Float64bits(loss), math.Float64bits(lg), "general Grad's loss")
						assert.Equal(t, g, gg, "general Grad")
					}
					pm, err := NewMSE(m.net, m.data)
					require.NoError(t, err)
					if pm.Loss(x) != loss {
						differs++
					}
				})
			}
		}
	}
	assert.Greater(t, differs, 20, "saturated networks where plain and careful losses differ")
}

// TestCarefulGradFiniteDifferences checks careful gradients against central
// differences (checkGrad) on random networks with 0/1 targets, some wrong,
// and on the built-in problems, at moderate and saturating weights.
func TestCarefulGradFiniteDifferences(t *testing.T) {
	for i, net := range append(carefulNets(), gradCheckNets()...) {
		for _, scale := range []float64{0.5, 3} {
			t.Run(fmt.Sprintf("net=%v/scale=%v", net, scale), func(t *testing.T) {
				rnd := rand.New(rand.NewPCG(uint64(i), 11))
				m, x := saturatedNet(t, net, 7, scale, 0.3, rnd)
				m.SetEval(Careful)
				checkGrad(t, m, x)
			})
		}
	}
	for _, p := range testProblems() {
		if p.Dim() > 100 && testing.Short() {
			continue
		}
		for _, seed := range gradCheckSeeds {
			t.Run(fmt.Sprintf("problem=%s/seed=%d", p.Name, seed), func(t *testing.T) {
				obj := p.ObjectiveEval(Careful)
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				checkGrad(t, obj, x)
				floats.Scale(4, x)
				checkGrad(t, obj, x)
			})
		}
	}
}

// TestCarefulMatchesPlain: away from saturation the two evaluations agree
// to a few ulps (they differ only in σ(z) for z < 0, in 1 − σ(z) and in
// σ(z) − 1, each by an ulp or two). Gradients are compared by norm, and
// more loosely on the built-in problems: their per-sample contributions
// nearly cancel at some starts (xor: four of them),
// which magnifies the ulps of the terms relative to the sum.
func TestCarefulMatchesPlain(t *testing.T) {
	for i, net := range append(carefulNets(), gradCheckNets()...) {
		rnd := rand.New(rand.NewPCG(uint64(i), 5))
		m, x := saturatedNet(t, net, 20, 0.5, 0.3, rnd)
		g, gc := make([]float64, len(x)), make([]float64, len(x))
		l := m.Grad(g, x)
		m.SetEval(Careful)
		lc := m.Grad(gc, x)
		assert.InEpsilon(t, l, lc, 4e-15, "net %v: loss", net)
		// Gradient components are sums with cancellation: compare against
		// the gradient's norm.
		rel, _ := gradMismatch(g, gc)
		assert.LessOrEqual(t, rel, 4e-15, "net %v: gradient", net)
	}
	for _, p := range testProblems() {
		x := make([]float64, p.Dim())
		p.InitParams(x, rand.New(rand.NewPCG(3, 0)))
		g, gc := make([]float64, len(x)), make([]float64, len(x))
		l := p.Objective().Grad(g, x)
		lc := p.ObjectiveEval(Careful).Grad(gc, x)
		assert.InEpsilon(t, l, lc, 4e-15, "%s: loss", p.Name)
		rel, _ := gradMismatch(g, gc)
		assert.LessOrEqual(t, rel, 1e-13, "%s: gradient", p.Name)
	}
}

// TestTutorialPlainAndCareful: the tutorial's run is reproduced exactly by
// ObjectiveEval(Plain) (as by Objective, TestTutorialReproduction), and to
// ≈ 1e-13 by careful evaluation, whose outputs (ŷ ≤ 0.99994, z < 10) never
// saturate.
func TestTutorialPlainAndCareful(t *testing.T) {
	p := Seed3()
	want := []float64{9.672993027736892, -0.20784349926631962, -4.62963668773159}
	run := func(obj *MSE) []float64 {
		x := []float64{-0.165955990594852, 0.4406489868843162, -0.9997712503653102}
		b := &Backprop{LearningRate: 2}
		_, err := b.Init(obj, x, nil)
		require.NoError(t, err)
		for range 10000 {
			_, err := b.Step(x)
			require.NoError(t, err)
		}
		return x
	}
	plain := run(p.ObjectiveEval(Plain))
	assert.Equal(t, run(p.Objective()), plain, "ObjectiveEval(Plain) is Objective")
	careful := run(p.ObjectiveEval(Careful))
	for i := range want {
		require.InEpsilon(t, want[i], plain[i], 1e-12, "plain weight %d", i)
		require.InEpsilon(t, want[i], careful[i], 1e-11, "careful weight %d", i)
	}
}

// TestCarefulAllocs: careful Loss and Grad allocate nothing, on every path.
func TestCarefulAllocs(t *testing.T) {
	for i, net := range carefulNets() {
		m, x := saturatedNet(t, net, 100, 2, 0.2, rand.New(rand.NewPCG(uint64(i), 1)))
		m.SetEval(Careful)
		g := make([]float64, len(x))
		assert.Zero(t, testing.AllocsPerRun(20, func() { m.Grad(g, x) }), "net %v: Grad", net)
		assert.Zero(t, testing.AllocsPerRun(20, func() { m.Loss(x) }), "net %v: Loss", net)
	}
}

// TestPlainPaths checks that the specialized perceptron and two-layer
// paths of plain evaluation (the fused single-neuron kernels included)
// give bit for bit the loss and gradient of the general blocked path
// (where multiply-adds are not fused: fusesMultiplyAdd), for networks of every activation, with and without biases, at
// moderate and saturating weights and with one, several and many blocks
// of samples. The specialized paths promise the same operations in the
// same order; a reordering or a fused multiply-add would show here.
func TestPlainPaths(t *testing.T) {
	if fusesMultiplyAdd {
		t.Skip("bitwise identity is promised where Go does not fuse multiply-adds (amd64 below GOAMD64=v3)")
	}
	nets := append(carefulNets(), gradCheckNets()...)
	checked := 0
	for i, net := range nets {
		for _, scale := range []float64{1, 8, 40} {
			for _, n := range []int{1, 7, 150} {
				rnd := rand.New(rand.NewPCG(uint64(i), uint64(n)))
				m, x := saturatedNet(t, net, n, scale, 0, rnd)
				if m.shape == shapeGeneral {
					continue
				}
				checked++
				m.SetEval(Plain)
				g := make([]float64, len(x))
				loss := m.Grad(g, x)
				lossOnly := m.Loss(x)
				shape := m.shape
				m.shape = shapeGeneral
				gg := make([]float64, len(x))
				lg := m.Grad(gg, x)
				lgOnly := m.Loss(x)
				m.shape = shape
				name := fmt.Sprintf("net=%v/scale=%v/n=%d", net, scale, n)
				require.Equal(t, math.Float64bits(lg), math.Float64bits(loss), "%s: Grad's loss", name)
				require.Equal(t, math.Float64bits(lgOnly), math.Float64bits(lossOnly), "%s: Loss", name)
				require.Equal(t, bitsOf(gg), bitsOf(g), "%s: gradient", name)
			}
		}
	}
	assert.Greater(t, checked, 60, "networks on the specialized paths")
}
