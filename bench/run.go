package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/optbench/optbench/optim"
)

// ID returns the identity of t's run within its experiment.
func (t Task) ID() RunID {
	return RunID{Group: GroupID{Problem: t.Problem.Name, Optimizer: t.Method.Name, Precision: precisionOr64(t.Precision)}, Seed: t.Seed}
}

// precisionOr64 returns p, or "float64" when p is empty.
func precisionOr64(p string) string {
	if p == "" {
		return optim.Float64
	}
	return p
}

// relImprove is the relative decrease of the best loss that counts as an
// improvement for plateau detection: a few ulps, so summation jitter does
// not count.
const relImprove = 1e-15

// Execute performs one run to its budget (or its end) and returns its
// record. The loss is evaluated in t.LossEval's arithmetic. Divergence is a status, not an error; the only errors are the
// context's, when the run was abandoned.
//
// The run computes in t.Precision's arithmetic (float64 when empty): the
// starting point is drawn in float64 as always and rounded to float32 for a
// float32 run; the losses in the record are the float32 values, exactly.
//
// A problem that fails Validate is an error, and so is a panic in the
// optimizer (a user's Init or Step): it is recovered and returned as an
// error naming the run, so that one bad optimizer does not take the
// process, and the other runs, down.
func Execute(ctx context.Context, t Task, cfg Config) (rec *Record, err error) {
	if t.Problem == nil {
		return nil, errors.New("bench: task without a problem")
	}
	if err := t.Problem.Validate(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			rec, err = nil, fmt.Errorf("bench: %s on %s, seed %d: panic: %v", t.Method.Name, t.Problem.Name, t.Seed, r)
		}
	}()
	switch precisionOr64(t.Precision) {
	case optim.Float64:
		return execute[float64](ctx, t, cfg)
	case optim.Float32:
		return execute[float32](ctx, t, cfg)
	}
	_, err = optim.ParsePrecision(t.Precision)
	return nil, fmt.Errorf("bench: %w", err)
}

// newOptimizer returns t's optimizer in the arithmetic T.
func newOptimizer[T optim.Float](t Task) (optim.OptimizerOf[T], error) {
	return optim.NewOptimizer[T](t.Method, t.Settings)
}

// startParams returns t's starting point in T: drawn in float64, rounded.
func startParams[T optim.Float](t Task) []T {
	p := t.Problem
	x64 := make([]float64, p.Dim())
	p.InitParams(x64, rand.New(rand.NewPCG(t.Seed, stream("init", p.Name))))
	if x, ok := any(x64).([]T); ok {
		return x
	}
	x := make([]T, len(x64))
	optim.ParamsTo(x, x64)
	return x
}

func execute[T optim.Float](ctx context.Context, t Task, cfg Config) (*Record, error) {
	cfg = cfg.withDefaults()
	p := t.Problem
	mse := optim.ProblemObjective[T](p, t.LossEval)
	obj := &optim.CounterOf[T]{Objective: mse}
	x := startParams[T](t)
	// xf is x in float64 for ParamError: x itself in a float64 run.
	xf, same := any(x).([]float64)
	if !same {
		xf = make([]float64, len(x))
	}
	paramError := func() float64 {
		if !same {
			optim.ParamsFrom(xf, x)
		}
		return p.ParamError(xf)
	}
	opt, err := newOptimizer[T](t)
	if err != nil {
		return nil, err
	}
	if c, ok := opt.(io.Closer); ok {
		defer c.Close()
	}
	rnd := rand.New(rand.NewPCG(t.Seed, stream("optimizer", p.Name, t.Method.Name)))

	// eStar is the loss at the known optimum when it is not zero (a fit
	// that cannot be exact, celsius-tf): the loss targets are then on the
	// excess loss E − E*, in the run's arithmetic.
	eStar := optimumLossIn[T](p, t.LossEval)
	targets := AllTargets()
	rec := &Record{Problem: p.Name, Optimizer: t.Method.Name, Precision: precisionOr64(t.Precision), Settings: t.Canonical, Seed: t.Seed,
		Budget: t.Budget, Floor: math.NaN(), FloorIter: -1, Hits: make([]Hit, len(targets))}
	for i := range rec.Hits {
		rec.Hits[i].Iter = -1
	}
	// Every squared residual is below 0.25 when the loss is below this, so
	// every output is then on the right side of 0.5; a loss of 0.25 or more
	// rules that out. Between the two, Classified decides.
	classSure := 0.25 / float64(p.Data.N*p.Net.Out())
	cps := Checkpoints(t.Budget)
	ci := 0

	start := time.Now()
	it := 0
	l, err := opt.Init(obj, x, rnd)
	loss := float64(l)
	best := loss
	// The stopping rules (stop.go): the budget, the plateau (counting the
	// loss evaluations the Steps spent, so that it stops every optimizer
	// after the same work without improvement) and the targets.
	budget := BudgetRule{Iters: t.Budget, Evals: t.EvalBudget}
	plateau := PlateauRule{Min: cfg.PlateauMin}
	plateau.Start(loss, obj.LossEvals)
	track := newTargetTracker(targets, func(tg Target) bool { return tg.Applies(p) }, rec.Hits, start)
	track.EStar = eStar
	track.ParamError = paramError
	track.Classified = func(loss float64) bool { return loss < classSure || mse.Classified(x) }
	point := func() {
		rec.Trace = append(rec.Trace, Point{Iter: it, Evals: obj.LossEvals, GradEvals: obj.GradEvals,
			Seconds: time.Since(start).Seconds(), Loss: loss, Best: best, ParamErr: paramError()})
	}
	if err != nil {
		if !errors.Is(err, optim.ErrDiverged) {
			return nil, err
		}
		rec.Status = StatusDiverged
		loss, best = math.Inf(1), math.Inf(1)
	} else if track.Check(loss, it, obj.LossEvals) && !cfg.KeepGoing {
		rec.Status = StatusTarget
	}
	for rec.Status == "" && !budget.IterDone(it) {
		if it&1023 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		l, err = opt.Step(x)
		loss = float64(l)
		it++
		if err != nil {
			if !errors.Is(err, optim.ErrDiverged) {
				return nil, err
			}
			rec.Status = StatusDiverged
			loss = math.Inf(1)
			break
		}
		if loss < best {
			best = loss
			plateau.Observe(loss, it, obj.LossEvals)
		}
		if track.Possible(loss) && track.Check(loss, it, obj.LossEvals) && !cfg.KeepGoing {
			rec.Status = StatusTarget
			break
		}
		if it == cps[ci] {
			point()
			ci++
		}
		if budget.EvalsDone(obj.LossEvals) {
			break
		}
		if plateau.Done(obj.LossEvals) {
			rec.Status = StatusPlateau
			rec.Floor, rec.FloorIter = plateau.Floor()
		}
	}
	if rec.Status == "" {
		rec.Status = StatusBudget
	}
	if len(rec.Trace) == 0 || rec.Trace[len(rec.Trace)-1].Iter != it {
		point()
	}
	rec.Iters = it
	rec.Evals, rec.GradEvals = obj.LossEvals, obj.GradEvals
	rec.Seconds = time.Since(start).Seconds()
	rec.FinalLoss, rec.BestLoss = loss, best
	rec.ParamErr = paramError()
	return rec, nil
}

// OptimumLoss returns the loss at p's known optimum in float64 (plain
// arithmetic), E*, or 0 when the optimum is unknown or fitted exactly. When
// it is positive (celsius-tf: rounded data no line fits exactly), the loss
// targets of p are on the excess loss E − E* (computed in each run's
// arithmetic), and the report draws E − E*.
func OptimumLoss(p *optim.Problem) float64 {
	if p == nil || p.Optimum == nil {
		return 0
	}
	return max(p.Objective().Loss(p.Optimum), 0)
}

// optimumLossIn returns E* in the arithmetic T and evaluation mode e: the
// loss at p's optimum rounded to T, when OptimumLoss(p) > 0; otherwise 0.
func optimumLossIn[T optim.Float](p *optim.Problem, e optim.EvalMode) float64 {
	if OptimumLoss(p) == 0 {
		return 0
	}
	xo := make([]T, len(p.Optimum))
	optim.ParamsTo(xo, p.Optimum)
	return float64(optim.ProblemObjective[T](p, e).Loss(xo))
}

// optimumLossOf is optimumLossIn in the named precision.
func optimumLossOf(p *optim.Problem, precision string, e optim.EvalMode) float64 {
	if precisionOr64(precision) == optim.Float32 {
		return optimumLossIn[float32](p, e)
	}
	return optimumLossIn[float64](p, e)
}
