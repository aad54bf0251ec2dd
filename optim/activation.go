package optim

import (
	"fmt"
	"math"
)

// Activation is a neuron's transfer function.
type Activation int

const (
	// Sigmoid is the logistic function σ(z) = 1/(1+e^{−z}), with σ' = σ(1−σ).
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

// apply returns the activation of z.
func (a Activation) apply(z float64) float64 {
	switch a {
	case Sigmoid:
		return sigmoid(z)
	case Tanh:
		return math.Tanh(z)
	}
	return z
}

// sigmoid returns the logistic function 1/(1+e^{−z}).
func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// activate replaces every z[i] by a.apply(z[i]), with the switch on a
// hoisted out of the loop.
func activate(a Activation, z []float64) {
	switch a {
	case Sigmoid:
		for i, v := range z {
			z[i] = sigmoid(v)
		}
	case Tanh:
		for i, v := range z {
			z[i] = math.Tanh(v)
		}
	}
}

// deriv returns the derivative of the activation expressed through its
// output y.
func (a Activation) deriv(y float64) float64 {
	switch a {
	case Sigmoid:
		return y * (1 - y)
	case Tanh:
		return 1 - y*y
	}
	return 1
}
