package optim

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFloat32Arithmetic checks that the float32 objective computes in
// float32: its loss differs from the float64 loss at the same point, by no
// more than float32 rounding.
func TestFloat32Arithmetic(t *testing.T) {
	assert.Equal(t, "float32", PrecisionOf[float32]())
	assert.Equal(t, "float64", PrecisionOf[float64]())
	for _, p := range testProblems() {
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
