package bench

import "github.com/optbench/optbench/resultsfmt"

// TargetKind is resultsfmt.TargetKind: what a Target measures.
type TargetKind = resultsfmt.TargetKind

// The kinds of targets, as in resultsfmt.
const (
	// LossTarget is resultsfmt.LossTarget.
	LossTarget = resultsfmt.LossTarget
	// ParamTarget is resultsfmt.ParamTarget.
	ParamTarget = resultsfmt.ParamTarget
	// ClassTarget is resultsfmt.ClassTarget.
	ClassTarget = resultsfmt.ClassTarget
)

// Target is resultsfmt.Target: a goal whose first hit each run records.
type Target = resultsfmt.Target

// ParamTolerance is resultsfmt.ParamTolerance.
const ParamTolerance = resultsfmt.ParamTolerance

// AllTargets is resultsfmt.AllTargets: every target in column order, a
// fresh slice.
func AllTargets() []Target { return resultsfmt.AllTargets() }

// allTargets is AllTargets, built once (not to be modified).
var allTargets = resultsfmt.AllTargets()
