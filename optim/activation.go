package optim

import "fmt"

// Activation is a neuron's transfer function.
type Activation int

const (
	// Sigmoid is the logistic function σ(z) = 1/(1+e^{−z}), with σ' = σ(1−σ)
	// (computed as σ(z)·σ(−z) in careful evaluation, see EvalMode).
	Sigmoid Activation = iota
	// Tanh is the hyperbolic tangent, with tanh' = 1 − tanh².
	Tanh
	// Linear is the identity, with derivative 1.
	Linear
)

// String returns the activation's lower-case name.
func (a Activation) String() string {
	switch a {
	case Sigmoid:
		return "sigmoid"
	case Tanh:
		return "tanh"
	case Linear:
		return "linear"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// apply returns the activation a of z.
func apply[T Float](a Activation, z T) T {
	switch a {
	case Sigmoid:
		return sigmoid(z)
	case Tanh:
		return tanh(z)
	}
	return z
}

// sigmoid returns the logistic function 1/(1+e^{−z}).
func sigmoid[T Float](z T) T { return 1 / (1 + exp(-z)) }

// activatePair is activate for the careful evaluation of sigmoid layers:
// it replaces every z[i] by σ(z[i]) and stores its complement
// σ(−z[i]) = 1 − σ(z[i]) in comp[i], both without cancellation: with
// e = exp(−|z|) ≤ 1, σ(|z|) = 1/(1+e) and σ(−|z|) = e/(1+e) = e·σ(|z|),
// each within a few ulps (relative) for every z, where 1 − sigmoid(z)
// rounds to 0 for z > 53·ln 2 ≈ 36.7 and sigmoid(z) itself is 0 for
// z < −709.8 (exp(−z) overflows) although σ(z) ≥ 2⁻¹⁰⁷⁴ down to
// z ≈ −744.4. For z ≥ 0, σ(z) is bit-identical to sigmoid(z); for z < 0
// it may differ in the last bits. NaN gives NaNs. comp must be at least as
// long as z.
func activatePair[T Float](z, comp []T) {
	comp = comp[:len(z)]
	for i, v := range z {
		comp[i] = min(v, -v)
	}
	expInto(comp)
	for i, v := range z {
		// Written out here: as a function it would not be inlined.
		e := comp[i]
		s := 1 / (1 + e)
		c := e * s
		if v < 0 {
			s, c = c, s
		}
		z[i], comp[i] = s, c
	}
}

// activate replaces every z[i] by a.apply(z[i]), with the switch on a
// hoisted out of the loop.
func activate[T Float](a Activation, z []T) {
	switch a {
	case Sigmoid:
		// sigmoid(v) = 1/(1 + exp(−v)), with the exponentials of the block
		// in one call; where expSIMD is set (and z holds at least
		// sigmoidVectorMin values), a kernel computes the groups of four up
		// to the first one outside exp's fast range, with the same bits,
		// and the loops below the rest.
		if expSIMD && len(z) >= sigmoidVectorMin {
			z = z[sigmoidVector(z):]
		}
		for i, v := range z {
			z[i] = -v
		}
		expInto(z)
		for i, e := range z {
			z[i] = 1 / (1 + e)
		}
	case Tanh:
		for i, v := range z {
			z[i] = tanh(v)
		}
	}
}

// deriv returns the derivative of the activation a expressed through its
// output y.
func deriv[T Float](a Activation, y T) T {
	switch a {
	case Sigmoid:
		return y * (1 - y)
	case Tanh:
		return 1 - y*y
	}
	return 1
}
