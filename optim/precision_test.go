package optim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runMethodOf is runMethod in the arithmetic T: the starting point is drawn
// in float64 as the bench package draws it and rounded to T.
func runMethodOf[T Float](m Method, settings map[string]float64, p *Problem, start []float64, seed uint64, iters int) ([]T, []T, error) {
	o, err := NewOptimizer[T](m, settings)
	if err != nil {
		return nil, nil, err
	}
	obj := ProblemObjective[T](p, Plain)
	x := make([]T, p.Dim())
	ParamsTo(x, start)
	loss, err := o.Init(obj, x, rand.New(rand.NewPCG(seed, 1)))
	losses := []T{loss}
	for i := 0; i < iters && err == nil; i++ {
		loss, err = o.Step(x)
		losses = append(losses, loss)
	}
	return x, losses, err
}

// float32Methods are the optimizers that run in float32: all but gonum's.
func float32Methods(t *testing.T) []Method {
	var ms []Method
	for _, m := range Methods() {
		if _, err := NewOptimizer[float32](m, nil); err == nil {
			ms = append(ms, m)
		} else {
			require.ErrorIs(t, err, ErrFloat64Only, m.Name)
		}
	}
	return ms
}

// TestFloat32AgreesWithFloat64 runs the same start (a float32-representable
// point, so both runs start at the same parameters) for 20 iterations in
// float32 and float64 and checks that parameters and losses agree to float32
// precision. Each float32 operation has relative error ≤ 2⁻²⁴ ≈ 6e-8; a
// loss or gradient is a sum of a few dozen such operations over at most
// 16 samples, and 20 iterations compound the differences at most linearly
// while the runs stay far from instability (the step sizes are the
// per-problem defaults). A bound of 1e-5 relative (about 170 float32 ulps,
// relative to max(|v|, 1) for parameters and to the float64 loss for
// losses) leaves room for that and fails at once for a path that computes
// in the wrong type or drops a term. The gradient sign-based Rprop
// variants only agree while no gradient component is within rounding of 0,
// which holds on these prefixes. Quickprop's secant step g/(g_prev − g)
// divides by a difference of nearly equal gradients, which amplifies
// rounding by 1/(relative difference), so its prefix is shorter (quickpropPrefix steps), before that cancellation sets in.
func TestFloat32AgreesWithFloat64(t *testing.T) {
	const tol = 1e-5
	for _, name := range []string{"seed3", "xor", "celsius"} {
		for _, mname := range []string{"backprop", "irprop-", "rprop+", "momentum", "adam", "quickprop"} {
			t.Run(fmt.Sprintf("problem=%s/optimizer=%s", name, mname), func(t *testing.T) {
				p, err := LookupProblem(name)
				require.NoError(t, err)
				m, err := LookupMethod(mname)
				require.NoError(t, err)
				s := testSettings(t, p, m)
				iters := 20
				if mname == "quickprop" {
					iters = quickpropPrefix
				}
				start := make([]float64, p.Dim())
				p.InitParams(start, rand.New(rand.NewPCG(3, 0)))
				for i, v := range start {
					start[i] = float64(float32(v))
				}
				x64, l64, err := runMethodOf[float64](m, s, p, start, 3, iters)
				require.NoError(t, err)
				x32, l32, err := runMethodOf[float32](m, s, p, start, 3, iters)
				require.NoError(t, err)
				for i := range x64 {
					d := math.Abs(float64(x32[i])-x64[i]) / max(math.Abs(x64[i]), 1)
					assert.LessOrEqual(t, d, tol, "parameter %d: float32 %v, float64 %v", i, x32[i], x64[i])
				}
				for k := range l64 {
					d := math.Abs(float64(l32[k])-l64[k]) / max(l64[k], 1e-30)
					assert.LessOrEqual(t, d, tol, "loss after %d steps: float32 %v, float64 %v", k, l32[k], l64[k])
				}
			})
		}
	}
}

// TestFloat32Determinism checks that float32 runs are reproducible and that
// their Steps allocate nothing, for every optimizer that runs in float32.
func TestFloat32Determinism(t *testing.T) {
	const iters = 100
	for _, m := range float32Methods(t) {
		for _, name := range determinismProblems {
			t.Run(fmt.Sprintf("optimizer=%s/problem=%s", m.Name, name), func(t *testing.T) {
				p, err := LookupProblem(name)
				require.NoError(t, err)
				s := testSettings(t, p, m)
				start := make([]float64, p.Dim())
				p.InitParams(start, rand.New(rand.NewPCG(7, 0)))
				xa, la, err := runMethodOf[float32](m, s, p, start, 7, iters)
				require.NoError(t, err)
				xb, lb, err := runMethodOf[float32](m, s, p, start, 7, iters)
				require.NoError(t, err)
				bits := func(u, v float32) bool { return math.Float32bits(u) == math.Float32bits(v) }
				assert.True(t, slices.EqualFunc(xa, xb, bits), "same seed, different parameters")
				assert.True(t, slices.EqualFunc(la, lb, bits), "same seed, different losses")

				o, err := NewOptimizer[float32](m, s)
				require.NoError(t, err)
				x := make([]float32, p.Dim())
				ParamsTo(x, start)
				_, err = o.Init(ProblemObjective[float32](p, Careful), x, rand.New(rand.NewPCG(7, 1)))
				require.NoError(t, err)
				allocs := testing.AllocsPerRun(50, func() {
					if _, err := o.Step(x); err != nil && !errors.Is(err, ErrDiverged) {
						t.Fatal(err)
					}
				})
				assert.Zero(t, allocs, "float32 Step allocates")
			})
		}
	}
}

func TestFloat32Gonum(t *testing.T) {
	for _, name := range []string{"lbfgs", "bfgs", "cg", "neldermead", "cmaes"} {
		m, err := LookupMethod(name)
		require.NoError(t, err)
		_, err = NewOptimizer[float32](m, nil)
		require.ErrorIs(t, err, ErrFloat64Only)
		assert.Contains(t, err.Error(), name)
		assert.Contains(t, err.Error(), "float64")
		o, err := NewOptimizer[float64](m, nil)
		require.NoError(t, err)
		assert.NotNil(t, o)
	}
}

// TestFloat32Arithmetic checks that the float32 objective computes in
// float32: its loss differs from the float64 loss at the same point, by no
// more than float32 rounding.
func TestFloat32Arithmetic(t *testing.T) {
	assert.Equal(t, "float32", PrecisionOf[float32]())
	assert.Equal(t, "float64", PrecisionOf[float64]())
	for _, p := range Problems() {
		x := make([]float64, p.Dim())
		p.InitParams(x, rand.New(rand.NewPCG(1, 0)))
		for i, v := range x {
			x[i] = float64(float32(v))
		}
		x32 := make([]float32, len(x))
		ParamsTo(x32, x)
		for _, e := range []EvalMode{Plain, Careful} {
			l64 := ProblemObjective[float64](p, e).Loss(x)
			g32 := make([]float32, len(x))
			l32 := ProblemObjective[float32](p, e).Grad(g32, x32)
			assert.InDelta(t, 1, float64(l32)/l64, 1e-5, "%s %v: float32 loss %v, float64 %v", p.Name, e, l32, l64)
		}
	}
}

// quickpropPrefix is the number of Quickprop steps compared in
// TestFloat32AgreesWithFloat64 (at 10 steps celsius's secant cancellation
// already amplifies rounding past 1e-5).
const quickpropPrefix = 8
