package optim

import (
	"fmt"
	"strings"
)

// EvalMode selects how an MSE evaluates its sigmoid units. The zero value
// is Plain.
type EvalMode int

const (
	// Plain is the textbook arithmetic of the tutorial: σ(z) = 1/(1+e^{−z}),
	// the residual σ(z) − y and the derivative σ(1 − σ), all computed from
	// σ(z) alone. Since σ(z) rounds to exactly 1 for z > 53·ln 2 ≈ 36.7, the
	// residual of a target-1 output is then 0 and its derivative 0; below
	// that it is a multiple of 2⁻⁵³, so the loss of saturated target-1
	// outputs is quantized (0, or ≥ 2⁻¹⁰⁶ ≈ 1.2e-32 per output) and its
	// gradient is a few-ulp difference. Likewise σ(z) is 0 for z < −709.8,
	// where e^{−z} overflows.
	Plain EvalMode = iota
	// Careful computes, for every sigmoid unit, σ(z) and σ(−z) = 1 − σ(z)
	// from e = exp(−|z|) without cancellation (σ(|z|) = 1/(1+e),
	// σ(−|z|) = e·σ(|z|)), each to a few ulps relative for every z. A
	// sigmoid output with target exactly 1 has the residual −σ(−z) (other
	// targets: σ(z) − y), and σ' = σ(z)·σ(−z), in the output delta and in
	// the back-propagated delta of sigmoid hidden units. Tanh and linear
	// units are evaluated as in Plain; so are Predict and Classified. For
	// z ≥ 0, σ(z) is bit-identical to Plain's, for z < 0 it may differ in
	// the last bits.
	Careful
)

// String returns "plain" or "careful".
func (e EvalMode) String() string {
	switch e {
	case Plain:
		return "plain"
	case Careful:
		return "careful"
	}
	return fmt.Sprintf("EvalMode(%d)", int(e))
}

// EvalModeNames returns the names ParseEvalMode accepts.
func EvalModeNames() []string { return []string{Careful.String(), Plain.String()} }

// ParseEvalMode returns the EvalMode named s ("careful" or "plain").
func ParseEvalMode(s string) (EvalMode, error) {
	for _, e := range []EvalMode{Careful, Plain} {
		if s == e.String() {
			return e, nil
		}
	}
	return 0, fmt.Errorf("optim: unknown loss evaluation %q; want %s", s, strings.Join(EvalModeNames(), " or "))
}

// carefulResidual returns σ(z) − y given s = σ(z) and c = σ(−z): −c when
// y is 1, free of the cancellation of s − 1, and s − y otherwise.
func carefulResidual[T Float](s, c, y T) T {
	if y == 1 {
		return -c
	}
	return s - y
}

// carefulSquares returns sum plus the squared careful residuals (see
// carefulResidual) of the outputs s with complements c and targets y, in
// order.
func carefulSquares[T Float](sum T, s, c, y []T) T {
	c, y = c[:len(s)], y[:len(s)]
	for k, v := range s {
		r := carefulResidual(v, c[k], y[k])
		sum += r * r
	}
	return sum
}
