package optim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStructSettings checks that the optimizers' own Init rejects bad
// settings with a *SettingError naming the field, without panicking and
// without evaluating the objective.
func TestStructSettings(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		o     Optimizer
		field string
	}{
		{&Backprop{LearningRate: nan}, "backprop.lr"},
		{&Backprop{LearningRate: -1}, "backprop.lr"},
		{&Backprop{Momentum: 1}, "backprop.momentum"},
		{&Backprop{Momentum: nan}, "backprop.momentum"},
		{&Rprop{EtaMinus: 1}, "irprop-.eta-"},
		{&Rprop{Variant: RpropPlus, EtaMinus: 2}, "rprop+.eta-"},
		{&Rprop{Variant: IRpropPlus, EtaPlus: 1}, "irprop+.eta+"},
		{&Rprop{Variant: RpropMinus, EtaPlus: 0.5}, "rprop-.eta+"},
		{&Rprop{EtaPlus: math.Inf(1)}, "irprop-.eta+"},
		{&Rprop{DeltaMax: nan}, "irprop-.delta-max"},
		{&Rprop{DeltaMin: nan}, "irprop-.delta-min"},
		{&Rprop{Delta0: nan}, "irprop-.delta0"},
		{&Rprop{Delta0: 1e-7}, "irprop-.delta0"}, // below Δmin = 1e-6
		{&GA{Population: -1}, "ga.population"},
		{&GA{Population: 4, Elite: 4}, "ga.elite"},
	}
	for _, test := range tests {
		t.Run(fmt.Sprintf("%s/%+v", test.field, test.o), func(t *testing.T) {
			cnt := &Counter{Objective: XOR().Objective()}
			var err error
			require.NotPanics(t, func() {
				_, err = test.o.Init(cnt, make([]float64, cnt.Dim()), rand.New(rand.NewPCG(1, 1)))
			})
			requireSettingError(t, err, test.field)
			assert.Zero(t, cnt.LossEvals, "bad settings must be rejected before evaluating")
		})
	}
	r := &Rprop{Variant: RpropVariant(7)}
	_, err := r.Init(XOR().Objective(), make([]float64, 9), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "variant")
}

// optimizerFactories returns a fresh value of every optimizer type.
func optimizerFactories() map[string]func() Optimizer {
	return map[string]func() Optimizer{
		"backprop": func() Optimizer { return &Backprop{} },
		"rprop+":   func() Optimizer { return &Rprop{Variant: RpropPlus} },
		"rprop-":   func() Optimizer { return &Rprop{Variant: RpropMinus} },
		"irprop+":  func() Optimizer { return &Rprop{Variant: IRpropPlus} },
		"irprop-":  func() Optimizer { return &Rprop{Variant: IRpropMinus} },
		"ga":       func() Optimizer { return &GA{} },
	}
}

func TestDimAndInitErrors(t *testing.T) {
	for name, mk := range optimizerFactories() {
		t.Run(name, func(t *testing.T) {
			obj := XOR().Objective()
			d := obj.Dim()
			rnd := rand.New(rand.NewPCG(1, 1))

			_, err := mk().Step(make([]float64, d))
			require.ErrorIs(t, err, ErrNotInitialized, "Step on the zero value")

			for _, n := range []int{0, d - 1, d + 1} {
				o := mk()
				var err error
				require.NotPanics(t, func() { _, err = o.Init(obj, make([]float64, n), rnd) })
				var de *DimError
				require.True(t, errors.As(err, &de), "len %d: got %v, want a *DimError", n, err)
				assert.Equal(t, DimError{Got: n, Want: d}, *de)
				assert.Contains(t, err.Error(), strconv.Itoa(n))
				_, err = o.Step(make([]float64, d))
				assert.ErrorIs(t, err, ErrNotInitialized, "Step after a failed Init")
			}

			o := mk()
			x := make([]float64, d)
			_, err = o.Init(obj, x, rnd)
			require.NoError(t, err)
			_, err = o.Step(make([]float64, d+2))
			var de *DimError
			require.True(t, errors.As(err, &de), "Step with a wrong length: got %v", err)
			assert.Equal(t, DimError{Got: d + 2, Want: d}, *de)
			_, err = o.Step(x)
			require.NoError(t, err, "a rejected Step must not break the optimizer")

			// A failed re-Init leaves the optimizer uninitialized.
			_, err = o.Init(obj, make([]float64, d+1), rnd)
			require.Error(t, err)
			_, err = o.Step(x)
			assert.ErrorIs(t, err, ErrNotInitialized)
		})
	}
}

// TestGradientMethodsEvaluationCount: Init evaluates the gradient once and
// every Step once more, so evaluations = 1 + steps.
func TestGradientMethodsEvaluationCount(t *testing.T) {
	for name, mk := range optimizerFactories() {
		if name == "ga" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			cnt := &Counter{Objective: Parity4().Objective()}
			x := make([]float64, cnt.Dim())
			Parity4().InitParams(x, rand.New(rand.NewPCG(2, 0)))
			o := mk()
			_, err := o.Init(cnt, x, nil)
			require.NoError(t, err)
			for k := 1; k <= 25; k++ {
				_, err := o.Step(x)
				require.NoError(t, err)
				require.Equal(t, 1+k, cnt.GradEvals)
				require.Equal(t, 1+k, cnt.LossEvals)
			}
		})
	}
}

// TestBackpropUpdate checks the update rule on scripted gradients:
// v ← μv − ηg, x ← x + v.
func TestBackpropUpdate(t *testing.T) {
	// backpropTol: three roundings of numbers ≤ 2.
	const backpropTol = 1e-15
	grads := [][]float64{{1, -2}, {0.5, 0.5}, {-1, 0}, {0, 0}}
	tests := []struct {
		b Backprop
		x [][]float64 // after each step, by hand
	}{
		// η = 0.1: x ← x − 0.1g.
		{Backprop{LearningRate: 0.1}, [][]float64{{-0.1, 0.2}, {-0.15, 0.15}, {-0.05, 0.15}}},
		// η = 0.1, μ = 0.5: v = (−0.1, 0.2), (−0.1, 0.05), (0.05, 0.025).
		{Backprop{LearningRate: 0.1, Momentum: 0.5}, [][]float64{{-0.1, 0.2}, {-0.2, 0.25}, {-0.15, 0.275}}},
		// Default η = 1.
		{Backprop{}, [][]float64{{-1, 2}, {-1.5, 1.5}, {-0.5, 1.5}}},
	}
	for _, test := range tests {
		t.Run(fmt.Sprintf("%+v", test.b), func(t *testing.T) {
			obj := &scriptedObjective{grads: grads, losses: []float64{4, 3, 2, 1}}
			b := test.b
			x := []float64{0, 0}
			_, err := b.Init(obj, x, nil)
			require.NoError(t, err)
			for k, want := range test.x {
				loss, err := b.Step(x)
				require.NoError(t, err)
				assert.InDeltaSlice(t, want, x, backpropTol, "step %d", k+1)
				assert.Equal(t, float64(3-k), loss)
			}
		})
	}
}

// TestBackpropDiverges: learning rate 1 on celsius. The largest Hessian
// eigenvalue is ≈ 1119, so the error along its eigenvector grows ≈ 1118×
// per step and the loss (≈ 1e3 at the start) overflows once 1118^{2k}·1e3
// passes 1.8e308: k ≈ 51 (measured: step 50 for seeds 1–3, with and without
// momentum). maxDivergeSteps allows 4× that.
func TestBackpropDiverges(t *testing.T) {
	const maxDivergeSteps = 200
	for _, b := range []Backprop{{LearningRate: 1}, {LearningRate: 1, Momentum: 0.9}} {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("%+v/seed=%d", b, seed), func(t *testing.T) {
				p := Celsius()
				obj := p.Objective()
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				_, err := b.Init(obj, x, nil)
				require.NoError(t, err)
				var loss float64
				steps := 0
				for ; steps < maxDivergeSteps; steps++ {
					loss, err = b.Step(x)
					if err != nil {
						break
					}
				}
				require.ErrorIs(t, err, ErrDiverged, "no divergence within %d steps", maxDivergeSteps)
				t.Logf("diverged at step %d", steps+1)
				for _, v := range x {
					require.True(t, finite(v), "x = %v", x)
				}
				require.True(t, finite(loss))
				assert.Equal(t, obj.Loss(x), loss, "the returned loss is the loss at x")
				last := slices.Clone(x)
				for range 3 {
					l, err := b.Step(x)
					require.ErrorIs(t, err, ErrDiverged)
					assert.Equal(t, last, x, "x changed after divergence")
					assert.Equal(t, loss, l)
				}
				// A new Init starts over.
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				_, err = (&Backprop{LearningRate: 1e-3}).Init(obj, x, nil)
				require.NoError(t, err)
			})
		}
	}
}

// requireSettingError checks that err is a *SettingError naming field, in
// its Field and in its message.
func requireSettingError(t *testing.T, err error, field string) {
	t.Helper()
	var se *SettingError
	require.True(t, errors.As(err, &se), "got %T %v, want a *SettingError", err, err)
	assert.Equal(t, field, se.Field)
	assert.Contains(t, err.Error(), field)
}
