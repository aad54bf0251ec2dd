package gonumopt

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
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

// blRun trains p with method name (per-problem defaults, overridden by
// extra) from the start drawn from PCG(seed, 0), with PCG(seed, 1) for the
// optimizer, for iters Steps or until stop reports true. It returns the
// losses (Init first), the final x and the Steps taken.
func blRun(t testing.TB, name string, extra optim.Settings, p *optim.Problem, seed uint64, iters int,
	stop func(x []float64, loss float64) bool) (losses, x []float64, steps int) {
	t.Helper()
	m := testMethod(t, name)
	s := m.SettingsFor(p)
	for k, v := range extra {
		s[k] = v
	}
	o, err := m.New(s)
	require.NoError(t, err)
	if c, ok := o.(interface{ Close() error }); ok {
		defer c.Close()
	}
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

func blBitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
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

// requireSettingError checks that err is a *SettingError naming field, in
// its Field and in its message.
func requireSettingError(t *testing.T, err error, field string) {
	t.Helper()
	var se *optim.SettingError
	require.True(t, errors.As(err, &se), "got %T %v, want a *SettingError", err, err)
	assert.Equal(t, field, se.Field)
	assert.Contains(t, err.Error(), field)
}
