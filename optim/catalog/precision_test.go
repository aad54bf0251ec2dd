package catalog_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
	"github.com/optbench/optbench/optim/gonumopt"
)

// runMethodOf is runMethod in the arithmetic T: the starting point is drawn
// in float64 as the bench package draws it and rounded to T.
func runMethodOf[T optim.Float](m optim.Method, settings optim.Settings, p *optim.Problem, start []float64, seed uint64, iters int) ([]T, []T, error) {
	o, err := optim.NewOptimizer[T](m, settings)
	if err != nil {
		return nil, nil, err
	}
	obj := optim.ProblemObjective[T](p, optim.Plain)
	x := make([]T, p.Dim())
	optim.ParamsTo(x, start)
	loss, err := o.Init(obj, x, rand.New(rand.NewPCG(seed, 1)))
	losses := []T{loss}
	for i := 0; i < iters && err == nil; i++ {
		loss, err = o.Step(x)
		losses = append(losses, loss)
	}
	return x, losses, err
}

// float32Methods are the optimizers that run in float32: all but gonum's.
func float32Methods(t *testing.T) []optim.Method {
	var ms []optim.Method
	for _, m := range catalog.Methods() {
		if _, err := optim.NewOptimizer[float32](m, nil); err == nil {
			ms = append(ms, m)
		} else {
			require.ErrorIs(t, err, optim.ErrFloat64Only, m.Name)
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
				p := lookupProblem(t, name)
				m := lookupMethod(t, mname)
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
				p := lookupProblem(t, name)
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

				o, err := optim.NewOptimizer[float32](m, s)
				require.NoError(t, err)
				x := make([]float32, p.Dim())
				optim.ParamsTo(x, start)
				_, err = o.Init(optim.ProblemObjective[float32](p, optim.Careful), x, rand.New(rand.NewPCG(7, 1)))
				require.NoError(t, err)
				allocs := testing.AllocsPerRun(50, func() {
					if _, err := o.Step(x); err != nil && !errors.Is(err, optim.ErrDiverged) {
						t.Fatal(err)
					}
				})
				assert.Zero(t, allocs, "float32 Step allocates")
			})
		}
	}
}

// gonumNames are the optimizers of package optim/gonumopt, which run only
// in float64.
var gonumNames = []string{"lbfgs", "bfgs", "cg", "neldermead", "cmaes"}

func TestFloat32Gonum(t *testing.T) {
	var defined []string
	for _, m := range gonumopt.Methods() {
		defined = append(defined, m.Name)
	}
	require.Equal(t, gonumNames, defined, "gonumopt.Methods")
	for _, name := range gonumNames {
		m := lookupMethod(t, name)
		assert.Nil(t, m.Float32)
		assert.False(t, m.Supports(optim.Float32))
		assert.True(t, m.Supports(optim.Float64))
		_, err := optim.NewOptimizer[float32](m, nil)
		require.ErrorIs(t, err, optim.ErrFloat64Only)
		assert.Contains(t, err.Error(), name)
		assert.Contains(t, err.Error(), "float64")
		o, err := optim.NewOptimizer[float64](m, nil)
		require.NoError(t, err)
		assert.NotNil(t, o)
		closeOptimizer(o)
	}
}

// TestFloat32Constructors: every built-in optimizer but gonum's has a
// float32 constructor, which builds the float32 instance of the float64
// one's type and rejects the settings the float64 one rejects.
func TestFloat32Constructors(t *testing.T) {
	var want, got []string
	for _, m := range catalog.Methods() {
		if !slices.Contains(gonumNames, m.Name) {
			want = append(want, m.Name)
		}
	}
	for _, m := range float32Methods(t) {
		got = append(got, m.Name)
	}
	assert.Equal(t, want, got, "the optimizers that run in float32")
	for _, name := range want {
		t.Run(name, func(t *testing.T) {
			m := lookupMethod(t, name)
			require.NotNil(t, m.Float32)
			assert.True(t, m.Supports(optim.Float32))
			assert.True(t, m.Supports(optim.Float64))
			o64, err := optim.NewOptimizer[float64](m, nil)
			require.NoError(t, err)
			o32, err := optim.NewOptimizer[float32](m, nil)
			require.NoError(t, err)
			// *optim.BackpropOf[float64] and *optim.BackpropOf[float32], …
			n64, n32 := fmt.Sprintf("%T", o64), fmt.Sprintf("%T", o32)
			assert.Equal(t, strings.Replace(n64, "[float64]", "[float32]", 1), n32)
			// A setting outside its range is refused in both arithmetics,
			// naming it as the method spells it.
			p := m.Params[0]
			bad := math.Inf(1)
			if p.Integer {
				bad = 0.5
			}
			_, err64 := optim.NewOptimizer[float64](m, optim.Settings{p.Name: bad})
			_, err32 := optim.NewOptimizer[float32](m, optim.Settings{p.Name: bad})
			requireSettingError(t, err64, name+"."+p.Name)
			requireSettingError(t, err32, name+"."+p.Name)
			assert.Equal(t, err64.Error(), err32.Error())
		})
	}
}

// quickpropPrefix is the number of Quickprop steps compared in
// TestFloat32AgreesWithFloat64 (at 10 steps celsius's secant cancellation
// already amplifies rounding past 1e-5).
const quickpropPrefix = 8
