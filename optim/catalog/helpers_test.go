package catalog_test

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
)

// The tests of the catalogue: every built-in optimizer and problem as the
// runner sees them, through their definitions and the registry that
// importing catalog fills. The tests of the optimizers' and problems' own
// behaviour (update rules, data, gradients) are in package optim.

// testSettings returns m's per-problem defaults on p, as bench applies them
// (Method.ProblemDefaults, overridden by Problem.Defaults), in a fresh map.
func testSettings(t testing.TB, p *optim.Problem, m optim.Method) optim.Settings {
	t.Helper()
	s := m.SettingsFor(p)
	require.NotNil(t, s)
	return s
}

// lookupMethod returns the registered optimizer called name.
func lookupMethod(t testing.TB, name string) optim.Method {
	t.Helper()
	m, err := optim.LookupMethod(name)
	require.NoError(t, err)
	return m
}

// lookupProblem returns the registered problem called name, freshly built.
func lookupProblem(t testing.TB, name string) *optim.Problem {
	t.Helper()
	p, err := optim.LookupProblem(name)
	require.NoError(t, err)
	return p
}

// builtinProblems returns the catalogue's problems that have a fixed name
// (all but the family linsep-NxF, whose member linsep-128x8 has one),
// freshly built through the registry, in the catalogue's order.
func builtinProblems(t testing.TB) []*optim.Problem {
	t.Helper()
	var ps []*optim.Problem
	for _, d := range catalog.Problems() {
		if d.Prefix == "" {
			ps = append(ps, lookupProblem(t, d.Name))
		}
	}
	return ps
}

// closeOptimizer closes o if it holds resources (the gonum methods run in a
// goroutine).
func closeOptimizer(o any) {
	if c, ok := o.(io.Closer); ok {
		c.Close()
	}
}

// trajectory is the outcome of a run: the loss after Init and after each
// Step, and the final parameters.
type trajectory struct {
	losses []float64
	x      []float64
	err    error
}

// runMethod trains p with m for iters iterations: the starting point is drawn
// from PCG(seed, 0) and the optimizer's randomness from PCG(seed, 1), as the
// bench package does. It stops at the first error.
func runMethod(m optim.Method, settings optim.Settings, p *optim.Problem, seed uint64, iters int) trajectory {
	o, err := m.New(settings)
	if err != nil {
		return trajectory{err: err}
	}
	defer closeOptimizer(o)
	return runOptimizer(o, p, seed, iters)
}

// runOptimizer is runMethod with the optimizer given.
func runOptimizer(o optim.Optimizer, p *optim.Problem, seed uint64, iters int) trajectory {
	obj := p.Objective()
	x := make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
	loss, err := o.Init(obj, x, rand.New(rand.NewPCG(seed, 1)))
	tr := trajectory{losses: []float64{loss}}
	for i := 0; i < iters && err == nil; i++ {
		loss, err = o.Step(x)
		tr.losses = append(tr.losses, loss)
	}
	tr.x, tr.err = x, err
	return tr
}

// bitsEqual reports whether a and b hold bitwise identical floats.
func bitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
}

var determinismProblems = []string{"seed3", "celsius", "xor", "parity4"}

// requireSettingError checks that err is a *SettingError naming field, in
// its Field and in its message.
func requireSettingError(t *testing.T, err error, field string) {
	t.Helper()
	var se *optim.SettingError
	require.True(t, errors.As(err, &se), "got %T %v, want a *SettingError", err, err)
	assert.Equal(t, field, se.Field)
	assert.Contains(t, err.Error(), field)
}

// blRun trains p with method name (per-problem defaults, overridden by
// extra) from the start drawn from PCG(seed, 0), with PCG(seed, 1) for the
// optimizer, for iters Steps or until stop reports true. It returns the
// losses (Init first), the final x and the Steps taken.
func blRun(t testing.TB, name string, extra optim.Settings, p *optim.Problem, seed uint64, iters int,
	stop func(x []float64, loss float64) bool) (losses, x []float64, steps int) {
	t.Helper()
	m := lookupMethod(t, name)
	s := testSettings(t, p, m)
	for k, v := range extra {
		s[k] = v
	}
	o, err := m.New(s)
	require.NoError(t, err)
	defer closeOptimizer(o)
	obj := p.Objective()
	x = make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
	loss, err := o.Init(obj, x, rand.New(rand.NewPCG(seed, 1)))
	require.NoError(t, err)
	losses = append(losses, loss)
	for steps < iters {
		loss, err = o.Step(x)
		require.NoError(t, err, "step %d", steps+1)
		steps++
		losses = append(losses, loss)
		if stop != nil && stop(x, loss) {
			break
		}
	}
	return losses, x, steps
}
