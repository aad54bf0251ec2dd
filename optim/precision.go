package optim

import (
	"errors"
	"fmt"
	"strings"
)

// Precision names an arithmetic: "float32" or "float64".
const (
	Float32 = "float32"
	Float64 = "float64"
)

// PrecisionNames returns the precisions optbench runs in.
func PrecisionNames() []string { return []string{Float32, Float64} }

// ParsePrecision checks that s names a precision ("float32" or "float64").
func ParsePrecision(s string) (string, error) {
	for _, p := range PrecisionNames() {
		if s == p {
			return s, nil
		}
	}
	return "", fmt.Errorf("optim: unknown precision %q; want %s", s, strings.Join(PrecisionNames(), " or "))
}

// PrecisionOf returns the name of T's arithmetic: "float32" or "float64".
func PrecisionOf[T Float]() string {
	var z T
	switch any(z).(type) {
	case float32:
		return Float32
	}
	if T(1)+T(1e-10) == 1 {
		return Float32 // a type whose underlying type is float32
	}
	return Float64
}

// ErrFloat64Only is wrapped by the error NewOptimizer returns for a
// method that runs only in float64 (the gonum wrappers).
var ErrFloat64Only = errors.New("its gonum implementation is float64 only")

// NewOptimizer returns a fresh optimizer of method m with the given
// settings (see Method.New) computing in the arithmetic T. For T = float64
// it is m.New. The gonum methods (lbfgs, bfgs, cg, neldermead, cmaes) work
// on float64 vectors by nature and are rejected for float32 with an error
// wrapping ErrFloat64Only.
func NewOptimizer[T Float](m Method, settings map[string]float64) (OptimizerOf[T], error) {
	o, err := m.New(settings)
	if err != nil {
		return nil, err
	}
	if t, ok := o.(OptimizerOf[T]); ok {
		return t, nil
	}
	switch o := o.(type) {
	case *Backprop:
		return &BackpropOf[T]{LearningRate: o.LearningRate, Momentum: o.Momentum}, nil
	case *Nesterov:
		return &NesterovOf[T]{LearningRate: o.LearningRate, Momentum: o.Momentum}, nil
	case *Rprop:
		return &RpropOf[T]{Variant: o.Variant, EtaPlus: o.EtaPlus, EtaMinus: o.EtaMinus, Delta0: o.Delta0,
			DeltaMax: o.DeltaMax, DeltaMin: o.DeltaMin}, nil
	case *Adam:
		return &AdamOf[T]{LearningRate: o.LearningRate, Beta1: o.Beta1, Beta2: o.Beta2, Epsilon: o.Epsilon}, nil
	case *Quickprop:
		return &QuickpropOf[T]{LearningRate: o.LearningRate, MaxGrowth: o.MaxGrowth}, nil
	case *GA:
		return &GAOf[T]{Population: o.Population, Elite: o.Elite, Tournament: o.Tournament,
			CrossoverRate: o.CrossoverRate, Alpha: o.Alpha, MutationRate: o.MutationRate,
			MutationSigma: o.MutationSigma, InitRange: o.InitRange}, nil
	}
	return nil, fmt.Errorf("optim: %s cannot run in %s: %w (use precision float64 for it)", m.Name, PrecisionOf[T](), ErrFloat64Only)
}

// ProblemObjective returns a fresh loss for the problem in the
// arithmetic T, evaluating sigmoid units in e (see EvalMode); the data are
// rounded to T once.
func ProblemObjective[T Float](p *Problem, e EvalMode) *MSEOf[T] {
	m, err := NewMSEOf[T](p.Net, p.Data)
	if err != nil {
		panic(fmt.Sprintf("optim: built-in problem %q is malformed: %v", p.Name, err))
	}
	m.SetEval(e)
	return m
}

// ParamsTo converts a float64 parameter vector to T (rounding) into dst,
// which must have the same length.
func ParamsTo[T Float](dst []T, src []float64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = T(v)
	}
}

// ParamsFrom converts a T parameter vector to float64 (exactly) into dst.
func ParamsFrom[T Float](dst []float64, src []T) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float64(v)
	}
}
