package gonumopt

import (
	"testing"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/internal/testrun"
)

// Helpers of the gonum tests, from package optim's tests (where these tests
// lived). This package cannot import optim/catalog (catalog imports it), so
// problems are built by optim's constructors and methods come from Methods.

// testProblem returns the freshly built optim problem called name.
func testProblem(t testing.TB, name string) *optim.Problem {
	t.Helper()
	for _, p := range []*optim.Problem{optim.Seed3(), optim.Celsius(), optim.XOR(), optim.Parity4(), optim.Spirals(),
		optim.LinSep(128, 8, 1), optim.CelsiusTF()} {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no built-in problem %q", name)
	return nil
}

// testMethod returns the definition called name from Methods.
func testMethod(t testing.TB, name string) optim.Method {
	t.Helper()
	for _, m := range Methods() {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no gonum method %q", name)
	return optim.Method{}
}

// blRun trains p with the gonum method name; see testrun.Run.
func blRun(t testing.TB, name string, extra optim.Settings, p *optim.Problem, seed uint64, iters int,
	stop func(x []float64, loss float64) bool) (losses, x []float64, steps int) {
	t.Helper()
	return testrun.Run(t, testMethod(t, name), extra, p, seed, iters, stop)
}

// blBitsEqual reports whether a and b hold bitwise identical floats.
var blBitsEqual = testrun.BitsEqual

// requireSettingError checks that err is a *SettingError naming field.
var requireSettingError = testrun.RequireSettingError
