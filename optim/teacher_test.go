package optim

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTeacher checks the teacher–student problem: its loss is exactly 0 at
// the teacher's weights (the targets are this package's own forward pass
// at them), the parameter error is 0 there and at every equivalent weight
// vector (hidden units permuted, a tanh unit's signs flipped: exact
// operations), and measures a perturbation exactly, without allocating.
func TestTeacher(t *testing.T) {
	p := Teacher()
	require.NoError(t, p.Validate())
	for _, e := range []EvalMode{Plain, Careful} {
		assert.Equal(t, 0.0, p.ObjectiveEval(e).Loss(p.Optimum), "loss at the teacher, %v", e)
	}
	assert.Equal(t, 0.0, p.ParamError(p.Optimum))

	in, h := teacherLayout(p.Net)
	// Swap the two hidden units and flip the first's signs.
	x := append([]float64(nil), p.Optimum...)
	for j := range in {
		x[j], x[in+j] = x[in+j], x[j]
	}
	x[h*in], x[h*in+1] = x[h*in+1], x[h*in]
	x[h*in+h], x[h*in+h+1] = x[h*in+h+1], x[h*in+h]
	for j := range in {
		x[j] = -x[j]
	}
	x[h*in], x[h*in+h] = -x[h*in], -x[h*in+h]
	assert.Equal(t, 0.0, p.ParamError(x), "an equivalent weight vector is at distance 0")
	// The function is the same: the loss is 0 but for the sums' order.
	assert.LessOrEqual(t, p.Objective().Loss(x), 1e-28)

	y := append([]float64(nil), p.Optimum...)
	y[2] += 1e-3
	assert.InDelta(t, 1e-3, p.ParamError(y), 1e-15, "a perturbation of 1e-3 is measured (up to the rounding of the sum)")
	y[2] = math.NaN()
	assert.True(t, math.IsNaN(p.ParamError(y)))
	allocs := testing.AllocsPerRun(100, func() { p.ParamError(x) })
	assert.Equal(t, 0.0, allocs)
	// Two builds are the same problem.
	assert.Equal(t, p.Fingerprint(), Teacher().Fingerprint())
}
