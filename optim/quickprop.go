package optim

import (
	"math"
	"math/rand/v2"
)

// DefaultMaxGrowth is QuickpropOf's maximum growth factor μ when its
// MaxGrowth is 0 (Fahlman's value).
const DefaultMaxGrowth = 1.75

// QuickpropOf is Fahlman's (1988) quickprop on the full-batch gradient. Each
// weight is treated as an independent parabola: from its slope g(t) =
// ∂E/∂w now and g(t−1) at the previous weight, the secant step to the
// parabola's minimum is
//
//	Δw(t) = r·Δw(t−1),  r = g(t) / (g(t−1) − g(t)),
//
// limited by the maximum growth factor μ, plus a gradient-descent term.
// Exactly, per weight, with Δw(0) = 0 and g(0) taken as 0:
//
//	same   = g(t)·g(t−1) > 0                         (slope kept its sign)
//	if same and |g(t)| ≥ μ/(1+μ)·|g(t−1)|: r = μ      (secant would grow the step by
//	                                                   more than μ, or reverse it uphill)
//	else if g(t) = g(t−1):                  r = 0      (both 0)
//	else:                                   r = g(t)/(g(t−1) − g(t))   (|r| < μ)
//	Δw(t) = r·Δw(t−1)
//	if same or Δw(t−1) = 0:  Δw(t) −= ε·g(t)
//	w ← w + Δw(t)
//
// So |r| ≤ μ: the quadratic part of a step is never more than μ times the
// previous step, and a slope that kept its sign but did not shrink enough
// (a concave or nearly straight secant) gets the step μ·Δw(t−1) in the same
// direction, which is Fahlman's "maximum growth factor" rule. The
// gradient-descent term is added when the slope kept its sign or the weight
// did not move last time (the first step is therefore plain gradient
// descent, Δw = −ε·g); after a sign change the secant step alone, which then
// lies between the last two weights, is taken.
//
// This is the rule as the paper's text states it. Code derived from
// Fahlman's reportedly tests the slope's sign against the direction of
// Δw(t−1) instead of against g(t−1) (not verified here); the two differ only
// when g(t−1) and Δw(t−1) had the same sign, after an overshoot. Fahlman's
// additions that change the network rather than the optimizer (weight decay,
// a 0.1 offset on σ′, the hyperbolic-arctangent error) are not included.
// The zero value is usable: every zero setting means its default.
//
//	Fahlman, S. E.: An empirical study of learning speed in back-propagation
//	networks. Technical report CMU-CS-88-162, Carnegie Mellon University, 1988.
type QuickpropOf[T Float] struct {
	// LearningRate is ε, the gradient-descent coefficient. If LearningRate
	// is 0, DefaultLearningRate is used.
	LearningRate float64
	// MaxGrowth is μ > 0, the largest ratio between consecutive quadratic
	// steps. If MaxGrowth is 0, DefaultMaxGrowth is used.
	MaxGrowth float64

	firstOrder[T]
	prev, dw        []T
	eps, mu, shrink T
}

// Quickprop is the float64 QuickpropOf.
type Quickprop = QuickpropOf[float64]

var (
	_ Optimizer            = (*Quickprop)(nil)
	_ OptimizerOf[float32] = (*QuickpropOf[float32])(nil)
)

// Check reports whether the settings are valid (a *SettingError if not)
// without evaluating anything; Init runs the same check.
func (q *QuickpropOf[T]) Check() error {
	_, _, err := q.settings()
	return err
}

func (q *QuickpropOf[T]) settings() (eps, mu float64, err error) {
	eps, mu = q.LearningRate, q.MaxGrowth
	if eps == 0 {
		eps = DefaultLearningRate
	}
	if mu == 0 {
		mu = DefaultMaxGrowth
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return 0, 0, &SettingError{"quickprop.lr", q.LearningRate, "a finite number > 0"}
	}
	if !(mu > 0) || math.IsInf(mu, 0) {
		return 0, 0, &SettingError{"quickprop.max-growth", q.MaxGrowth, "a finite number > 0"}
	}
	return eps, mu, nil
}

// Init implements Optimizer.
func (q *QuickpropOf[T]) Init(obj ObjectiveOf[T], x []T, _ *rand.Rand) (T, error) {
	q.inited = false
	eps, mu, err := q.settings()
	if err != nil {
		return 0, err
	}
	n := obj.Dim()
	q.eps, q.mu, q.shrink = T(eps), T(mu), T(mu/(1+mu))
	q.prev, q.dw = resize(q.prev, n), resize(q.dw, n)
	clear(q.prev)
	clear(q.dw)
	return q.start(obj, x)
}

// Step implements Optimizer. It costs one gradient evaluation, at the new
// parameters; the gradient is kept for the next Step.
func (q *QuickpropOf[T]) Step(x []T) (T, error) {
	if loss, err := q.ready(x); err != nil {
		return loss, err
	}
	g, prev, dw, last := q.grad[:len(x)], q.prev[:len(x)], q.dw[:len(x)], q.last[:len(x)]
	eps, mu, shrink := q.eps, q.mu, q.shrink
	bad := false
	for i, xi := range x {
		last[i] = xi
		gi, pi, di := g[i], prev[i], dw[i]
		same := gi*pi > 0
		var r T
		switch {
		case same && abs(gi) >= shrink*abs(pi):
			r = mu
		case gi == pi:
			r = 0
		default:
			r = gi / (pi - gi)
		}
		step := r * di
		if same || di == 0 {
			step -= eps * gi
		}
		xi += step
		dw[i], prev[i], x[i] = step, gi, xi
		if xi-xi != 0 {
			bad = true
		}
	}
	return q.finish(x, bad)
}
