package catalog_test

import (
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
	"github.com/optbench/optbench/optim/internal/testrun"
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
var bitsEqual = testrun.BitsEqual

var determinismProblems = []string{"seed3", "celsius", "xor", "parity4"}

// requireSettingError checks that err is a *SettingError naming field.
var requireSettingError = testrun.RequireSettingError

// blRun trains p with the registered method name; see testrun.Run.
func blRun(t testing.TB, name string, extra optim.Settings, p *optim.Problem, seed uint64, iters int,
	stop func(x []float64, loss float64) bool) (losses, x []float64, steps int) {
	t.Helper()
	return testrun.Run(t, lookupMethod(t, name), extra, p, seed, iters, stop)
}
