package optim

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The baseline optimizers added for "Precision limits and stronger
// baselines": adam, nesterov, momentum (heavy ball) and quickprop, plus the
// celsius-tf problem. The gonum wrappers are tested in optim/gonumopt; the
// tests that go through the optimizers' definitions (determinism, settings
// by name, solve rates) are in optim/catalog (baselines_test.go).

// TestBaselineStructSettings: the structs' own Init rejects bad settings
// before evaluating anything, naming the field.
func TestBaselineStructSettings(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		o     Optimizer
		field string
	}{
		{&Adam{LearningRate: -1}, "adam.lr"},
		{&Adam{Beta1: 1}, "adam.beta1"},
		{&Adam{Beta2: nan}, "adam.beta2"},
		{&Adam{Epsilon: -1}, "adam.epsilon"},
		{&Nesterov{LearningRate: nan}, "nesterov.lr"},
		{&Nesterov{Momentum: 1.5}, "nesterov.momentum"},
		{&Quickprop{LearningRate: math.Inf(1)}, "quickprop.lr"},
		{&Quickprop{MaxGrowth: nan}, "quickprop.max-growth"},
		// The Gonum cases are in optim/gonumopt (TestGonumStructSettings).
	}
	for _, test := range tests {
		t.Run(test.field, func(t *testing.T) {
			cnt := &Counter{Objective: XOR().Objective()}
			_, err := test.o.Init(cnt, make([]float64, cnt.Dim()), rand.New(rand.NewPCG(1, 1)))
			requireSettingError(t, err, test.field)
			assert.Zero(t, cnt.LossEvals, "bad settings must be rejected before evaluating")
			_, err = test.o.Step(make([]float64, cnt.Dim()))
			assert.ErrorIs(t, err, ErrNotInitialized)
		})
	}
}

// quadObjective is E(x) = Σ a_i·(x_i − c_i)², separable, with minimum 0 at c.
type quadObjective struct{ a, c []float64 }

func (q *quadObjective) Dim() int { return len(q.a) }

func (q *quadObjective) Loss(x []float64) float64 {
	e := 0.0
	for i, a := range q.a {
		d := x[i] - q.c[i]
		e += a * d * d
	}
	return e
}

func (q *quadObjective) Grad(grad, x []float64) float64 {
	for i, a := range q.a {
		grad[i] = 2 * a * (x[i] - q.c[i])
	}
	return q.Loss(x)
}

// slopeScript is a one-parameter Objective whose Grad returns the next of a
// scripted list of slopes (the loss is the call number, to stay finite).
type slopeScript struct {
	g     []float64
	calls int
}

func (s *slopeScript) Dim() int                 { return 1 }
func (s *slopeScript) Loss(x []float64) float64 { return float64(s.calls) }
func (s *slopeScript) Grad(grad, x []float64) float64 {
	grad[0] = s.g[s.calls]
	s.calls++
	return float64(s.calls)
}

// TestQuickpropRule checks every branch of the documented rule by hand.
func TestQuickpropRule(t *testing.T) {
	// quickTol: a handful of roundings of numbers ≤ 4.
	const quickTol = 1e-14
	t.Run("parabola", func(t *testing.T) {
		// E = (w − 3)², g = 2(w − 3), ε = 0.1, μ = 1.75, w0 = 0.
		// 1: g = −6, Δw(0) = 0: gradient step only, Δw = 0.6, w = 0.6.
		// 2: g = −4.8, same sign, |g| ≥ μ/(1+μ)·6 ≈ 3.82: r = μ,
		//    Δw = 1.75·0.6 + 0.48 = 1.53, w = 2.13 (the secant's r = 4 is capped).
		// 3: g = −1.74, same sign, |g| < 0.636·4.8: r = −1.74/(−4.8 + 1.74),
		//    secant Δw = 0.87 lands on 3, plus the gradient term 0.174: w = 3.174.
		// 4: g = 0.348, sign change: secant only, Δw = −0.174, w = 3 (exact for a parabola).
		// 5: g = 0, r = 0, Δw(4) ≠ 0: no gradient term, w stays.
		obj := &quadObjective{a: []float64{1}, c: []float64{3}}
		q := &Quickprop{LearningRate: 0.1}
		x := []float64{0}
		_, err := q.Init(obj, x, nil)
		require.NoError(t, err)
		for k, want := range []float64{0.6, 2.13, 3.174, 3, 3, 3} {
			_, err := q.Step(x)
			require.NoError(t, err)
			assert.InDelta(t, want, x[0], quickTol, "step %d", k+1)
		}
	})
	t.Run("steepening slope keeps direction", func(t *testing.T) {
		// g: −1 then −2 (concave: the secant would reverse the step uphill).
		// 1: Δw = 0.1; 2: r = μ, Δw = 1.75·0.1 + 0.1·2 = 0.375, w = 0.475.
		// 3: g = 0.5 after −2: secant only, r = 0.5/(−2.5) = −0.2, Δw = −0.075.
		obj := &slopeScript{g: []float64{-1, -2, 0.5, 0}}
		q := &Quickprop{LearningRate: 0.1}
		x := []float64{0}
		_, err := q.Init(obj, x, nil)
		require.NoError(t, err)
		for k, want := range []float64{0.1, 0.475, 0.4} {
			_, err := q.Step(x)
			require.NoError(t, err)
			assert.InDelta(t, want, x[0], quickTol, "step %d", k+1)
		}
	})
}

// TestAdamMatchesPaperForm: the Keras form equals the paper's bias-corrected
// form with ε = ε̂/√(1 − β2^t), computed independently here, on a
// separable quadratic with curvatures 10⁻² … 10².
func TestAdamMatchesPaperForm(t *testing.T) {
	// adamTol: the two forms round differently; 200 steps of size ≤ η
	// with relative rounding 1e-16 each stay far below 1e-12.
	const adamTol = 1e-12
	obj := &quadObjective{a: []float64{0.01, 1, 100}, c: []float64{1, -2, 3}}
	const lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-7
	a := &Adam{LearningRate: lr}
	x := []float64{0.5, 0.5, 0.5}
	_, err := a.Init(obj, x, nil)
	require.NoError(t, err)
	y := slices.Clone(x)
	m, v, g := make([]float64, 3), make([]float64, 3), make([]float64, 3)
	for step := 1; step <= 200; step++ {
		obj.Grad(g, y)
		tt := float64(step)
		for i := range y {
			m[i] = b1*m[i] + (1-b1)*g[i]
			v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
			mh, vh := m[i]/(1-math.Pow(b1, tt)), v[i]/(1-math.Pow(b2, tt))
			y[i] -= lr * mh / (math.Sqrt(vh) + eps/math.Sqrt(1-math.Pow(b2, tt)))
		}
		loss, err := a.Step(x)
		require.NoError(t, err)
		require.InDeltaSlice(t, y, x, adamTol, "step %d", step)
		require.Equal(t, obj.Loss(x), loss, "the loss at x")
		if step == 1 {
			// The first step is η·g/(|g| + ε̂/√(1 − β2)) ≈ η·sign(g).
			for i := range x {
				want := 0.5 - lr*g[i]/(math.Abs(g[i])+eps/math.Sqrt(1-b2))
				assert.InDelta(t, want, x[i], 1e-15, "first step, coordinate %d", i)
			}
		}
	}
}

// TestNesterovMatchesSutskever runs the formulation of Sutskever et al.
// (gradient at the look-ahead θ + μv, θ ← θ + v) independently on celsius
// and checks that Nesterov's parameters are its look-ahead point θ + μv.
func TestNesterovMatchesSutskever(t *testing.T) {
	// nesterovTol: the two forms round differently; relative to the
	// parameters (|b| ≈ 32) the difference stays ≈ 1e-14 over 300 steps.
	const nesterovTol = 1e-11
	const lr, mu = 1e-3, 0.9
	p := Celsius()
	obj, ref := p.Objective(), p.Objective()
	x := []float64{0.3, -0.7}
	n := &Nesterov{LearningRate: lr}
	_, err := n.Init(obj, x, nil)
	require.NoError(t, err)
	theta, v, g, look := slices.Clone(x), make([]float64, 2), make([]float64, 2), make([]float64, 2)
	for step := 1; step <= 300; step++ {
		for i := range theta {
			look[i] = theta[i] + mu*v[i]
		}
		ref.Grad(g, look)
		for i := range theta {
			v[i] = mu*v[i] - lr*g[i]
			theta[i] += v[i]
			look[i] = theta[i] + mu*v[i]
		}
		_, err := n.Step(x)
		require.NoError(t, err)
		require.InDeltaSlice(t, look, x, nesterovTol, "step %d", step)
	}
}

// TestBaselinesDiverge: too large a learning rate on celsius ends in
// ErrDiverged with x at the last finite parameters, and the error sticks.
func TestBaselinesDiverge(t *testing.T) {
	for _, o := range []Optimizer{&Nesterov{LearningRate: 1}, &Quickprop{LearningRate: 1e6, MaxGrowth: 1e6}, &Adam{LearningRate: 1e300}} {
		t.Run(fmt.Sprintf("%T", o), func(t *testing.T) {
			p := Celsius()
			obj := p.Objective()
			x := []float64{0.5, 0.5}
			_, err := o.Init(obj, x, nil)
			require.NoError(t, err)
			var loss float64
			for range 2000 {
				if loss, err = o.Step(x); err != nil {
					break
				}
			}
			require.ErrorIs(t, err, ErrDiverged)
			require.True(t, allFinite(x), "x = %v", x)
			assert.Equal(t, obj.Loss(x), loss, "the returned loss is the loss at x")
			last := slices.Clone(x)
			l, err := o.Step(x)
			assert.ErrorIs(t, err, ErrDiverged)
			assert.Equal(t, last, x)
			assert.Equal(t, loss, l)
		})
	}
}

// celsiusTFExact is the least-squares line of the course data by Cramer's
// rule on the normal equations [Σc² Σc; Σc N](w, b) = (Σcf, Σf), summed by
// hand: N = 7, Σc = 33, Σc² = 3917, Σf = 283, Σcf = 8097.
// w = (7·8097 − 33·283)/(7·3917 − 33²) = 47340/26330 = 4734/2633,
// b = (3917·283 − 33·8097)/26330 = 841310/26330 = 84131/2633.
func celsiusTFExact() (w, b *big.Rat) {
	det := big.NewRat(7*3917-33*33, 1)
	w = new(big.Rat).Quo(big.NewRat(7*8097-33*283, 1), det)
	b = new(big.Rat).Quo(big.NewRat(3917*283-33*8097, 1), det)
	return w, b
}

func TestCelsiusTFOptimum(t *testing.T) {
	p := CelsiusTF()
	assert.Equal(t, []float64{-40, -10, 0, 8, 15, 22, 38}, p.Data.X)
	assert.Equal(t, []float64{-40, 14, 32, 46, 59, 72, 100}, p.Data.Y)
	// Its place in the catalogue (after the older problems) is checked in
	// optim/catalog (TestProblemOrder).
	assert.Equal(t, Celsius().Net, p.Net)

	// The sums behind celsiusTFExact.
	var s1, s2, sf, scf float64
	for i, c := range p.Data.X {
		f := p.Data.Y[i]
		s1, s2, sf, scf = s1+c, s2+c*c, sf+f, scf+c*f
	}
	require.Equal(t, []float64{33, 3917, 283, 8097}, []float64{s1, s2, sf, scf})

	w, b := celsiusTFExact()
	assert.Equal(t, "4734/2633", w.RatString())
	assert.Equal(t, "84131/2633", b.RatString())
	wf, _ := w.Float64()
	bf, _ := b.Float64()
	require.Len(t, p.Optimum, 2)
	// Exact to the last bit: big.Rat.Float64 rounds to nearest, and so does
	// one IEEE division of two exactly representable integers.
	assert.Equal(t, math.Float64bits(wf), math.Float64bits(p.Optimum[0]), "w = %v, want %v", p.Optimum[0], wf)
	assert.Equal(t, math.Float64bits(bf), math.Float64bits(p.Optimum[1]), "b = %v, want %v", p.Optimum[1], bf)
	assert.Equal(t, float64(4734)/2633, p.Optimum[0])
	assert.Equal(t, float64(84131)/2633, p.Optimum[1])
	t.Logf("optimum w = %s = %v, b = %s = %v", w.RatString(), p.Optimum[0], b.RatString(), p.Optimum[1])

	// It is not the exact conversion line (1.8, 32), which the rounded data
	// no longer fit: the optimum is ≈ 0.0475 away in b.
	assert.NotEqual(t, []float64{1.8, 32}, p.Optimum)
	assert.InDelta(t, 0.0475, p.ParamError([]float64{1.8, 32}), 1e-3)
	obj := p.Objective()
	assert.Less(t, obj.Loss(p.Optimum), obj.Loss([]float64{1.8, 32}))
	// The gradient at the rounded optimum is rounding-sized: with Hessian
	// entries ≤ 1119.2 and a rounding of b of ≤ 3.6e-15, ≤ 1119.2·2.3e-16·2
	// + 2·3.6e-15 plus the summation error of the residuals (≈ 1e-13).
	g := make([]float64, 2)
	loss := obj.Grad(g, p.Optimum)
	assert.InDelta(t, 0, g[0], 1e-11)
	assert.InDelta(t, 0, g[1], 1e-12)
	t.Logf("MSE at the optimum %v, gradient %v", loss, g)
}

// TestAdamKerasCelsius reproduces the Keras course: Dense(1) trained with
// Adam(0.1) for 500 full-batch epochs from kernel ~ glorot_uniform (for one
// input and one output, U[−√3, √3]) and bias 0 ends at w ≈ 1.82, b ≈ 29,
// well short of the least-squares optimum (1.79795, 31.9525). Measured here
// over starts w0 ∈ {−√3, +√3} and seeds 1–20: w ∈ [1.8201, 1.8301] and
// b ∈ [28.26, 29.33] after 500 epochs (b grows with w0). It then reaches
// the optimum: ‖θ − θ*‖∞ < 1e-6 after 1619–1765 epochs and ≈ 4e-14 at 3000.
// Constant-η Adam does not stay there, though: once v has decayed to the
// size of the tiny gradients, the step is ≈ η·g/ε̂, gradient descent with
// rate η/ε̂ = 10⁶ ≫ 2/λmax, and the parameters burst away (to ≈ 0.03 on
// every start; the first burst began at epochs 6434 and 9612 in the two
// runs traced) before v catches up.
func TestAdamKerasCelsius(t *testing.T) {
	const (
		epochs        = 500
		bLo, bHi      = 28.0, 29.6 // measured [28.26, 29.33]
		wLo, wHi      = 1.815, 1.835
		reachBy       = 2000 // measured 1619–1765 epochs to 1e-6
		atOptimumTol  = 1e-12
		atOptimumStep = 3000 // measured ≈ 4e-14
		burstAbove    = 1e-6 // measured max ≈ 0.03 in (3000, 20000]
	)
	p := CelsiusTF()
	wStar, bStar := p.Optimum[0], p.Optimum[1]
	starts := []float64{-math.Sqrt(3), math.Sqrt(3)}
	for seed := uint64(1); seed <= 5; seed++ {
		starts = append(starts, math.Sqrt(3)*(2*rand.New(rand.NewPCG(seed, 0)).Float64()-1))
	}
	for _, w0 := range starts {
		t.Run(fmt.Sprintf("w0=%.4f", w0), func(t *testing.T) {
			a := &Adam{LearningRate: 0.1}
			obj := p.Objective()
			x := []float64{w0, 0}
			_, err := a.Init(obj, x, nil)
			require.NoError(t, err)
			first := -1
			burst := 0.0
			for step := 1; step <= 20000; step++ {
				_, err := a.Step(x)
				require.NoError(t, err)
				e := p.ParamError(x)
				switch {
				case step == epochs:
					t.Logf("after %d epochs: w = %.5f, b = %.4f", epochs, x[0], x[1])
					assert.True(t, x[1] > bLo && x[1] < bHi, "b = %v", x[1])
					assert.True(t, x[0] > wLo && x[0] < wHi, "w = %v", x[0])
					assert.Greater(t, bStar-x[1], 2.5, "b is noticeably short of the optimum")
					assert.Greater(t, x[0]-wStar, 0.02)
				case step == atOptimumStep:
					assert.Less(t, e, atOptimumTol)
				case step > atOptimumStep:
					burst = max(burst, e)
				}
				if first < 0 && e < 1e-6 {
					first = step
				}
			}
			t.Logf("‖θ − θ*‖∞ < 1e-6 first at epoch %d; largest after %d: %.2g", first, atOptimumStep, burst)
			assert.True(t, first > 0 && first <= reachBy, "first at %d", first)
			assert.Greater(t, burst, burstAbove, "constant-η Adam was expected to burst away from the optimum")
		})
	}
}
