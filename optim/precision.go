package optim

import (
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

// ProblemObjective returns a fresh loss for the problem in the
// arithmetic T, evaluating sigmoid units in e (see EvalMode); the data are
// rounded to T once.
func ProblemObjective[T Float](p *Problem, e EvalMode) *MSEOf[T] {
	m, err := NewMSEOf[T](p.Net, p.Data)
	if err != nil {
		panic(fmt.Sprintf("optim: problem %q is malformed (check it with Problem.Validate): %v", p.Name, err))
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
