package optim

import (
	"math"
	"math/rand/v2"
)

// DefaultMomentum is NesterovOf's momentum when its Momentum is 0, and the
// heavy-ball momentum of the "momentum" optimizer.
const DefaultMomentum = 0.9

// NesterovOf is full-batch gradient descent with Nesterov's accelerated
// momentum in the formulation of Sutskever et al. (2013, eqs. 3–4):
//
//	v ← μ·v − η·∇E(θ + μ·v),  θ ← θ + v,
//
// which evaluates the gradient at the look-ahead point θ + μ·v. Nesterov
// keeps that look-ahead point, φ = θ + μ·v, as its parameters (the
// reformulation of Bengio et al. 2013, and what torch.optim.SGD with
// nesterov=True does), so that each Step needs one gradient evaluation and
// the loss it returns is the loss at the parameters it leaves in x:
//
//	v ← μ·v − η·∇E(φ),  φ ← φ + μ·v − η·∇E(φ).
//
// Substituting φ = θ + μ·v shows that the two forms give the same θ
// sequence; since v starts at 0, φ and θ start at the same point. On a
// quadratic with Hessian eigenvalue λ the iteration is stable for
// η·λ < 2(1 + μ)/(1 + 2μ) (≈ 1.357 at μ = 0.9), a tighter bound than plain
// gradient descent's 2 (Backprop) or heavy-ball momentum's 2(1 + μ).
// The zero value is usable: every zero setting means its default.
//
//	Sutskever, I., Martens, J., Dahl, G., Hinton, G.: On the importance of
//	initialization and momentum in deep learning. ICML 2013, pp. 1139–1147.
//	Bengio, Y., Boulanger-Lewandowski, N., Pascanu, R.: Advances in optimizing
//	recurrent networks. ICASSP 2013.
type NesterovOf[T Float] struct {
	// LearningRate is the step size η. If LearningRate is 0,
	// DefaultLearningRate is used.
	LearningRate float64
	// Momentum is μ in (0, 1). If Momentum is 0, DefaultMomentum is used.
	Momentum float64

	firstOrder[T]
	vel    []T
	lr, mu T
}

// Nesterov is the float64 NesterovOf.
type Nesterov = NesterovOf[float64]

var (
	_ Optimizer            = (*Nesterov)(nil)
	_ OptimizerOf[float32] = (*NesterovOf[float32])(nil)
)

// Check reports whether the settings are valid (a *SettingError if not)
// without evaluating anything; Init runs the same check.
func (n *NesterovOf[T]) Check() error {
	_, _, err := n.settings()
	return err
}

func (n *NesterovOf[T]) settings() (lr, mu float64, err error) {
	lr, mu = n.LearningRate, n.Momentum
	if lr == 0 {
		lr = DefaultLearningRate
	}
	if mu == 0 {
		mu = DefaultMomentum
	}
	if !(lr > 0) || math.IsInf(lr, 0) {
		return 0, 0, &SettingError{"nesterov.lr", n.LearningRate, "a finite number > 0"}
	}
	if !(mu > 0 && mu < 1) {
		return 0, 0, &SettingError{"nesterov.momentum", n.Momentum, "a number in (0, 1)"}
	}
	return lr, mu, nil
}

// Init implements Optimizer.
func (n *NesterovOf[T]) Init(obj ObjectiveOf[T], x []T, _ *rand.Rand) (T, error) {
	n.inited = false
	lr, mu, err := n.settings()
	if err != nil {
		return 0, err
	}
	n.lr, n.mu = T(lr), T(mu)
	n.vel = resize(n.vel, obj.Dim())
	clear(n.vel)
	return n.start(obj, x)
}

// Step implements Optimizer. It costs one gradient evaluation, at the new
// look-ahead point; the gradient is kept for the next Step.
func (n *NesterovOf[T]) Step(x []T) (T, error) {
	if loss, err := n.ready(x); err != nil {
		return loss, err
	}
	g, v, last := n.grad[:len(x)], n.vel[:len(x)], n.last[:len(x)]
	lr, mu := n.lr, n.mu
	bad := false
	for i, xi := range x {
		last[i] = xi
		step := -lr * g[i]
		vi := mu*v[i] + step
		xi += mu*vi + step
		v[i], x[i] = vi, xi
		if xi-xi != 0 {
			bad = true
		}
	}
	return n.finish(x, bad)
}
