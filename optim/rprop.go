package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RpropVariant selects one of the four published Rprop algorithms.
type RpropVariant int

const (
	// IRpropMinus is iRprop− (Igel & Hüsken 2000): on a sign change the step
	// shrinks, the gradient is taken as zero, the weight does not move this
	// iteration and the next iteration does not adapt the step. It is what
	// PyTorch's torch.optim.Rprop implements. It is the zero value.
	IRpropMinus RpropVariant = iota
	// IRpropPlus is iRprop+ (Igel & Hüsken 2000): like Rprop+, but the
	// previous weight change is undone only when the loss rose.
	IRpropPlus
	// RpropPlus is Rprop+ (Riedmiller & Braun 1993): on a sign change the
	// step shrinks and the previous weight change is undone (backtracking).
	RpropPlus
	// RpropMinus is Rprop− (Riedmiller 1994): steps adapt on sign changes
	// but the weights always move by −sign(g)·Δ, with no backtracking.
	RpropMinus
)

// String returns the variant's name as optbench spells it: "irprop-",
// "irprop+", "rprop+" or "rprop-".
func (v RpropVariant) String() string {
	switch v {
	case IRpropMinus:
		return "irprop-"
	case IRpropPlus:
		return "irprop+"
	case RpropPlus:
		return "rprop+"
	case RpropMinus:
		return "rprop-"
	}
	return fmt.Sprintf("RpropVariant(%d)", int(v))
}

// The defaults of RpropOf's settings, used for zero fields (Riedmiller &
// Braun 1993; Igel & Hüsken 2000; as torch.optim.Rprop except Δmin, which
// PyTorch sets to 1e-6 too).
const (
	DefaultRpropEtaPlus  = 1.2  // step increase factor η+
	DefaultRpropEtaMinus = 0.5  // step decrease factor η−
	DefaultRpropDelta0   = 0.1  // initial step Δ0
	DefaultRpropDeltaMax = 50   // largest step Δmax
	DefaultRpropDeltaMin = 1e-6 // smallest step Δmin
)

// RpropOf is resilient backpropagation: every parameter has its own step Δ,
// which grows by EtaPlus while the gradient keeps its sign and shrinks by
// EtaMinus when it flips; the parameter moves by Δ against the gradient's
// sign. The common rule, with p = g(t−1)·g(t):
//
//	p > 0: Δ ← min(Δ·η+, Δmax);  p < 0: Δ ← max(Δ·η−, Δmin);  p = 0: Δ unchanged,
//
// and Variant fixes what happens on a sign change (see RpropVariant).
// The zero value is iRprop− with the defaults below.
//
//	Riedmiller, M., Braun, H.: A direct adaptive method for faster backpropagation
//	learning: the RPROP algorithm. ICNN 1993, pp. 586–591.
//	Igel, C., Hüsken, M.: Improving the Rprop learning algorithm. NC 2000, pp. 115–121.
type RpropOf[T Float] struct {
	// Variant selects the algorithm; the zero value is iRprop−.
	Variant RpropVariant
	// EtaPlus is the step increase factor (> 1). If EtaPlus is 0,
	// DefaultRpropEtaPlus is used.
	EtaPlus float64
	// EtaMinus is the step decrease factor, in (0, 1). If EtaMinus is 0,
	// DefaultRpropEtaMinus is used.
	EtaMinus float64
	// Delta0 is every parameter's initial step. If Delta0 is 0,
	// DefaultRpropDelta0 is used.
	Delta0 float64
	// DeltaMax is the largest step. If DeltaMax is 0, DefaultRpropDeltaMax
	// is used.
	DeltaMax float64
	// DeltaMin is the smallest step. If DeltaMin is 0, DefaultRpropDeltaMin
	// is used; a negative DeltaMin means no lower bound (a step of 0 is
	// allowed).
	DeltaMin float64

	firstOrder[T]
	prev, step, dw     []T
	ep, em, dmax, dmin T
	lossPrev           T // the loss before the last Step, for iRprop+
}

// Rprop is the float64 RpropOf.
type Rprop = RpropOf[float64]

var (
	_ Optimizer            = (*Rprop)(nil)
	_ OptimizerOf[float32] = (*RpropOf[float32])(nil)
)

// Check reports whether the settings are valid (a *SettingError if not)
// without evaluating anything; Init runs the same check.
func (r *RpropOf[T]) Check() error { return r.resolve() }

func (r *RpropOf[T]) resolve() error {
	name := r.Variant.String()
	if r.Variant < IRpropMinus || r.Variant > RpropMinus {
		return fmt.Errorf("optim: unknown Rprop variant %d", int(r.Variant))
	}
	def := func(v, d float64) float64 {
		if v == 0 {
			return d
		}
		return v
	}
	ep, em := def(r.EtaPlus, DefaultRpropEtaPlus), def(r.EtaMinus, DefaultRpropEtaMinus)
	d0 := def(r.Delta0, DefaultRpropDelta0)
	dmax, dmin := def(r.DeltaMax, DefaultRpropDeltaMax), def(r.DeltaMin, DefaultRpropDeltaMin)
	if dmin < 0 {
		dmin = 0
	}
	switch {
	case !(ep > 1) || math.IsInf(ep, 0):
		return &SettingError{name + ".eta+", r.EtaPlus, "a finite number > 1"}
	case !(em > 0 && em < 1):
		return &SettingError{name + ".eta-", r.EtaMinus, "a number in (0, 1)"}
	case !(dmax > 0) || math.IsInf(dmax, 0):
		return &SettingError{name + ".delta-max", r.DeltaMax, "a finite number > 0"}
	case math.IsNaN(r.DeltaMin) || dmin > dmax:
		return &SettingError{name + ".delta-min", r.DeltaMin, "a number ≤ delta-max (negative for none)"}
	case !(d0 > 0) || d0 > dmax || d0 < dmin:
		return &SettingError{name + ".delta0", r.Delta0, "a number > 0 within [delta-min, delta-max]"}
	}
	r.ep, r.em, r.dmax, r.dmin = T(ep), T(em), T(dmax), T(dmin)
	return nil
}

// Init implements Optimizer.
func (r *RpropOf[T]) Init(obj ObjectiveOf[T], x []T, _ *rand.Rand) (T, error) {
	r.inited = false
	if err := r.resolve(); err != nil {
		return 0, err
	}
	n := obj.Dim()
	r.prev, r.step, r.dw = resize(r.prev, n), resize(r.step, n), resize(r.dw, n)
	clear(r.prev)
	clear(r.dw)
	d0 := r.Delta0
	if d0 == 0 {
		d0 = 0.1
	}
	for i := range r.step {
		r.step[i] = T(d0)
	}
	r.lossPrev = T(math.Inf(1))
	return r.start(obj, x)
}

// Step implements Optimizer.
func (r *RpropOf[T]) Step(x []T) (T, error) {
	if loss, err := r.ready(x); err != nil {
		return loss, err
	}
	n := len(x)
	g, prev, step, dw, last := r.grad[:n], r.prev[:n], r.step[:n], r.dw[:n], r.last[:n]
	ep, em, dmax, dmin := r.ep, r.em, r.dmax, r.dmin
	// Each loop saves x in last (for fail) and checks that the new
	// parameters are finite: chk stays 0 unless some x·0 is NaN.
	var chk T
	switch r.Variant {
	case IRpropMinus:
		for i, xi := range x {
			last[i] = xi
			gi, st := g[i], step[i]
			if p := prev[i] * gi; p > 0 {
				st = min(st*ep, dmax)
			} else if p < 0 {
				st = max(st*em, dmin)
				gi = 0
			}
			if gi > 0 {
				xi -= st
			} else if gi < 0 {
				xi += st
			}
			step[i], prev[i], x[i] = st, gi, xi
			chk += xi * 0
		}
	case RpropMinus:
		for i, xi := range x {
			last[i] = xi
			gi, st := g[i], step[i]
			if p := prev[i] * gi; p > 0 {
				st = min(st*ep, dmax)
			} else if p < 0 {
				st = max(st*em, dmin)
			}
			if gi > 0 {
				xi -= st
			} else if gi < 0 {
				xi += st
			}
			step[i], prev[i], x[i] = st, gi, xi
			chk += xi * 0
		}
	case RpropPlus, IRpropPlus:
		rose := r.Variant == RpropPlus || r.loss > r.lossPrev
		for i, xi := range x {
			last[i] = xi
			gi, st := g[i], step[i]
			if p := prev[i] * gi; p < 0 {
				st = max(st*em, dmin)
				if rose {
					xi -= dw[i]
				}
				dw[i], prev[i] = 0, 0
			} else {
				if p > 0 {
					st = min(st*ep, dmax)
				}
				var d T
				if gi > 0 {
					d = -st
				} else if gi < 0 {
					d = st
				}
				xi += d
				dw[i], prev[i] = d, gi
			}
			step[i], x[i] = st, xi
			chk += xi * 0
		}
	}
	before := r.loss
	loss, err := r.finish(x, chk != 0)
	if err == nil {
		r.lossPrev = before
	}
	return loss, err
}
