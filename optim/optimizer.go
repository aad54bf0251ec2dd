package optim

import (
	"math"
	"math/rand/v2"
)

// OptimizerOf minimizes an ObjectiveOf[T] one iteration at a time, in the
// arithmetic T (see Float).
type OptimizerOf[T Float] interface {
	// Init prepares the optimizer to start from x, discarding any previous
	// state, evaluates the objective there and returns the loss at x. Init
	// may allocate; rnd is the only source of randomness the optimizer uses
	// (deterministic optimizers ignore it). Init rejects bad settings with a
	// *SettingError and a wrong len(x) with a *DimError.
	Init(obj ObjectiveOf[T], x []T, rnd *rand.Rand) (loss T, err error)
	// Step performs one iteration (a full-batch epoch, or one generation),
	// updates x in place to the optimizer's current parameters and returns
	// the loss at them. Step must not allocate. When the loss or the
	// parameters stop being finite, Step restores x to the last finite
	// parameters and returns ErrDiverged; later Steps return ErrDiverged too.
	Step(x []T) (loss T, err error)
}

// Optimizer is the float64 OptimizerOf.
type Optimizer = OptimizerOf[float64]

// finite reports whether v is neither NaN nor ±Inf.
func finite[T Float](v T) bool { return v-v == 0 }

// isInf reports whether v is ±Inf.
func isInf[T Float](v T) bool { return math.IsInf(float64(v), 0) }

// resize returns s with length n, reusing its storage when possible.
func resize[T Float](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// exp returns e^z: expf64 in float64 (within 0.52 ulp), rounded once to T.
func exp[T Float](z T) T { return T(expf64(float64(z))) }

// tanh returns tanh z: math.Tanh in float64, rounded once to T.
func tanh[T Float](z T) T { return T(math.Tanh(float64(z))) }

// sqrt returns √z, correctly rounded in T (the float64 square root of a
// float32 rounds to the correctly rounded float32 square root).
func sqrt[T Float](z T) T { return T(math.Sqrt(float64(z))) }

// abs returns |z|.
func abs[T Float](z T) T { return T(math.Abs(float64(z))) }
