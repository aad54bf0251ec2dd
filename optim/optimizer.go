package optim

import (
	"math"
	"math/rand/v2"
)

// Optimizer minimizes an Objective one iteration at a time.
type Optimizer interface {
	// Init prepares the optimizer to start from x, discarding any previous
	// state, evaluates the objective there and returns the loss at x. Init
	// may allocate; rnd is the only source of randomness the optimizer uses
	// (deterministic optimizers ignore it). Init rejects bad settings with a
	// *SettingError and a wrong len(x) with a *DimError.
	Init(obj Objective, x []float64, rnd *rand.Rand) (loss float64, err error)
	// Step performs one iteration (a full-batch epoch, or one generation),
	// updates x in place to the optimizer's current parameters and returns
	// the loss at them. Step must not allocate. When the loss or the
	// parameters stop being finite, Step restores x to the last finite
	// parameters and returns ErrDiverged; later Steps return ErrDiverged too.
	Step(x []float64) (loss float64, err error)
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// resize returns s with length n, reusing its storage when possible.
func resize(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n)
}
