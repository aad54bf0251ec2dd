package resultsfmt

import (
	"fmt"

	"github.com/optbench/optbench/optim"
)

// TargetKind says what a Target measures.
type TargetKind int

const (
	// LossTarget is reached when the loss is at most Value (the excess
	// loss E − E* on problems whose optimum loss E* is not 0, see
	// bench.OptimumLoss).
	LossTarget TargetKind = iota
	// ParamTarget is reached when the parameters are within Value (max-norm)
	// of the problem's known optimum.
	ParamTarget
	// ClassTarget is reached when every output lies on the right side of 0.5.
	ClassTarget
)

// Target is a goal whose first hit (iteration, evaluations, seconds) each
// run records.
type Target struct {
	Name  string // column key: "loss_1e-07", "param_1e-07", "classified"
	Kind  TargetKind
	Value float64
}

// ParamTolerance is the tutorial's equality tolerance: two numbers are equal
// when they differ by less than 1e-7.
const ParamTolerance = 1e-7

// AllTargets returns every target in column order: losses 1e-1 … 1e-12,
// then the parameter tolerance, then classification. The result is a
// fresh slice.
func AllTargets() []Target { return append([]Target(nil), allTargets...) }

// allTargets is AllTargets, built once.
var allTargets = buildTargets()

// buildTargets returns every target in column order: losses 1e-1 … 1e-12,
// then the parameter tolerance, then classification.
func buildTargets() []Target {
	var ts []Target
	v := 1.0
	for e := 1; e <= 12; e++ {
		v /= 10
		ts = append(ts, Target{Name: fmt.Sprintf("loss_1e-%02d", e), Kind: LossTarget, Value: lossLevel(e)})
	}
	ts = append(ts, Target{Name: "param_1e-07", Kind: ParamTarget, Value: ParamTolerance})
	ts = append(ts, Target{Name: "classified", Kind: ClassTarget})
	return ts
}

// lossLevel returns 10^−e exactly as the decimal literal would parse.
func lossLevel(e int) float64 {
	return [...]float64{1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12}[e]
}

// Applies reports whether target t is defined for problem p.
func (t Target) Applies(p *optim.Problem) bool {
	switch t.Kind {
	case ParamTarget:
		return p.Optimum != nil
	case ClassTarget:
		return p.Classification
	}
	return true
}
