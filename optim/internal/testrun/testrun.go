// Package testrun holds the test helpers that the test suites of optim's
// subpackages (catalog, gonumopt) share: a short training run of a method,
// bitwise comparison, a separable quadratic objective and a check for
// *optim.SettingError. It is internal: a user's tests use optimtest.
package testrun

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
)

// Run trains p with m (its settings for p, overridden by extra) from the
// start drawn from PCG(seed, 0), with PCG(seed, 1) for the optimizer, for
// iters Steps or until stop reports true. It returns the losses (Init's
// first), the final x and the Steps taken.
func Run(t testing.TB, m optim.Method, extra optim.Settings, p *optim.Problem, seed uint64, iters int,
	stop func(x []float64, loss float64) bool) (losses, x []float64, steps int) {
	t.Helper()
	s := m.SettingsFor(p)
	for k, v := range extra {
		s[k] = v
	}
	o, err := m.New(s)
	require.NoError(t, err)
	if c, ok := o.(io.Closer); ok {
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

// BitsEqual reports whether a and b hold bitwise identical floats.
func BitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
}

// RequireSettingError checks that err is a *optim.SettingError naming
// field, in its Field and in its message.
func RequireSettingError(t *testing.T, err error, field string) {
	t.Helper()
	var se *optim.SettingError
	require.True(t, errors.As(err, &se), "got %T %v, want a *SettingError", err, err)
	assert.Equal(t, field, se.Field)
	assert.Contains(t, err.Error(), field)
}

// Quad is E(x) = Σ A_i·(x_i − C_i)², separable, with minimum 0 at C.
type Quad struct{ A, C []float64 }

// Dim returns len(A).
func (q *Quad) Dim() int { return len(q.A) }

// Loss returns E(x).
func (q *Quad) Loss(x []float64) float64 {
	e := 0.0
	for i, a := range q.A {
		d := x[i] - q.C[i]
		e += a * d * d
	}
	return e
}

// Grad stores ∇E(x) in grad and returns E(x).
func (q *Quad) Grad(grad, x []float64) float64 {
	for i, a := range q.A {
		grad[i] = 2 * a * (x[i] - q.C[i])
	}
	return q.Loss(x)
}
