package gonumopt

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/optbench/optbench/optim"

	"gonum.org/v1/gonum/optimize"
)

// Gonum runs a method of gonum.org/v1/gonum/optimize one major iteration per
// Step: "lbfgs" (the zero value), "bfgs", "cg" (Hestenes–Stiefel with
// More–Thuente line search), "neldermead" and "cmaes" (CmaEsChol), each with
// gonum's defaults except for the settings below. "bfgs" and "cmaes" run
// ports of gonum's BFGS and CmaEsChol (gonumbfgs.go, gonumcmaes.go) that
// send bitwise the same Tasks as gonum's but allocate nothing per iteration
// (tested against gonum's own).
//
// # How it runs
//
// A gonum Method talks to its driver by reverse communication: Method.Run,
// on a goroutine of its own, sends Tasks (evaluate F, ∇F or both at
// Location.X; MajorIteration; MethodDone) on an operation channel and waits
// for each answer on a result channel. optimize.Minimize is gonum's driver;
// Gonum replaces it. Init and Step receive the Tasks, evaluate them on the
// caller's goroutine through the Objective given to Init, and answer them,
// until the next MajorIteration, whose answer is held back until the next
// Step. So between Steps the method's goroutine is parked and uses no CPU,
// and evaluations never run concurrently with the caller. The Tasks and
// their order are those of optimize.Minimize with Settings{Converger:
// optimize.NeverTerminate{}}, no limits and one worker: Stats equals
// Minimize's Result.Stats after as many major iterations (tested). The
// alternative, Minimize on a goroutine with a Recorder that blocks at each
// MajorIteration, would evaluate the objective on gonum's goroutines and
// could only be stopped through a Recorder error.
//
// # Evaluations
//
// A Task that asks for ∇F (with or without F) calls Objective.Grad once,
// whose return value is F; a Task for F alone calls Objective.Loss. So an
// optim.Counter passed to Init sees exactly gonum's evaluations: GradEvals =
// Stats().GradEvaluations, and LossEvals = the number of evaluation Tasks =
// Stats().FuncEvaluations + the Tasks for ∇F alone. CG's More–Thuente line
// search asks for F and ∇F together; the Bisection line search of L-BFGS and
// BFGS asks for F at a trial point and then for ∇F alone at the accepted
// one, so an accepted point costs a Loss and a Grad (on celsius, 20 F and 20
// ∇F evaluations are 39 LossEvals); Nelder–Mead and CMA-ES ask for F alone.
// Init evaluates the start: for the local methods that is gonum's own first
// evaluation, announced as gonum's first major iteration, so
// Stats().MajorIterations = 1 + Steps; CMA-ES does not evaluate its start,
// so Init calls Objective.Loss once more than gonum counts and
// MajorIterations = Steps.
//
// # Termination and statuses
//
// The gradient-norm test of the local methods (GradStopThreshold) is
// disabled, and so are Minimize's convergence test and limits: optbench runs
// fixed budgets. When the method ends on its own, Step keeps returning the
// last major iteration's parameters and loss with a nil error and evaluates
// nothing, and Status returns gonum's Status and error: Failure with
// optimize.ErrNonDescentDirection, ErrNoProgress or ErrLinesearcherFailure
// when a line search can make no more progress (typically at the precision
// limit), MethodConverge when CMA-ES's covariance collapses. There is no
// ErrConverged: the bench runner sees the repeated loss as a plateau, which
// is what it is. A non-finite loss at a major iteration ends the run with
// ErrDiverged and x at the last finite major iteration.
//
// # Goroutines and allocation
//
// Init starts one goroutine, after stopping the one of a previous Init;
// Close stops it. A Gonum dropped without Close is stopped when it is
// garbage collected (runtime.AddCleanup), but callers that run many should
// Close. Like the other optimizers, Step allocates nothing once the run is
// under way (TestGonumAllocs, TestStepAllocs): a fresh method sizes its
// workspaces in its first Steps (a reused one does not, see Init), and
// Nelder–Mead sorts its first simplex through an interface, once per run.
// gonum's own BFGS and CmaEsChol would allocate 3 and 37–160 times per
// iteration (depending on the problem), hence the ports. All randomness
// (CMA-ES's sampling) comes from the rnd passed to Init, which seeds a PCG
// source with two draws.
type Gonum struct {
	// Method is "lbfgs" (also the zero value), "bfgs", "cg", "neldermead"
	// or "cmaes".
	Method string
	// Store is the number of updates L-BFGS keeps. If Store is 0, 15 is used.
	Store int
	// Population is the CMA-ES population. If Population is 0,
	// 4 + ⌊3·ln(dim)⌋ is used.
	Population int
	// StepSize is CMA-ES's initial step size σ0. If StepSize is 0, gonum's
	// CmaEsChol chooses it: its documentation says 0.5, its code uses 0.3
	// (invSigma = 10/3). The cmaes optimizer passes DefaultStepSize (0.5)
	// explicitly.
	StepSize float64
	// SimplexSize is the size of Nelder–Mead's initial simplex. If
	// SimplexSize is 0, 0.05 is used.
	SimplexSize float64

	run     *gonumRun
	cleanup runtime.Cleanup
	obj     optim.Objective
	method  optimize.Method // the method of the last Init, reused while built is unchanged
	built   gonumSettings
	best    []float64 // parameters of the last major iteration
	loss    float64   // loss there
	evalF   float64   // F of the last function evaluation
	stats   optimize.Stats
	status  optimize.Status
	err     error

	inited, diverged bool
}

var (
	_ optim.Optimizer   = (*Gonum)(nil)
	_ optimize.Statuser = (*Gonum)(nil)
	_ io.Closer         = (*Gonum)(nil)
)

// gonumMethods lists the values of Gonum.Method.
var gonumMethods = []string{"lbfgs", "bfgs", "cg", "neldermead", "cmaes"}

func (g *Gonum) name() string {
	if g.Method == "" {
		return "lbfgs"
	}
	return g.Method
}

// build checks the settings and returns a fresh gonum method. rnd seeds
// CMA-ES; it may be nil when only checking.
func (g *Gonum) build(rnd *rand.Rand) (optimize.Method, error) {
	name := g.name()
	if !slices.Contains(gonumMethods, name) {
		return nil, fmt.Errorf("optim: unknown gonum method %q; known: %v", g.Method, gonumMethods)
	}
	// Settings that belong to other methods are ignored, as their zero
	// values mean "default".
	switch name {
	case "lbfgs":
		if g.Store < 0 {
			return nil, &optim.SettingError{Field: "lbfgs.store", Value: float64(g.Store), Allowed: "an integer ≥ 1"}
		}
		return &optimize.LBFGS{Store: g.Store, GradStopThreshold: math.NaN()}, nil
	case "bfgs":
		return &bfgsMethod{}, nil // gonum's BFGS without its allocations; see gonumbfgs.go
	case "cg":
		return &optimize.CG{GradStopThreshold: math.NaN()}, nil
	case "neldermead":
		s := g.SimplexSize
		if math.IsNaN(s) || s < 0 || math.IsInf(s, 0) {
			return nil, &optim.SettingError{Field: "neldermead.simplex-size", Value: s, Allowed: "a finite number > 0"}
		}
		return &optimize.NelderMead{SimplexSize: s}, nil
	default: // "cmaes"
		if g.Population < 0 || g.Population == 1 {
			return nil, &optim.SettingError{Field: "cmaes.population", Value: float64(g.Population), Allowed: "an integer ≥ 2"}
		}
		s := g.StepSize
		if math.IsNaN(s) || s < 0 || math.IsInf(s, 0) {
			return nil, &optim.SettingError{Field: "cmaes.step-size", Value: s, Allowed: "a finite number > 0"}
		}
		// cmaesChol is a zero-allocation port of optimize.CmaEsChol,
		// bitwise identical to it for the same Src.
		m := &cmaesChol{Population: g.Population, InitStepSize: s}
		if rnd != nil {
			m.Src = rand.NewPCG(rnd.Uint64(), rnd.Uint64())
		}
		return m, nil
	}
}

// gonumSettings are the settings a gonum method is built with.
type gonumSettings struct {
	method                string
	store, population     int
	stepSize, simplexSize float64
}

func (g *Gonum) settings() gonumSettings {
	return gonumSettings{g.name(), g.Store, g.Population, g.StepSize, g.SimplexSize}
}

func (g *Gonum) resolve() error {
	_, err := g.build(nil)
	return err
}

// Init implements Optimizer. It stops the run of a previous Init. CMA-ES
// needs a non-nil rnd.
func (g *Gonum) Init(obj optim.Objective, x []float64, rnd *rand.Rand) (float64, error) {
	g.stop()
	g.inited = false
	var m optimize.Method
	if key := g.settings(); g.method != nil && key == g.built {
		// The previous run's method, with the same settings: gonum's
		// methods size their workspaces on first use and reuse them, so a
		// reused method allocates nothing in its first iterations. Its
		// Init resets the rest. CMA-ES draws a new source as build does.
		m = g.method
		if c, ok := m.(*cmaesChol); ok && rnd != nil {
			c.Src = rand.NewPCG(rnd.Uint64(), rnd.Uint64())
		}
	} else {
		var err error
		if m, err = g.build(rnd); err != nil {
			return 0, err
		}
		g.method, g.built = nil, key
	}
	n := obj.Dim()
	if len(x) != n {
		return 0, &optim.DimError{Got: len(x), Want: n}
	}
	if _, err := m.Uses(optimize.Available{Grad: true}); err != nil {
		return 0, fmt.Errorf("optim: gonum method %s: %w", g.name(), err)
	}
	cma := g.name() == "cmaes"
	if cma && rnd == nil {
		return 0, fmt.Errorf("optim: gonum method cmaes needs a random source (rnd is nil)")
	}
	if c := m.Init(n, 1); c != 1 {
		return 0, fmt.Errorf("optim: gonum method %s wants %d concurrent tasks, want 1", g.name(), c)
	}
	g.obj, g.method = obj, m
	g.best = resize(g.best, n)
	copy(g.best, x)
	g.stats = optimize.Stats{}
	g.status, g.err = optimize.NotTerminated, nil
	g.diverged = false
	g.evalF = math.NaN()

	r := &gonumRun{
		ops:     make(chan optimize.Task, 1),
		results: make(chan optimize.Task, 1),
		done:    make(chan struct{}),
	}
	tasks := []optimize.Task{{Op: optimize.NoOperation, Location: &optimize.Location{X: slices.Clone(x)}}}
	go func(ops chan<- optimize.Task, results <-chan optimize.Task, done chan<- struct{}) {
		defer close(done)
		m.Run(ops, results, tasks)
	}(r.ops, r.results, r.done)
	g.run = r
	g.cleanup = runtime.AddCleanup(g, (*gonumRun).abandon, r)
	g.inited = true

	if cma {
		// CMA-ES samples around x without evaluating it.
		g.loss = obj.Loss(x)
	} else {
		// Local methods evaluate x and announce it as their first major
		// iteration.
		g.loss = math.NaN()
		if _, err := g.advance(); err != nil {
			return g.loss, err
		}
		if g.stats.MajorIterations == 0 {
			g.loss = g.evalF // the method stopped at the start
		}
	}
	if !finite(g.loss) {
		g.diverged = true
		g.stop()
		return g.loss, optim.ErrDiverged
	}
	runtime.KeepAlive(g)
	return g.loss, nil
}

// Step implements Optimizer: it runs the method to its next major iteration
// and sets x to that location. After the method has ended (see Status), Step
// sets x to the final location and returns its loss without evaluating.
func (g *Gonum) Step(x []float64) (float64, error) {
	if !g.inited {
		return 0, optim.ErrNotInitialized
	}
	if len(x) != len(g.best) {
		return 0, &optim.DimError{Got: len(x), Want: len(g.best)}
	}
	if g.diverged {
		copy(x, g.best)
		return g.loss, optim.ErrDiverged
	}
	_, err := g.advance()
	copy(x, g.best)
	runtime.KeepAlive(g) // no cleanup while the run is being driven
	return g.loss, err
}

// advance answers the held MajorIteration and serves Tasks until the next
// MajorIteration or the end of the method. It reports whether a major
// iteration was reached.
func (g *Gonum) advance() (bool, error) {
	r := g.run
	if r == nil || r.finished {
		return false, nil
	}
	if r.held {
		r.held = false
		r.results <- r.task
	}
	for {
		task, ok := <-r.ops
		if !ok { // Run ended without MethodDone; not expected from gonum.
			<-r.done
			r.finished = true
			g.cleanup.Stop()
			g.methodStatus()
			return false, nil
		}
		switch op := task.Op; {
		case op == optimize.MajorIteration:
			g.stats.MajorIterations++
			if !finite(task.F) || !allFinite(task.X) {
				g.diverged = true
				r.task, r.held = task, true
				g.stop()
				return false, optim.ErrDiverged
			}
			copy(g.best, task.X)
			g.loss = task.F
			r.task, r.held = task, true
			return true, nil
		case op == optimize.MethodDone:
			g.stop()
			g.methodStatus()
			return false, nil
		case op == optimize.NoOperation:
			r.results <- task
		case op&^(optimize.FuncEvaluation|optimize.GradEvaluation) == 0:
			g.evaluate(task)
			if g.name() != "cmaes" && hasNaN(task) {
				// A NaN compares false with everything: gonum's line
				// searches and Nelder–Mead would try new points forever
				// (optimize.Minimize does too). CMA-ES ranks NaN samples
				// last and goes on.
				g.diverged = true
				g.stop()
				return false, optim.ErrDiverged
			}
			r.results <- task
		default:
			panic(fmt.Sprintf("optim: gonum method %s sent unsupported operation %v", g.name(), op))
		}
	}
}

// evaluate performs an evaluation Task at task.X.
func (g *Gonum) evaluate(task optimize.Task) {
	loc := task.Location
	if task.Op&optimize.GradEvaluation != 0 {
		if len(loc.Gradient) == 0 {
			loc.Gradient = resize(loc.Gradient, len(loc.X))
		}
		f := g.obj.Grad(loc.Gradient, loc.X)
		g.stats.GradEvaluations++
		if task.Op&optimize.FuncEvaluation != 0 {
			loc.F = f
			g.evalF = f
			g.stats.FuncEvaluations++
		}
		return
	}
	loc.F = g.obj.Loss(loc.X)
	g.evalF = loc.F
	g.stats.FuncEvaluations++
}

func (g *Gonum) methodStatus() {
	if s, ok := g.method.(optimize.Statuser); ok {
		g.status, g.err = s.Status()
	}
}

// stop ends the current run, if any, and waits for its goroutine to exit.
func (g *Gonum) stop() {
	r := g.run
	if r == nil || r.finished {
		return
	}
	g.cleanup.Stop()
	// The method is waiting for a result: tell it the run is over, then
	// read its last Tasks until it closes the operation channel. Minimize
	// would take a final MajorIteration sent now as its result; here the run
	// stops at a major iteration (or, for CMA-ES, before the first), when
	// the only such Task is CmaEsChol's report of unevaluated samples
	// (their F slots hold 0, NaN or a reused run's values), so these Tasks
	// are ignored.
	r.held = false
	r.results <- optimize.Task{Op: optimize.PostIteration}
	close(r.results)
	for range r.ops {
	}
	<-r.done
	r.finished = true
}

// Close stops the goroutine that runs the gonum method. Step then returns
// the last major iteration's loss without evaluating. Close is idempotent and
// always returns nil; Init may be called again afterwards.
func (g *Gonum) Close() error {
	g.stop()
	return nil
}

// Status returns gonum's Status and error once the method has ended on its
// own (optimize.MethodConverge, optimize.Failure with the method's error,
// …), and optimize.NotTerminated while it runs or after Close.
func (g *Gonum) Status() (optimize.Status, error) { return g.status, g.err }

// Stats returns gonum's counts for the current run: major iterations and
// function and gradient evaluations, as optimize.Minimize would report
// them (Runtime is not measured).
func (g *Gonum) Stats() optimize.Stats { return g.stats }

// gonumRun is one run of a gonum method: the channels to its goroutine and
// the MajorIteration Task awaiting an answer. It must not refer to the Gonum
// that owns it, so that an abandoned Gonum can be collected and abandon run.
type gonumRun struct {
	ops      chan optimize.Task
	results  chan optimize.Task
	done     chan struct{}
	task     optimize.Task // the held MajorIteration
	held     bool
	finished bool
}

// abandon stops the run of a Gonum that was garbage collected without
// Close. It must not block: it sends PostIteration into the empty result
// buffer and drains the remaining Tasks on a goroutine of its own.
func (r *gonumRun) abandon() {
	if r.finished {
		return
	}
	r.finished = true
	select {
	case r.results <- optimize.Task{Op: optimize.PostIteration}:
	default:
	}
	close(r.results)
	go func() {
		for range r.ops {
		}
	}()
}

// hasNaN reports whether an evaluation Task's result holds a NaN.
func hasNaN(task optimize.Task) bool {
	if task.Op&optimize.FuncEvaluation != 0 && math.IsNaN(task.F) {
		return true
	}
	if task.Op&optimize.GradEvaluation != 0 {
		for _, v := range task.Gradient {
			if math.IsNaN(v) {
				return true
			}
		}
	}
	return false
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if !finite(v) {
			return false
		}
	}
	return true
}
