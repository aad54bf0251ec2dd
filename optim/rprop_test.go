package optim

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptedObjective is an Objective whose Grad returns a predetermined
// sequence of gradients and losses, one per call, and records the points it
// was called at. Loss returns the loss of the next scripted call without
// consuming it.
type scriptedObjective struct {
	grads  [][]float64
	losses []float64
	calls  int
	at     [][]float64 // x at each Grad call
}

func (s *scriptedObjective) Dim() int { return len(s.grads[0]) }

func (s *scriptedObjective) Loss(x []float64) float64 {
	return s.losses[min(s.calls, len(s.losses)-1)]
}

func (s *scriptedObjective) Grad(grad, x []float64) float64 {
	if s.calls >= len(s.grads) {
		panic(fmt.Sprintf("scriptedObjective: Grad call %d beyond the script", s.calls))
	}
	copy(grad, s.grads[s.calls])
	s.at = append(s.at, append([]float64(nil), x...))
	loss := 0.0
	if s.losses != nil {
		loss = s.losses[s.calls]
	}
	s.calls++
	return loss
}

// scalarScript makes a one-parameter script from gradient values.
func scalarScript(g []float64, losses []float64) *scriptedObjective {
	s := &scriptedObjective{losses: losses}
	for _, v := range g {
		s.grads = append(s.grads, []float64{v})
	}
	return s
}

// rpropTraceTol: the expected values below are written as exact decimals
// but computed in binary with at most a dozen roundings of numbers ≤ 1, so
// they agree to a few ulps (≤ 1e-16 each); 1e-14 is far below any step
// (≥ 0.0125) so a wrong branch cannot pass.
const rpropTraceTol = 1e-14

// The gradient sequence used by most cases: three positive gradients of
// different sizes (only signs matter), then three negative ones. Step t uses
// the gradient of Grad call t−1 (call 0 is made by Init at x0 = 0).
var (
	flipGrads = []float64{3, 0.5, 7, -2, -1, -4, 1}
	// Losses that fall at every call, so iRprop+ never backtracks.
	fallingLosses = []float64{10, 9, 8, 7, 6, 5, 4}
	// Losses that rise at call 3 (7.5 > 7 at call 2), so iRprop+ backtracks
	// at step 4, where the gradient changes sign.
	risingLosses = []float64{10, 9, 7, 7.5, 6, 5, 4}
)

func TestRpropTrace(t *testing.T) {
	tests := []struct {
		name    string
		r       Rprop
		grads   []float64 // scripted gradients, one per Grad call
		losses  []float64 // scripted losses, one per Grad call
		x, step []float64 // x and Δ after each Step, computed by hand
	}{
		{
			// Δ: 0.1 (p = 0 at the first step), ×1.2, ×1.2, then the flip
			// halves it and does not move; p = 0 at step 5 keeps 0.072.
			name:  "irprop-/flip",
			r:     Rprop{Variant: IRpropMinus},
			grads: flipGrads, losses: fallingLosses,
			x:    []float64{-0.1, -0.22, -0.364, -0.364, -0.292, -0.2056},
			step: []float64{0.1, 0.12, 0.144, 0.072, 0.072, 0.0864},
		},
		{
			// Rprop− moves by the halved step on the flip and adapts again
			// at the next step (p = (−2)(−1) > 0).
			name:  "rprop-/flip",
			r:     Rprop{Variant: RpropMinus},
			grads: flipGrads, losses: fallingLosses,
			x:    []float64{-0.1, -0.22, -0.364, -0.292, -0.2056, -0.10192},
			step: []float64{0.1, 0.12, 0.144, 0.072, 0.0864, 0.10368},
		},
		{
			// Rprop+ undoes the previous change (−0.144) on the flip even
			// though the loss fell, then sees p = 0 and keeps Δ = 0.072.
			name:  "rprop+/flip-loss-fell",
			r:     Rprop{Variant: RpropPlus},
			grads: flipGrads, losses: fallingLosses,
			x:    []float64{-0.1, -0.22, -0.364, -0.22, -0.148, -0.0616},
			step: []float64{0.1, 0.12, 0.144, 0.072, 0.072, 0.0864},
		},
		{
			name:  "rprop+/flip-loss-rose",
			r:     Rprop{Variant: RpropPlus},
			grads: flipGrads, losses: risingLosses,
			x:    []float64{-0.1, -0.22, -0.364, -0.22, -0.148, -0.0616},
			step: []float64{0.1, 0.12, 0.144, 0.072, 0.072, 0.0864},
		},
		{
			// iRprop+ with a falling loss: no backtracking, the weight stays
			// at −0.364 on the flip (as iRprop−).
			name:  "irprop+/flip-loss-fell",
			r:     Rprop{Variant: IRpropPlus},
			grads: flipGrads, losses: fallingLosses,
			x:    []float64{-0.1, -0.22, -0.364, -0.364, -0.292, -0.2056},
			step: []float64{0.1, 0.12, 0.144, 0.072, 0.072, 0.0864},
		},
		{
			// iRprop+ with E(3) = 7.5 > E(2) = 7: backtracks as Rprop+.
			name:  "irprop+/flip-loss-rose",
			r:     Rprop{Variant: IRpropPlus},
			grads: flipGrads, losses: risingLosses,
			x:    []float64{-0.1, -0.22, -0.364, -0.22, -0.148, -0.0616},
			step: []float64{0.1, 0.12, 0.144, 0.072, 0.072, 0.0864},
		},
		{
			// Growth clamped at Δmax = 0.13: 0.1, 0.12, min(0.144, 0.13).
			name:  "rprop-/clamp-max",
			r:     Rprop{Variant: RpropMinus, DeltaMax: 0.13},
			grads: []float64{1, 1, 1, 1, 1},
			x:     []float64{-0.1, -0.22, -0.35, -0.48},
			step:  []float64{0.1, 0.12, 0.13, 0.13},
		},
		{
			// Shrinking clamped at Δmin = 0.03: 0.1, 0.05, max(0.025, 0.03).
			name:  "rprop-/clamp-min",
			r:     Rprop{Variant: RpropMinus, DeltaMin: 0.03},
			grads: []float64{1, -1, 1, -1, 1},
			x:     []float64{-0.1, -0.05, -0.08, -0.05},
			step:  []float64{0.1, 0.05, 0.03, 0.03},
		},
		{
			// Same signs for iRprop−: every flip halves Δ without a move, and
			// the step after it moves by the unchanged Δ (p = 0), so Δ only
			// shrinks on every other step.
			name:  "irprop-/alternating",
			r:     Rprop{Variant: IRpropMinus},
			grads: []float64{1, -1, 1, -1, 1, -1},
			x:     []float64{-0.1, -0.1, -0.15, -0.15, -0.175},
			step:  []float64{0.1, 0.05, 0.05, 0.025, 0.025},
		},
		{
			// Δmin clamps iRprop− too: 0.1 → max(0.05, 0.06) = 0.06.
			name:  "irprop-/clamp-min",
			r:     Rprop{Variant: IRpropMinus, DeltaMin: 0.06},
			grads: []float64{1, -1, 1, -1, 1},
			x:     []float64{-0.1, -0.1, -0.16, -0.16},
			step:  []float64{0.1, 0.06, 0.06, 0.06},
		},
		{
			// Custom η± and Δ0: 0.2, ×1.5, then ×0.25 on the flip.
			name:  "rprop-/custom-etas",
			r:     Rprop{Variant: RpropMinus, EtaPlus: 1.5, EtaMinus: 0.25, Delta0: 0.2},
			grads: []float64{-1, -1, 1, 1},
			x:     []float64{0.2, 0.5, 0.425},
			step:  []float64{0.2, 0.3, 0.075},
		},
		{
			// A zero gradient neither moves the weight nor adapts Δ, and the
			// next step sees p = 0 as well.
			name:  "irprop-/zero-gradient",
			r:     Rprop{Variant: IRpropMinus},
			grads: []float64{1, 0, 1, 1},
			x:     []float64{-0.1, -0.1, -0.2},
			step:  []float64{0.1, 0.1, 0.1},
		},
		{
			// Rprop+ backtracks at each flip (steps 2 and 4: x returns to
			// 0), and after the first one sees p = 0 and takes the halved
			// step +0.05.
			name:  "rprop+/alternating",
			r:     Rprop{Variant: RpropPlus},
			grads: []float64{1, -1, -1, 1, 1},
			x:     []float64{-0.1, 0, 0.05, 0},
			step:  []float64{0.1, 0.05, 0.05, 0.025},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			require.Len(t, test.step, len(test.x))
			require.Greater(t, len(test.grads), len(test.x), "script needs one gradient per Step plus Init's")
			obj := scalarScript(test.grads, test.losses)
			r := test.r
			x := []float64{0}
			loss, err := r.Init(obj, x, nil)
			require.NoError(t, err)
			if test.losses != nil {
				require.Equal(t, test.losses[0], loss)
			}
			for k := range test.x {
				loss, err := r.Step(x)
				require.NoError(t, err)
				assert.InDelta(t, test.x[k], x[0], rpropTraceTol, "x after step %d", k+1)
				assert.InDelta(t, test.step[k], r.step[0], rpropTraceTol, "Δ after step %d", k+1)
				// Each Step evaluates the gradient at the x it returns.
				require.Equal(t, k+2, obj.calls)
				assert.Equal(t, x, obj.at[k+1], "step %d evaluated elsewhere", k+1)
				if test.losses != nil {
					assert.Equal(t, test.losses[k+1], loss, "loss after step %d", k+1)
				}
			}
		})
	}
}

// TestRpropPerComponent runs two parameters at once: the first flips sign at
// step 3, the second never does. Backtracking and step adaptation must be per
// parameter.
func TestRpropPerComponent(t *testing.T) {
	grads := [][]float64{{1, 1}, {1, 2}, {-1, 3}, {-1, 4}, {0, 0}}
	tests := []struct {
		variant RpropVariant
		x, step [][]float64 // after each of the 4 steps
	}{
		{
			variant: RpropPlus,
			x:       [][]float64{{-0.1, -0.1}, {-0.22, -0.22}, {-0.1, -0.364}, {-0.04, -0.5368}},
			step:    [][]float64{{0.1, 0.1}, {0.12, 0.12}, {0.06, 0.144}, {0.06, 0.1728}},
		},
		{
			variant: IRpropMinus,
			x:       [][]float64{{-0.1, -0.1}, {-0.22, -0.22}, {-0.22, -0.364}, {-0.16, -0.5368}},
			step:    [][]float64{{0.1, 0.1}, {0.12, 0.12}, {0.06, 0.144}, {0.06, 0.1728}},
		},
		{
			variant: RpropMinus,
			x:       [][]float64{{-0.1, -0.1}, {-0.22, -0.22}, {-0.16, -0.364}, {-0.088, -0.5368}},
			step:    [][]float64{{0.1, 0.1}, {0.12, 0.12}, {0.06, 0.144}, {0.072, 0.1728}},
		},
	}
	for _, test := range tests {
		t.Run(test.variant.String(), func(t *testing.T) {
			obj := &scriptedObjective{grads: grads}
			r := Rprop{Variant: test.variant}
			x := []float64{0, 0}
			_, err := r.Init(obj, x, nil)
			require.NoError(t, err)
			for k := range test.x {
				_, err := r.Step(x)
				require.NoError(t, err)
				assert.InDeltaSlice(t, test.x[k], x, rpropTraceTol, "x after step %d", k+1)
				assert.InDeltaSlice(t, test.step[k], r.step, rpropTraceTol, "Δ after step %d", k+1)
			}
		})
	}
}

// TestRpropDefaults checks the documented defaults: η+ = 1.2, η− = 0.5,
// Δ0 = 0.1, Δmax = 50, Δmin = 1e-6, and that a negative Δmin means none.
func TestRpropDefaults(t *testing.T) {
	r := Rprop{}
	_, err := r.Init(scalarScript([]float64{1, 1}, nil), []float64{0}, nil)
	require.NoError(t, err)
	assert.Equal(t, 1.2, r.ep)
	assert.Equal(t, 0.5, r.em)
	assert.Equal(t, 50.0, r.dmax)
	assert.Equal(t, 1e-6, r.dmin)
	assert.Equal(t, []float64{0.1}, r.step)
	assert.Equal(t, IRpropMinus, r.Variant, "the zero value is iRprop−")

	r = Rprop{DeltaMin: -1}
	_, err = r.Init(scalarScript([]float64{1}, nil), []float64{0}, nil)
	require.NoError(t, err)
	assert.Equal(t, 0.0, r.dmin)
}

// TestRpropStepFloorAndCeiling drives Δ into both clamps with long runs of
// flips and of equal signs: Δ ends exactly at Δmin and Δmax.
func TestRpropStepFloorAndCeiling(t *testing.T) {
	for _, v := range []RpropVariant{IRpropMinus, IRpropPlus, RpropPlus, RpropMinus} {
		t.Run(v.String(), func(t *testing.T) {
			// Flips every step: Δ shrinks (every other step for the variants
			// that zero the previous gradient) and must stop at Δmin = 1e-6.
			g := make([]float64, 200)
			for i := range g {
				g[i] = 1 - 2*float64(i%2)
			}
			r := Rprop{Variant: v}
			x := []float64{0}
			_, err := r.Init(scalarScript(g, nil), x, nil)
			require.NoError(t, err)
			for range len(g) - 1 {
				_, err := r.Step(x)
				require.NoError(t, err)
				require.GreaterOrEqual(t, r.step[0], 1e-6)
			}
			assert.Equal(t, 1e-6, r.step[0])

			// Same sign throughout: 0.1·1.2^k reaches 50 after 35 steps.
			for i := range g {
				g[i] = 1
			}
			r = Rprop{Variant: v}
			_, err = r.Init(scalarScript(g, nil), x, nil)
			require.NoError(t, err)
			for range len(g) - 1 {
				_, err := r.Step(x)
				require.NoError(t, err)
				require.LessOrEqual(t, r.step[0], 50.0)
			}
			assert.Equal(t, 50.0, r.step[0])
		})
	}
}

// TestRpropInitResets checks that Init discards the state of an earlier run:
// a second Init behaves exactly like a fresh optimizer.
func TestRpropInitResets(t *testing.T) {
	for _, v := range []RpropVariant{IRpropMinus, IRpropPlus, RpropPlus, RpropMinus} {
		t.Run(v.String(), func(t *testing.T) {
			r := Rprop{Variant: v}
			x := []float64{0}
			_, err := r.Init(scalarScript(flipGrads, risingLosses), x, nil)
			require.NoError(t, err)
			for range 4 {
				_, err := r.Step(x)
				require.NoError(t, err)
			}
			fresh := Rprop{Variant: v}
			x1, x2 := []float64{0}, []float64{0}
			_, err = r.Init(scalarScript(flipGrads, risingLosses), x1, nil)
			require.NoError(t, err)
			_, err = fresh.Init(scalarScript(flipGrads, risingLosses), x2, nil)
			require.NoError(t, err)
			for k := range 6 {
				_, err1 := r.Step(x1)
				_, err2 := fresh.Step(x2)
				require.NoError(t, err1)
				require.NoError(t, err2)
				require.Equal(t, x2, x1, "step %d", k+1)
				require.Equal(t, fresh.step, r.step, "step %d", k+1)
			}
		})
	}
}

// TestRpropOverflowDiverges drives a parameter past ±MaxFloat64: Step must
// report ErrDiverged, restore the last finite x and keep failing.
func TestRpropOverflowDiverges(t *testing.T) {
	for _, v := range []RpropVariant{IRpropMinus, IRpropPlus, RpropPlus, RpropMinus} {
		t.Run(v.String(), func(t *testing.T) {
			g := []float64{1, 1, 1, 1, 1, 1}
			r := Rprop{Variant: v, Delta0: 1e308, DeltaMax: math.MaxFloat64}
			x := []float64{0}
			_, err := r.Init(scalarScript(g, []float64{5, 4, 3, 2, 1, 0}), x, nil)
			require.NoError(t, err)
			loss, err := r.Step(x) // x = −1e308
			require.NoError(t, err)
			require.Equal(t, 4.0, loss)
			loss, err = r.Step(x) // −1e308 − 1.2e308 overflows
			require.ErrorIs(t, err, ErrDiverged)
			assert.Equal(t, []float64{-1e308}, x, "x must be the last finite point")
			assert.Equal(t, 4.0, loss, "the loss at the last finite point")
			for range 3 {
				_, err = r.Step(x)
				require.ErrorIs(t, err, ErrDiverged)
				assert.Equal(t, []float64{-1e308}, x)
			}
		})
	}
}

// TestRpropNonFiniteLoss: a NaN loss after a step is divergence too.
func TestRpropNonFiniteLoss(t *testing.T) {
	obj := scalarScript([]float64{1, 1, 1}, []float64{1, 0.5, math.NaN()})
	r := Rprop{}
	x := []float64{0}
	_, err := r.Init(obj, x, nil)
	require.NoError(t, err)
	_, err = r.Step(x)
	require.NoError(t, err)
	loss, err := r.Step(x)
	require.ErrorIs(t, err, ErrDiverged)
	assert.Equal(t, 0.5, loss)
	assert.InDelta(t, -0.1, x[0], rpropTraceTol, "x restored to the point with loss 0.5")

	// A non-finite loss at the starting point is reported by Init.
	r = Rprop{}
	_, err = r.Init(scalarScript([]float64{1}, []float64{math.Inf(1)}), []float64{0}, nil)
	require.ErrorIs(t, err, ErrDiverged)
}

func TestRpropVariantString(t *testing.T) {
	for v, want := range map[RpropVariant]string{
		IRpropMinus: "irprop-", IRpropPlus: "irprop+", RpropPlus: "rprop+", RpropMinus: "rprop-",
		RpropVariant(9): "RpropVariant(9)",
	} {
		assert.Equal(t, want, v.String())
	}
}
