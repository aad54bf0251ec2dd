package resultsfmt

import (
	"fmt"
	"math"

	"github.com/optbench/optbench/optim"
)

// Status is how a run ended.
type Status string

const (
	// StatusTarget means the run reached every target of its problem.
	StatusTarget Status = "target"
	// StatusBudget means the run used its whole iteration budget.
	StatusBudget Status = "budget"
	// StatusPlateau means the best loss stopped improving in float64 for a
	// long stretch (see Config.PlateauMin); the rest of the trajectory is
	// taken to be the floor.
	StatusPlateau Status = "plateau"
	// StatusDiverged means the loss or the parameters stopped being finite.
	StatusDiverged Status = "diverged"
)

// Hit is the first time a run reached a target. Iter is -1 when the target
// was not reached or does not apply.
type Hit struct {
	Iter, Evals int
	Seconds     float64
}

// Point is one checkpoint of a run's trajectory.
type Point struct {
	Iter      int     // iterations done
	Evals     int     // loss evaluations so far (a gradient evaluation counts as one too)
	GradEvals int     // gradient evaluations so far
	Seconds   float64 // elapsed seconds since the start of Init
	Loss      float64 // the loss at the current parameters
	Best      float64 // the best loss so far
	ParamErr  float64 // max-norm distance from the known optimum, NaN if unknown
}

// Record is the outcome of one run.
type Record struct {
	Problem   string
	Optimizer string
	Precision string // "float64" or "float32": the arithmetic of the run
	Settings  string // canonical settings
	Seed      uint64
	Budget    int
	Status    Status
	Iters     int
	Evals     int
	GradEvals int
	Seconds   float64
	FinalLoss float64 // +Inf for a diverged run
	BestLoss  float64
	Floor     float64 // the precision floor of a plateau, NaN otherwise
	FloorIter int     // the iteration the floor began at, -1 otherwise
	ParamErr  float64 // final distance from the optimum, NaN if unknown
	Hits      []Hit   // one per AllTargets()
	// End is why the run's loss stopped going down (bench.EndCause:
	// "optimum", "saturated", "step-bound", "local-minimum", "plateau",
	// "budget", "target", "diverged"). It is decided once every run of
	// the experiment is known (a local minimum is judged against the best
	// loss any run reached), so it is empty in rows appended while the
	// experiment runs and filled in by the final rewrite.
	End   string
	Trace []Point
}

// ID returns the identity of r's run within its experiment.
func (r *Record) ID() RunID {
	return RunID{Group: GroupID{Problem: r.Problem, Optimizer: r.Optimizer, Precision: precisionOr64(r.Precision)}, Seed: r.Seed}
}

// GroupID identifies the runs of one problem × optimizer × precision of an
// experiment, which differ only in their seed. Precision is never empty
// ("float64" for runs written before precisions existed).
type GroupID struct {
	Problem, Optimizer, Precision string
}

// RunID identifies a run within an experiment: its group and its seed. It
// is the one key of a run in the results files, the plan and the summaries.
type RunID struct {
	Group GroupID
	Seed  uint64
}

// String formats id as problem/optimizer/seed N, with /precision=float32
// after the optimizer for float32 runs.
func (id RunID) String() string {
	g := id.Group
	if g.Precision != optim.Float64 {
		return fmt.Sprintf("%s/%s/precision=%s/seed %d", g.Problem, g.Optimizer, g.Precision, id.Seed)
	}
	return fmt.Sprintf("%s/%s/seed %d", g.Problem, g.Optimizer, id.Seed)
}

// precisionOr64 returns p, or "float64" when p is empty.
func precisionOr64(p string) string {
	if p == "" {
		return optim.Float64
	}
	return p
}

// Checkpoints returns the log-spaced checkpoint ladder 1, 2, 5, 10, 20, 50,
// … up to budget, always ending with budget itself: the iterations at which
// a run of that budget has a point in trace.csv (and its last iteration).
func Checkpoints(budget int) []int {
	var cps []int
	for dec := 1; dec <= budget && dec > 0; dec *= 10 {
		for _, m := range []int{1, 2, 5} {
			if v := m * dec; v < budget {
				cps = append(cps, v)
			}
		}
		if dec > math.MaxInt/10 {
			break
		}
	}
	return append(cps, budget)
}

// At returns the run's state after iteration c: the last checkpoint at or
// before c. A run that ended before c (target, plateau, divergence) keeps its
// final state, so later checkpoints show its floor.
func (r *Record) At(c int) Point {
	p := Point{Loss: math.NaN(), Best: math.NaN(), ParamErr: math.NaN()}
	for _, q := range r.Trace {
		if q.Iter > c {
			break
		}
		p = q
	}
	return p
}
