package optim

import (
	"math"
	"math/rand/v2"
)

// The defaults of AdamOf's settings, used for zero fields: Keras's
// (tf.keras.optimizers.Adam).
const (
	DefaultAdamLearningRate = 0.001
	DefaultAdamBeta1        = 0.9
	DefaultAdamBeta2        = 0.999
	DefaultAdamEpsilon      = 1e-7
)

// AdamOf is full-batch Adam (Kingma & Ba 2015) in the form Keras and
// TensorFlow implement, with ε added to √v ("epsilon hat") and the bias
// corrections folded into the step size. At step t = 1, 2, …, with
// g = ∇E(θ):
//
//	m ← β1·m + (1 − β1)·g
//	v ← β2·v + (1 − β2)·g²
//	α_t = η·√(1 − β2^t) / (1 − β1^t)
//	θ ← θ − α_t·m / (√v + ε̂)
//
// m and v start at 0. With ε̂ = 1e-7 this is tf.keras.optimizers.Adam's
// default; the paper's form, θ ← θ − η·m̂/(√v̂ + ε) with m̂ = m/(1 − β1^t) and
// v̂ = v/(1 − β2^t), is the same rule with ε̂ = ε·√(1 − β2^t). Keras computes
// in float32; this is float64, so trajectories agree with Keras only to
// float32 precision. The zero value is usable: every zero setting means its
// default.
//
//	Kingma, D. P., Ba, J.: Adam: A method for stochastic optimization.
//	ICLR 2015, arXiv:1412.6980.
type AdamOf[T Float] struct {
	// LearningRate is η. If LearningRate is 0, DefaultAdamLearningRate is
	// used.
	LearningRate float64
	// Beta1 is the decay rate of the first moment, in (0, 1). If Beta1 is 0,
	// DefaultAdamBeta1 is used.
	Beta1 float64
	// Beta2 is the decay rate of the second moment, in (0, 1). If Beta2 is 0,
	// DefaultAdamBeta2 is used.
	Beta2 float64
	// Epsilon is ε̂, added to √v. If Epsilon is 0, DefaultAdamEpsilon is used.
	Epsilon float64

	firstOrder[T]
	m, v            []T
	lr, b1, b2, eps float64
	t               int
}

// Adam is the float64 AdamOf.
type Adam = AdamOf[float64]

var (
	_ Optimizer            = (*Adam)(nil)
	_ OptimizerOf[float32] = (*AdamOf[float32])(nil)
)

// Check reports whether the settings are valid (a *SettingError if not)
// without evaluating anything; Init runs the same check.
func (a *AdamOf[T]) Check() error { return a.resolve() }

func (a *AdamOf[T]) resolve() error {
	def := func(v, d float64) float64 {
		if v == 0 {
			return d
		}
		return v
	}
	a.lr, a.b1, a.b2, a.eps = def(a.LearningRate, DefaultAdamLearningRate), def(a.Beta1, DefaultAdamBeta1),
		def(a.Beta2, DefaultAdamBeta2), def(a.Epsilon, DefaultAdamEpsilon)
	switch {
	case !(a.lr > 0) || math.IsInf(a.lr, 0):
		return &SettingError{"adam.lr", a.LearningRate, "a finite number > 0"}
	case !(a.b1 > 0 && a.b1 < 1):
		return &SettingError{"adam.beta1", a.Beta1, "a number in (0, 1)"}
	case !(a.b2 > 0 && a.b2 < 1):
		return &SettingError{"adam.beta2", a.Beta2, "a number in (0, 1)"}
	case !(a.eps > 0) || math.IsInf(a.eps, 0):
		return &SettingError{"adam.epsilon", a.Epsilon, "a finite number > 0"}
	}
	return nil
}

// Init implements Optimizer.
func (a *AdamOf[T]) Init(obj ObjectiveOf[T], x []T, _ *rand.Rand) (T, error) {
	a.inited = false
	if err := a.resolve(); err != nil {
		return 0, err
	}
	n := obj.Dim()
	a.m, a.v = resize(a.m, n), resize(a.v, n)
	clear(a.m)
	clear(a.v)
	a.t = 0
	return a.start(obj, x)
}

// Step implements Optimizer. It costs one gradient evaluation, at the new
// parameters; the gradient is kept for the next Step.
func (a *AdamOf[T]) Step(x []T) (T, error) {
	if loss, err := a.ready(x); err != nil {
		return loss, err
	}
	a.t++
	t := float64(a.t)
	alpha := T(a.lr * math.Sqrt(1-math.Pow(a.b2, t)) / (1 - math.Pow(a.b1, t)))
	b1, b2, eps := T(a.b1), T(a.b2), T(a.eps)
	g, m, v, last := a.grad[:len(x)], a.m[:len(x)], a.v[:len(x)], a.last[:len(x)]
	bad := false
	for i, xi := range x {
		last[i] = xi
		gi := g[i]
		mi := b1*m[i] + (1-b1)*gi
		vi := b2*v[i] + (1-b2)*gi*gi
		xi -= alpha * mi / (sqrt(vi) + eps)
		m[i], v[i], x[i] = mi, vi, xi
		if xi-xi != 0 {
			bad = true
		}
	}
	return a.finish(x, bad)
}
