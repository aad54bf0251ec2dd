package optim

import "math/rand/v2"

// DefaultLearningRate is the learning rate of BackpropOf, NesterovOf and
// QuickpropOf when theirs is 0: on this package's MSE, which has no ½
// factor, 1 is the usual gradient step (problems where it diverges carry
// per-problem defaults, see Problem.Defaults).
const DefaultLearningRate = 1

// BackpropOf is full-batch gradient descent on the gradient computed by
// backpropagation, with optional heavy-ball momentum:
//
//	v ← μ·v − η·∇E(θ),  θ ← θ + v.
//
// With η = 2 on the MSE of seed3 it reproduces the tutorial's update
// w += Xᵀ((y − ŷ)·ŷ(1 − ŷ)), which is step 1 on ½Σ(y − ŷ)².
// The zero value is usable: every zero setting means its default.
type BackpropOf[T Float] struct {
	// LearningRate is the step size η. If LearningRate is 0,
	// DefaultLearningRate is used.
	LearningRate float64
	// Momentum is μ in [0, 1). Zero means plain gradient descent.
	Momentum float64

	firstOrder[T]
	vel    []T
	lr, mu T
}

// Backprop is the float64 BackpropOf.
type Backprop = BackpropOf[float64]

var (
	_ Optimizer            = (*Backprop)(nil)
	_ OptimizerOf[float32] = (*BackpropOf[float32])(nil)
)

// Check reports whether the settings are valid (a *SettingError if not)
// without evaluating anything; Init runs the same check.
func (b *BackpropOf[T]) Check() error {
	_, _, err := b.settings()
	return err
}

func (b *BackpropOf[T]) settings() (lr, mu float64, err error) {
	lr, mu = b.LearningRate, b.Momentum
	if lr == 0 {
		lr = DefaultLearningRate
	}
	if !(lr > 0) || !finite(lr) {
		return 0, 0, &SettingError{"backprop.lr", b.LearningRate, "a finite number > 0"}
	}
	if !(mu >= 0 && mu < 1) {
		return 0, 0, &SettingError{"backprop.momentum", b.Momentum, "a number in [0, 1)"}
	}
	return lr, mu, nil
}

// Init implements Optimizer.
func (b *BackpropOf[T]) Init(obj ObjectiveOf[T], x []T, _ *rand.Rand) (T, error) {
	b.inited = false
	lr, mu, err := b.settings()
	if err != nil {
		return 0, err
	}
	b.lr, b.mu = T(lr), T(mu)
	b.vel = resize(b.vel, obj.Dim())
	clear(b.vel)
	return b.start(obj, x)
}

// Step implements Optimizer.
func (b *BackpropOf[T]) Step(x []T) (T, error) {
	if loss, err := b.ready(x); err != nil {
		return loss, err
	}
	// The loops save x in last (for fail) and check that the new parameters
	// are finite (x − x is 0 exactly when x is finite).
	g, v, last := b.grad[:len(x)], b.vel[:len(x)], b.last[:len(x)]
	lr, mu := b.lr, b.mu
	bad := false
	if mu == 0 {
		for i, xi := range x {
			last[i] = xi
			xi -= lr * g[i]
			x[i] = xi
			if xi-xi != 0 {
				bad = true
			}
		}
	} else {
		for i, xi := range x {
			last[i] = xi
			vi := mu*v[i] - lr*g[i]
			xi += vi
			v[i], x[i] = vi, xi
			if xi-xi != 0 {
				bad = true
			}
		}
	}
	return b.finish(x, bad)
}
