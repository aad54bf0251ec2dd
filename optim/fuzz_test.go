package optim

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// randomGradObjective returns random gradients: each component is zero with
// probability 1/5, otherwise ±10^U(−30, 30), so signs flip and repeat at
// random and the magnitudes are irrelevant to Rprop. The loss is uniform in
// [0, 1), so iRprop+ backtracks about half the time.
type randomGradObjective struct {
	dim int
	rnd *rand.Rand
}

func (o *randomGradObjective) Dim() int                 { return o.dim }
func (o *randomGradObjective) Loss(x []float64) float64 { return o.rnd.Float64() }
func (o *randomGradObjective) Grad(grad, x []float64) float64 {
	for i := range grad {
		switch o.rnd.IntN(5) {
		case 0:
			grad[i] = 0
		default:
			v := math.Pow(10, 60*o.rnd.Float64()-30)
			if o.rnd.IntN(2) == 0 {
				v = -v
			}
			grad[i] = v
		}
	}
	return o.rnd.Float64()
}

// rpropSettingsValid is the documented rule, written independently of
// Rprop.resolve: zero means the default; η+ > 1 finite; η− in (0, 1);
// Δmax > 0 finite; Δmin ≤ Δmax (negative: none); Δ0 > 0 in [Δmin, Δmax].
func rpropSettingsValid(v RpropVariant, ep, em, d0, dmax, dmin float64) (ok bool, lo, hi float64) {
	def := func(x, d float64) float64 {
		if x == 0 {
			return d
		}
		return x
	}
	ep, em, d0, dmax, dmin = def(ep, 1.2), def(em, 0.5), def(d0, 0.1), def(dmax, 50), def(dmin, 1e-6)
	if dmin < 0 {
		dmin = 0
	}
	ok = v <= RpropMinus &&
		ep > 1 && !math.IsInf(ep, 0) &&
		em > 0 && em < 1 &&
		dmax > 0 && !math.IsInf(dmax, 0) &&
		!math.IsNaN(dmin) && dmin <= dmax &&
		d0 > 0 && d0 >= dmin && d0 <= dmax
	return ok, dmin, dmax
}

// FuzzRpropStepBounds: whatever the settings and gradients, Init accepts
// exactly the valid settings (and never panics), every step size stays in
// [Δmin, Δmax] and the parameters stay finite.
func FuzzRpropStepBounds(f *testing.F) {
	f.Add(uint8(0), 0.0, 0.0, 0.0, 0.0, 0.0, uint64(1), uint8(100), 0.0)
	f.Add(uint8(1), 1.2, 0.5, 0.1, 50.0, 1e-6, uint64(2), uint8(200), 1.0)
	f.Add(uint8(2), 3.0, 0.01, 1.0, 1.0, 1.0, uint64(3), uint8(50), -5.0)
	f.Add(uint8(3), 1e300, 1e-300, 1e300, math.MaxFloat64, -1.0, uint64(4), uint8(255), 1e300)
	f.Add(uint8(0), 1.0000001, 0.9999999, 1e-9, 1e-6, -1.0, uint64(5), uint8(255), 0.0)
	f.Add(uint8(4), 1.2, 0.5, 0.1, 50.0, 1e-6, uint64(6), uint8(10), 0.0)   // bad variant
	f.Add(uint8(1), 1.0, 0.5, 0.1, 50.0, 1e-6, uint64(7), uint8(10), 0.0)   // η+ = 1
	f.Add(uint8(2), 1.2, 1.0, 0.1, 50.0, 1e-6, uint64(8), uint8(10), 0.0)   // η− = 1
	f.Add(uint8(3), 1.2, 0.5, 0.1, 50.0, 60.0, uint64(9), uint8(10), 0.0)   // Δmin > Δmax
	f.Add(uint8(0), 1.2, 0.5, 1e-7, 50.0, 1e-6, uint64(10), uint8(10), 0.0) // Δ0 < Δmin
	f.Add(uint8(0), math.NaN(), 0.5, 0.1, 50.0, 1e-6, uint64(11), uint8(10), 0.0)
	f.Fuzz(func(t *testing.T, variant uint8, ep, em, d0, dmax, dmin float64, seed uint64, steps uint8, x0 float64) {
		v := RpropVariant(variant % 5)
		r := &Rprop{Variant: v, EtaPlus: ep, EtaMinus: em, Delta0: d0, DeltaMax: dmax, DeltaMin: dmin}
		obj := &randomGradObjective{dim: 3, rnd: rand.New(rand.NewPCG(seed, 0))}
		if !finite(x0) {
			x0 = 0
		}
		x := []float64{x0, -x0, 0}
		var err error
		require.NotPanics(t, func() { _, err = r.Init(obj, x, nil) })
		valid, lo, hi := rpropSettingsValid(v, ep, em, d0, dmax, dmin)
		if !valid {
			require.Error(t, err, "invalid settings %+v accepted", r)
			var se *SettingError
			if v <= RpropMinus {
				require.True(t, errors.As(err, &se), "got %v, want a *SettingError", err)
			}
			_, err = r.Step(x)
			require.ErrorIs(t, err, ErrNotInitialized)
			return
		}
		require.NoError(t, err, "valid settings rejected")
		for k := 0; k < int(steps); k++ {
			_, err := r.Step(x)
			if err != nil {
				require.ErrorIs(t, err, ErrDiverged)
			}
			for i, s := range r.step {
				require.True(t, s >= lo && s <= hi, "step %d: Δ[%d] = %v outside [%v, %v]", k+1, i, s, lo, hi)
			}
			for i, xi := range x {
				require.True(t, finite(xi), "step %d: x[%d] = %v", k+1, i, xi)
			}
		}
	})
}

// FuzzGABestNeverWorse: for any accepted settings the best loss never rises,
// a generation evaluates at most population − elite individuals, and x
// always holds an individual with the reported loss.
func FuzzGABestNeverWorse(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint8(0), 0.0, 0.0, 0.0, 0.0, uint64(1))
	f.Add(uint8(5), uint8(1), uint8(2), 1.0, 1.0, 3.0, 1.0, uint64(2))
	f.Add(uint8(3), uint8(2), uint8(3), -1.0, -1.0, -1.0, 0.01, uint64(3))
	f.Add(uint8(40), uint8(10), uint8(40), 0.5, 0.5, 0.5, 10.0, uint64(4))
	f.Fuzz(func(t *testing.T, pop, elite, tour uint8, cx, mut, alpha, sigma float64, seed uint64) {
		ga := &GA{Population: int(pop), Elite: int(elite), Tournament: int(tour),
			CrossoverRate: cx, MutationRate: mut, Alpha: alpha, MutationSigma: sigma}
		p := XOR()
		cnt := &Counter{Objective: p.Objective()}
		check := p.Objective()
		x := make([]float64, p.Dim())
		p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
		var best float64
		var err error
		require.NotPanics(t, func() { best, err = ga.Init(cnt, x, rand.New(rand.NewPCG(seed, 1))) })
		if err != nil {
			var se *SettingError
			require.True(t, errors.As(err, &se), "got %v, want a *SettingError", err)
			return
		}
		for g := 1; g <= 30; g++ {
			before := cnt.LossEvals
			loss, err := ga.Step(x)
			require.NoError(t, err)
			require.LessOrEqual(t, cnt.LossEvals-before, ga.n-ga.elites)
			if !math.IsInf(loss, 1) {
				require.Equal(t, rankedLoss(check.Loss(x)), loss)
			}
			require.LessOrEqual(t, loss, best, "generation %d", g)
			best = loss
		}
	})
}
