// Package signgd is a user's optimizer for optbench: sign gradient descent
// with a decaying step, written once for float32 and float64.
package signgd

import (
	"math"
	"math/rand/v2"

	"github.com/optbench/optbench/optim"
)

// The defaults of SignGD's settings.
const (
	DefaultLearningRate = 0.05
	DefaultDecay        = 0.995
)

// SignGD is sign gradient descent: every parameter moves by the same step
// against the sign of its partial derivative, θ ← θ − η_t·sign(∇E(θ)),
// and the step decays geometrically, η_t = η·decay^t. Its precision is
// limited by the step: it cannot settle closer to a minimum than η_t.
type SignGD[T optim.Float] struct {
	// LearningRate is η. If 0, DefaultLearningRate is used.
	LearningRate float64
	// Decay multiplies the step after each Step, in (0, 1]. If 0,
	// DefaultDecay is used.
	Decay float64

	obj      optim.ObjectiveOf[T]
	g, prev  []T
	lr, dec  T
	loss     T
	inited   bool
	diverged bool
}

// Init implements optim.OptimizerOf.
func (o *SignGD[T]) Init(obj optim.ObjectiveOf[T], x []T, _ *rand.Rand) (T, error) {
	o.inited = false
	if len(x) != obj.Dim() {
		return 0, &optim.DimError{Got: len(x), Want: obj.Dim()}
	}
	lr, dec := o.LearningRate, o.Decay
	if lr == 0 {
		lr = DefaultLearningRate
	}
	if dec == 0 {
		dec = DefaultDecay
	}
	if !(lr > 0) || math.IsInf(lr, 0) {
		return 0, &optim.SettingError{Field: "signgd.lr", Value: lr, Allowed: "a finite number > 0"}
	}
	if !(dec > 0 && dec <= 1) {
		return 0, &optim.SettingError{Field: "signgd.decay", Value: dec, Allowed: "a number in (0, 1]"}
	}
	o.obj, o.lr, o.dec = obj, T(lr), T(dec)
	if len(o.g) != len(x) {
		o.g, o.prev = make([]T, len(x)), make([]T, len(x))
	}
	o.loss = obj.Grad(o.g, x)
	if o.loss-o.loss != 0 {
		return o.loss, optim.ErrDiverged
	}
	o.inited, o.diverged = true, false
	return o.loss, nil
}

// Step implements optim.OptimizerOf: one sign step with the gradient at x,
// then the gradient at the new x. When the loss stops being finite it
// restores x and returns optim.ErrDiverged, then and on every later Step.
func (o *SignGD[T]) Step(x []T) (T, error) {
	switch {
	case !o.inited:
		return 0, optim.ErrNotInitialized
	case len(x) != len(o.g):
		return 0, &optim.DimError{Got: len(x), Want: len(o.g)}
	case o.diverged:
		return o.loss, optim.ErrDiverged
	}
	copy(o.prev, x)
	for i, g := range o.g {
		switch {
		case g > 0:
			x[i] -= o.lr
		case g < 0:
			x[i] += o.lr
		}
	}
	loss := o.obj.Grad(o.g, x)
	if loss-loss != 0 {
		copy(x, o.prev)
		o.diverged = true
		return o.loss, optim.ErrDiverged
	}
	o.loss = loss
	o.lr *= o.dec
	return loss, nil
}

// Method returns SignGD's definition for optbench: register it with
// optim.RegisterMethod to run it beside the built-ins.
func Method() optim.Method {
	settings := func(s optim.Settings) (lr, decay float64) { return s["lr"], s["decay"] }
	return optim.Method{
		Name: "signgd",
		Doc:  "sign gradient descent with a geometrically decaying step",
		Params: []optim.Param{
			{Name: "lr", Default: DefaultLearningRate, Doc: "initial step η, > 0", Bounded: true, Min: 0, MinOpen: true, Max: math.Inf(1)},
			{Name: "decay", Default: DefaultDecay, Doc: "step factor per iteration, in (0, 1]", Bounded: true, Min: 0, MinOpen: true, Max: 1},
		},
		Float64: func(s optim.Settings) (optim.Optimizer, error) {
			lr, d := settings(s)
			return &SignGD[float64]{LearningRate: lr, Decay: d}, nil
		},
		Float32: func(s optim.Settings) (optim.OptimizerOf[float32], error) {
			lr, d := settings(s)
			return &SignGD[float32]{LearningRate: lr, Decay: d}, nil
		},
	}
}
