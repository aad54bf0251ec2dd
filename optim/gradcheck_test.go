package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
)

const (
	// gradRelTol bounds ‖g_a − g_n‖/(‖g_a‖ + ‖g_n‖) between the backprop
	// gradient and central differences. With h = eps^{1/3}·max(1, |x_i|)
	// ≈ 6e-6 the truncation error (h²|E'''|/6) and the rounding error
	// (eps·|E|/h) are each ~1e-11 relative to a gradient of size |E|; cases
	// whose gradient is much smaller than |E| score worse (measured: median
	// ~1e-10, worst 5.2e-9 over the cases below). 1e-6 leaves a 200× margin
	// for sigmoid curvature while a real mistake (a missing factor, a wrong
	// layer offset, swapped components) scores ≥ 1e-5.
	gradRelTol = 1e-6
	// gradAbsFloor is the absolute tolerance used when both gradients are
	// essentially zero (saturated units): the rounding noise of a central
	// difference is eps·|E|/h ≈ 4e-11·|E|, with |E| ≤ 1 for 0/1 targets.
	gradAbsFloor = 1e-9
	// gradStepScale is the central-difference step relative to max(1, |x_i|):
	// eps^{1/3} ≈ 6e-6, the step of gonum's fd.Central.
	gradStepScale = 6e-6
)

// centralGrad stores the central-difference gradient of obj at x in dst,
// with step h = gradStepScale·max(1, |x_i|). x is restored before returning.
func centralGrad(dst []float64, obj Objective, x []float64) {
	for i := range x {
		xi := x[i]
		h := gradStepScale * math.Max(1, math.Abs(xi))
		x[i] = xi + h
		fp := obj.Loss(x)
		x[i] = xi - h
		fm := obj.Loss(x)
		x[i] = xi
		// Divide by the step actually taken, which differs from 2h by rounding.
		dst[i] = (fp - fm) / ((xi + h) - (xi - h))
	}
}

// gradMismatch returns the relative mismatch ‖a − b‖/(‖a‖ + ‖b‖) and the
// absolute mismatch ‖a − b‖ of two gradients.
func gradMismatch(a, b []float64) (rel, abs float64) {
	d := make([]float64, len(a))
	floats.SubTo(d, a, b)
	abs = floats.Norm(d, 2)
	den := floats.Norm(a, 2) + floats.Norm(b, 2)
	if den == 0 {
		return 0, abs
	}
	return abs / den, abs
}

// checkGrad compares obj's analytic gradient at x with central differences
// and checks that Grad returns exactly Loss(x), leaves x alone and overwrites
// whatever grad held.
func checkGrad(t *testing.T, obj Objective, x []float64) {
	t.Helper()
	x0 := append([]float64(nil), x...)
	ga := make([]float64, len(x))
	for i := range ga {
		ga[i] = math.NaN() // Grad must overwrite, not accumulate into, grad.
	}
	loss := obj.Grad(ga, x)
	require.Equal(t, x0, x, "Grad modified x")
	require.Equal(t, math.Float64bits(obj.Loss(x)), math.Float64bits(loss),
		"Grad returned %v, Loss returned %v", loss, obj.Loss(x))
	gn := make([]float64, len(x))
	centralGrad(gn, obj, x)
	require.Equal(t, x0, x, "Loss modified x")
	rel, abs := gradMismatch(ga, gn)
	if floats.Norm(ga, 2)+floats.Norm(gn, 2) <= gradAbsFloor {
		assert.LessOrEqual(t, abs, gradAbsFloor, "both gradients ≈ 0 but differ")
		return
	}
	assert.LessOrEqual(t, rel, gradRelTol, "analytic %v\nnumeric  %v", ga, gn)
}

// randomNetObjective returns the MSE of net on n random samples: inputs
// N(0, 1), targets uniform in [0, 1] (so sigmoid outputs can fit them).
func randomNetObjective(t testing.TB, net Network, n int, rnd *rand.Rand) *MSE {
	t.Helper()
	d := Dataset{N: n, X: make([]float64, n*net.In), Y: make([]float64, n*net.Out())}
	for i := range d.X {
		d.X[i] = rnd.NormFloat64()
	}
	for i := range d.Y {
		d.Y[i] = rnd.Float64()
	}
	m, err := NewMSE(net, d)
	require.NoError(t, err)
	return m
}

// gradCheckNets are small networks covering every activation, with and
// without biases, one to three layers, one and several outputs.
func gradCheckNets() []Network {
	var nets []Network
	acts := []Activation{Sigmoid, Tanh, Linear}
	widths := []int{3, 4, 2} // hidden widths, then the output width
	for depth := 1; depth <= 3; depth++ {
		for _, act := range acts {
			for _, bias := range []bool{false, true} {
				net := Network{In: 3}
				for l := 0; l < depth; l++ {
					out := widths[l]
					if l == depth-1 && depth == 1 {
						out = 2 // several outputs even for a single layer
					}
					net.Layers = append(net.Layers, Layer{Out: out, Act: act, Bias: bias})
				}
				nets = append(nets, net)
			}
		}
	}
	// Mixed activations and mixed biases across layers.
	nets = append(nets,
		Network{In: 2, Layers: []Layer{{Out: 5, Act: Tanh, Bias: true}, {Out: 1, Act: Sigmoid}}},
		Network{In: 4, Layers: []Layer{{Out: 3, Act: Linear}, {Out: 3, Act: Tanh, Bias: true}, {Out: 2, Act: Sigmoid, Bias: true}}},
		Network{In: 1, Layers: []Layer{{Out: 6, Act: Sigmoid, Bias: true}, {Out: 2, Act: Linear}, {Out: 1, Act: Tanh, Bias: true}}},
		Network{In: 3, Layers: []Layer{{Out: 1, Act: Sigmoid, Bias: true}, {Out: 3, Act: Sigmoid}}},
	)
	return nets
}

var gradCheckSeeds = []uint64{1, 2, 3, 42}

func TestGradBuiltinProblems(t *testing.T) {
	for _, p := range testProblems() {
		for _, seed := range gradCheckSeeds {
			t.Run(fmt.Sprintf("problem=%s/seed=%d", p.Name, seed), func(t *testing.T) {
				if testing.Short() && p.Dim() > 100 && seed != gradCheckSeeds[0] {
					t.Skip("one seed of the large networks under -short")
				}
				obj := p.Objective()
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				checkGrad(t, obj, x)
				// Larger weights push sigmoids towards saturation (but not to
				// σ = 1.0, where the loss is flat and the check meaningless).
				floats.Scale(2, x)
				checkGrad(t, obj, x)
			})
		}
	}
}

func TestGradRandomNetworks(t *testing.T) {
	for _, net := range gradCheckNets() {
		for _, seed := range gradCheckSeeds {
			t.Run(fmt.Sprintf("net=%v/seed=%d", net, seed), func(t *testing.T) {
				rnd := rand.New(rand.NewPCG(seed, 0))
				obj := randomNetObjective(t, net, 7, rnd)
				require.Equal(t, net.Dim(), obj.Dim())
				x := make([]float64, obj.Dim())
				for i := range x {
					x[i] = rnd.NormFloat64()
				}
				checkGrad(t, obj, x)
			})
		}
	}
}

// TestGradGonumCentral repeats the check with gonum's fd.Gradient (fixed
// step 6e-6), an independent finite-difference implementation.
func TestGradGonumCentral(t *testing.T) {
	nets := append(gradCheckNets(), Spirals().Net)
	for i, net := range nets {
		rnd := rand.New(rand.NewPCG(uint64(i), 7))
		obj := randomNetObjective(t, net, 5, rnd)
		x := make([]float64, obj.Dim())
		for i := range x {
			x[i] = 0.5 * rnd.NormFloat64()
		}
		ga := make([]float64, len(x))
		obj.Grad(ga, x)
		gn := fd.Gradient(nil, obj.Loss, x, &fd.Settings{Formula: fd.Central})
		rel, _ := gradMismatch(ga, gn)
		assert.LessOrEqual(t, rel, gradRelTol, "net %v", net)
	}
}

// TestGradCheckDetectsErrors makes sure the check is not vacuous: a gradient
// off by 1e-4 in a single component, or with two components swapped, fails.
func TestGradCheckDetectsErrors(t *testing.T) {
	obj := XOR().Objective()
	x := make([]float64, obj.Dim())
	XOR().InitParams(x, rand.New(rand.NewPCG(5, 0)))
	ga, gn := make([]float64, len(x)), make([]float64, len(x))
	obj.Grad(ga, x)
	centralGrad(gn, obj, x)
	rel, _ := gradMismatch(ga, gn)
	require.LessOrEqual(t, rel, gradRelTol)

	bad := append([]float64(nil), ga...)
	bad[len(bad)-1] += 1e-4 * floats.Norm(ga, 2)
	rel, _ = gradMismatch(bad, gn)
	assert.Greater(t, rel, gradRelTol, "a 1e-4 error in one component went unnoticed")

	bad = append([]float64(nil), ga...)
	bad[0], bad[1] = bad[1], bad[0]
	rel, _ = gradMismatch(bad, gn)
	assert.Greater(t, rel, gradRelTol, "swapped components went unnoticed")
}

// TestGradSeed3Formula checks the perceptron gradient against its closed
// form ∂E/∂w = (2/N)·Σ_n (ŷ_n − y_n)·ŷ_n(1 − ŷ_n)·x_n at the tutorial's
// initial weights.
func TestGradSeed3Formula(t *testing.T) {
	// closedFormTol: both sides sum the same four products, possibly in a
	// different order, so they agree to a few ulps of values ≤ 1.
	const closedFormTol = 1e-15
	p := Seed3()
	obj := p.Objective()
	w := []float64{-0.165955990594852, 0.4406489868843162, -0.9997712503653102}
	want := make([]float64, 3)
	for n := 0; n < p.Data.N; n++ {
		in := p.Data.X[3*n : 3*n+3]
		y := 1 / (1 + math.Exp(-floats.Dot(w, in)))
		for i := range want {
			want[i] += 2.0 / 4 * (y - p.Data.Y[n]) * y * (1 - y) * in[i]
		}
	}
	got := make([]float64, 3)
	obj.Grad(got, w)
	for i := range want {
		assert.InDelta(t, want[i], got[i], closedFormTol, "component %d", i)
	}
}
