package bench

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
)

func TestCheckpoints(t *testing.T) {
	tests := []struct {
		budget int
		want   []int
	}{
		{1, []int{1}},
		{2, []int{1, 2}},
		{3, []int{1, 2, 3}},
		{5, []int{1, 2, 5}},
		{7, []int{1, 2, 5, 7}},
		{10, []int{1, 2, 5, 10}},
		{11, []int{1, 2, 5, 10, 11}},
		{20000, []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000}},
		{1000, []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}},
		{1234, []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 1234}},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Checkpoints(tc.budget), "Checkpoints(%d)", tc.budget)
	}
}

// TestCheckpointsLarge checks that huge budgets neither overflow nor loop:
// the ladder is strictly increasing, log-spaced, and ends with the budget.
func TestCheckpointsLarge(t *testing.T) {
	for _, budget := range []int{1e9, 2e9 + 1, 5e18, 9e18, math.MaxInt - 1, math.MaxInt} {
		cps := Checkpoints(budget)
		require.NotEmpty(t, cps)
		assert.Equal(t, budget, cps[len(cps)-1], "budget %d", budget)
		assert.LessOrEqual(t, len(cps), 3*19+1, "budget %d", budget)
		for i := 1; i < len(cps); i++ {
			require.Greater(t, cps[i], cps[i-1], "budget %d: ladder %v not increasing", budget, cps)
			if i < len(cps)-1 {
				r := float64(cps[i]) / float64(cps[i-1])
				require.Contains(t, []float64{2, 2.5}, r, "budget %d: ratio %v between %d and %d", budget, r, cps[i-1], cps[i])
			}
		}
	}
	assert.Equal(t, []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000,
		100000, 200000, 500000, 1000000, 2000000, 5000000, 10000000, 20000000, 50000000, 100000000,
		200000000, 500000000, 1000000000}, Checkpoints(1e9))
}

// rtTask returns the task of (problem, optimizer, seed) in the plan of cfg.
func rtTask(t *testing.T, cfg Config, problem, optimizer string, seed uint64) Task {
	t.Helper()
	plan, err := NewPlan(cfg)
	require.NoError(t, err)
	for _, tk := range plan.Tasks {
		if tk.Problem.Name == problem && tk.Method.Name == optimizer && tk.Seed == seed {
			return tk
		}
	}
	t.Fatalf("no task %s/%s/seed %d in the plan", problem, optimizer, seed)
	return Task{}
}

// rtReplayer re-runs a task's optimizer outside Execute, from the same initial
// parameters and random streams, so that a record can be checked against
// the optimizer's state at any iteration.
type rtReplayer struct {
	t    *testing.T
	p    *optim.Problem
	mse  *optim.MSE
	obj  *optim.Counter
	opt  optim.Optimizer
	x    []float64
	it   int
	loss float64
}

func rtNewReplayer(t *testing.T, tk Task) *rtReplayer {
	t.Helper()
	r := &rtReplayer{t: t, p: tk.Problem, mse: tk.Problem.Objective()}
	r.obj = &optim.Counter{Objective: r.mse}
	r.x = make([]float64, r.p.Dim())
	r.p.InitParams(r.x, rand.New(rand.NewPCG(tk.Seed, stream("init", r.p.Name))))
	var err error
	r.opt, err = tk.Method.New(tk.Settings)
	require.NoError(t, err)
	r.loss, err = r.opt.Init(r.obj, r.x, rand.New(rand.NewPCG(tk.Seed, stream("optimizer", r.p.Name, tk.Method.Name))))
	require.NoError(t, err)
	return r
}

// to advances the replay to iteration it (which must not be behind).
func (r *rtReplayer) to(it int) {
	r.t.Helper()
	require.GreaterOrEqual(r.t, it, r.it, "replay cannot go back")
	for r.it < it {
		var err error
		r.loss, err = r.opt.Step(r.x)
		require.NoError(r.t, err)
		r.it++
	}
}

// state is what the hit checks look at.
type rtState struct {
	loss       float64
	evals      int
	paramErr   float64
	classified bool
}

func (r *rtReplayer) state() rtState {
	return rtState{r.loss, r.obj.LossEvals, r.p.ParamError(r.x), r.p.Classification && r.mse.Classified(r.x)}
}

// rtCheckTrace checks the invariants every record's trajectory satisfies:
// one point per checkpoint reached plus the last iteration, evaluations
// non-decreasing, the best loss non-increasing, and the last point equal to
// the record's end state.
func rtCheckTrace(t *testing.T, rec *Record) {
	t.Helper()
	require.NotEmpty(t, rec.Trace)
	var want []int
	for _, c := range Checkpoints(rec.Budget) {
		if c <= rec.Iters {
			want = append(want, c)
		}
	}
	if len(want) == 0 || want[len(want)-1] != rec.Iters {
		want = append(want, rec.Iters)
	}
	var got []int
	for i, p := range rec.Trace {
		got = append(got, p.Iter)
		if i > 0 {
			q := rec.Trace[i-1]
			assert.GreaterOrEqual(t, p.Evals, q.Evals, "evals at %d", p.Iter)
			assert.GreaterOrEqual(t, p.GradEvals, q.GradEvals, "grad evals at %d", p.Iter)
			assert.LessOrEqual(t, p.Best, q.Best, "best loss at %d", p.Iter)
		}
		assert.LessOrEqual(t, p.GradEvals, p.Evals)
		assert.GreaterOrEqual(t, p.Best, rec.BestLoss)
	}
	assert.Equal(t, want, got, "trace iterations")
	last := rec.Trace[len(rec.Trace)-1]
	assert.Equal(t, rec.Iters, last.Iter)
	assert.Equal(t, rec.Evals, last.Evals)
	assert.Equal(t, rec.GradEvals, last.GradEvals)
	assert.True(t, sameFloat(rec.FinalLoss, last.Loss), "last point loss %v, final loss %v", last.Loss, rec.FinalLoss)
	assert.True(t, sameFloat(rec.BestLoss, last.Best), "last point best %v, best loss %v", last.Best, rec.BestLoss)
	assert.True(t, sameFloat(rec.ParamErr, last.ParamErr), "last point param error %v, record %v", last.ParamErr, rec.ParamErr)
	assert.Len(t, rec.Hits, len(AllTargets()))
}

func TestExecuteStatus(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		problem   string
		optimizer string
		seed      uint64
		want      Status
	}{
		{"seed3 irprop- reaches every target", Config{Problems: []string{"seed3"}, Optimizers: []string{"irprop-"}, Seeds: 1, Budget: 10000},
			"seed3", "irprop-", 1, StatusTarget},
		{"seed3 rprop+ reaches every target", Config{Problems: []string{"seed3"}, Optimizers: []string{"rprop+"}, Seeds: 2, Budget: 10000},
			"seed3", "rprop+", 2, StatusTarget},
		{"seed3 backprop uses its budget", Config{Problems: []string{"seed3"}, Optimizers: []string{"backprop"}, Seeds: 1, Budget: 777},
			"seed3", "backprop", 1, StatusBudget},
		{"celsius irprop- plateaus", Config{Problems: []string{"celsius"}, Optimizers: []string{"irprop-"}, Seeds: 3, Budget: 100000},
			"celsius", "irprop-", 3, StatusPlateau},
		{"celsius irprop- plateaus, short stretch", Config{Problems: []string{"celsius"}, Optimizers: []string{"irprop-"}, Seeds: 1, Budget: 100000, PlateauMin: 200},
			"celsius", "irprop-", 1, StatusPlateau},
		{"celsius irprop- plateaus, stretch longer than PlateauMin", Config{Problems: []string{"celsius"}, Optimizers: []string{"irprop-"}, Seeds: 2, Budget: 100000, PlateauMin: 20},
			"celsius", "irprop-", 2, StatusPlateau},
		{"celsius irprop- without plateau detection", Config{Problems: []string{"celsius"}, Optimizers: []string{"irprop-"}, Seeds: 1, Budget: 3000, PlateauMin: -1},
			"celsius", "irprop-", 1, StatusBudget},
		{"celsius backprop lr=1 diverges", Config{Problems: []string{"celsius"}, Optimizers: []string{"backprop"}, Seeds: 2, Budget: 10000,
			Set: map[string]float64{"backprop.lr": 1}}, "celsius", "backprop", 2, StatusDiverged},
		{"seed3 irprop- keep going", Config{Problems: []string{"seed3"}, Optimizers: []string{"irprop-"}, Seeds: 1, Budget: 3000, KeepGoing: true},
			"seed3", "irprop-", 1, ""}, // budget or plateau, but not target
		{"xor ga eval budget", Config{Problems: []string{"xor"}, Optimizers: []string{"ga"}, Seeds: 1, Budget: 10000, EvalBudget: 1234},
			"xor", "ga", 1, StatusBudget},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tk := rtTask(t, tc.cfg, tc.problem, tc.optimizer, tc.seed)
			rec, err := Execute(context.Background(), tk, tc.cfg)
			require.NoError(t, err)
			rtCheckTrace(t, rec)
			assert.Equal(t, tc.problem, rec.Problem)
			assert.Equal(t, tc.optimizer, rec.Optimizer)
			assert.Equal(t, tc.seed, rec.Seed)
			assert.Equal(t, tk.Canonical, rec.Settings)
			assert.Equal(t, tk.Budget, rec.Budget)
			assert.LessOrEqual(t, rec.Iters, rec.Budget)
			if tc.want != "" {
				require.Equal(t, tc.want, rec.Status)
			} else {
				require.Contains(t, []Status{StatusBudget, StatusPlateau}, rec.Status)
			}
			cfg := tc.cfg.withDefaults()
			ts := AllTargets()
			switch rec.Status {
			case StatusTarget:
				assert.Less(t, rec.Iters, rec.Budget)
				last := -1
				for i, tg := range ts {
					if tg.Applies(tk.Problem) {
						require.GreaterOrEqual(t, rec.Hits[i].Iter, 0, "target %s", tg.Name)
						last = max(last, rec.Hits[i].Iter)
					}
				}
				assert.Equal(t, last, rec.Iters, "a run stops at its last first hit")
			case StatusBudget:
				if tk.EvalBudget > 0 {
					assert.Less(t, rec.Iters, rec.Budget)
					assert.GreaterOrEqual(t, rec.Evals, tk.EvalBudget)
					// The previous iteration was still under the budget.
					r := rtNewReplayer(t, tk)
					r.to(rec.Iters - 1)
					assert.Less(t, r.obj.LossEvals, tk.EvalBudget, "stopped late")
				} else {
					assert.Equal(t, rec.Budget, rec.Iters)
				}
			case StatusPlateau:
				require.GreaterOrEqual(t, rec.FloorIter, 0)
				assert.Equal(t, max(cfg.PlateauMin, rec.FloorIter), rec.Iters-rec.FloorIter,
					"a plateau is declared at the first iteration that qualifies")
				assert.InEpsilon(t, rec.BestLoss, rec.Floor, relImprove, "floor %v, best %v", rec.Floor, rec.BestLoss)
				assert.GreaterOrEqual(t, rec.Floor, rec.BestLoss)
				assert.LessOrEqual(t, rec.BestLoss, rec.FinalLoss)
				// Replay: the floor is the loss at FloorIter, and nothing
				// later improves on it by more than relImprove.
				r := rtNewReplayer(t, tk)
				r.to(rec.FloorIter)
				assert.Equal(t, rec.Floor, r.loss, "loss at the floor iteration")
				for r.it < rec.Iters {
					r.to(r.it + 1)
					require.GreaterOrEqual(t, r.loss, rec.Floor*(1-relImprove), "improvement at %d after the floor", r.it)
				}
				assert.Equal(t, rec.FinalLoss, r.loss)
			case StatusDiverged:
				assert.Less(t, rec.Iters, rec.Budget)
				assert.True(t, math.IsInf(rec.FinalLoss, 1), "final loss %v", rec.FinalLoss)
				assert.True(t, math.IsInf(rec.Trace[len(rec.Trace)-1].Loss, 1))
				assert.False(t, math.IsInf(rec.BestLoss, 0) || math.IsNaN(rec.BestLoss), "best loss %v", rec.BestLoss)
			}
			if rec.Status != StatusPlateau {
				assert.True(t, math.IsNaN(rec.Floor), "floor %v", rec.Floor)
				assert.Equal(t, -1, rec.FloorIter)
			}
			if rec.Status != StatusDiverged {
				assert.LessOrEqual(t, rec.BestLoss, rec.FinalLoss)
				// Evaluations and the end state agree with a replay.
				r := rtNewReplayer(t, tk)
				r.to(rec.Iters)
				assert.Equal(t, rec.FinalLoss, r.loss)
				assert.Equal(t, rec.Evals, r.obj.LossEvals)
				assert.Equal(t, rec.GradEvals, r.obj.GradEvals)
				assert.True(t, sameFloat(rec.ParamErr, tk.Problem.ParamError(r.x)))
			}
		})
	}
}

// TestExecuteXORTarget runs xor with irprop- on a few seeds: some runs reach
// every target (and stop there), none crashes.
func TestExecuteXORTarget(t *testing.T) {
	cfg := Config{Problems: []string{"xor"}, Optimizers: []string{"irprop-"}, Seeds: 5, Budget: 5000}
	plan, err := NewPlan(cfg)
	require.NoError(t, err)
	reached := 0
	for _, tk := range plan.Tasks {
		rec, err := Execute(context.Background(), tk, cfg)
		require.NoError(t, err)
		rtCheckTrace(t, rec)
		if rec.Status == StatusTarget {
			reached++
			for i, h := range rec.Hits {
				if AllTargets()[i].Applies(tk.Problem) {
					assert.GreaterOrEqual(t, h.Iter, 0)
				}
			}
		}
	}
	assert.Positive(t, reached, "no xor run reached every target")
}

// TestExecuteHits checks every first hit against a replay of the optimizer:
// at the hit iteration the target holds, one iteration earlier it did not,
// and the evaluations match. Loss hits are monotone in the level, and a
// loss target is missed exactly when the best loss stayed above it.
func TestExecuteHits(t *testing.T) {
	tests := []struct {
		problem, optimizer string
		seed               uint64
		budget             int
		set                map[string]float64
		wantHit            []string // targets that must be reached
	}{
		{"seed3", "irprop-", 1, 1000, nil, []string{"loss_1e-12", "classified"}},
		{"seed3", "backprop", 2, 3000, nil, []string{"loss_1e-03", "classified"}},
		{"xor", "irprop-", 1, 3000, nil, []string{"classified"}},
		{"xor", "rprop+", 3, 3000, nil, nil},
		{"parity4", "irprop+", 1, 2000, nil, nil},
		{"celsius", "backprop", 1, 20000, nil, []string{"loss_1e-12", "param_1e-07"}},
		{"celsius", "irprop+", 2, 5000, nil, []string{"loss_1e-06"}},
		{"xor", "ga", 1, 100, nil, nil},
	}
	ts := AllTargets()
	for _, tc := range tests {
		t.Run(tc.problem+"/"+tc.optimizer, func(t *testing.T) {
			cfg := Config{Problems: []string{tc.problem}, Optimizers: []string{tc.optimizer}, Seeds: int(tc.seed),
				Budget: tc.budget, Set: tc.set}
			tk := rtTask(t, cfg, tc.problem, tc.optimizer, tc.seed)
			rec, err := Execute(context.Background(), tk, cfg)
			require.NoError(t, err)
			rtCheckTrace(t, rec)
			for _, name := range tc.wantHit {
				assert.GreaterOrEqual(t, rec.Hits[indexOfTarget(name)].Iter, 0, "%s not reached", name)
			}
			// Loss hits are monotone across levels.
			prev := -1
			for i, tg := range ts {
				if tg.Kind != LossTarget {
					continue
				}
				h := rec.Hits[i]
				if h.Iter < 0 {
					assert.Greater(t, rec.BestLoss, tg.Value, "%s missed but best loss %v", tg.Name, rec.BestLoss)
					prev = math.MaxInt
					continue
				}
				assert.LessOrEqual(t, rec.BestLoss, tg.Value, "%s", tg.Name)
				assert.GreaterOrEqual(t, h.Iter, prev, "%s hit before a looser target", tg.Name)
				prev = h.Iter
			}
			// Targets that do not apply are never hit.
			for i, tg := range ts {
				if !tg.Applies(tk.Problem) {
					assert.Equal(t, Hit{Iter: -1}, rec.Hits[i], "%s does not apply", tg.Name)
				}
			}
			// Replay to every hit in iteration order.
			type hitAt struct {
				i    int
				iter int
			}
			var hits []hitAt
			for i, h := range rec.Hits {
				if h.Iter >= 0 {
					hits = append(hits, hitAt{i, h.Iter})
				}
			}
			r := rtNewReplayer(t, tk)
			before, at := r.state(), r.state()
			for _, h := range rtSortByIter(hits, func(a hitAt) int { return a.iter }) {
				for r.it < h.iter {
					r.to(r.it + 1)
					before, at = at, r.state()
				}
				tg := ts[h.i]
				assert.Equal(t, rec.Hits[h.i].Evals, at.evals, "%s: evaluations at the hit", tg.Name)
				switch tg.Kind {
				case LossTarget:
					assert.LessOrEqual(t, at.loss, tg.Value, "%s at iteration %d", tg.Name, h.iter)
				case ParamTarget:
					assert.LessOrEqual(t, at.paramErr, ParamTolerance, "%s at iteration %d", tg.Name, h.iter)
				case ClassTarget:
					assert.True(t, at.classified, "%s: not classified at iteration %d", tg.Name, h.iter)
				}
				if h.iter == 0 {
					continue
				}
				// A first hit: the iteration just before missed.
				switch tg.Kind {
				case LossTarget:
					assert.Greater(t, before.loss, tg.Value, "%s already reached at iteration %d", tg.Name, h.iter-1)
				case ParamTarget:
					assert.Greater(t, before.paramErr, ParamTolerance, "%s already reached at iteration %d", tg.Name, h.iter-1)
				case ClassTarget:
					assert.False(t, before.classified, "%s already reached at iteration %d", tg.Name, h.iter-1)
				}
			}
		})
	}
}

// TestExecuteClassifiedEveryIteration compares the classified hit with
// MSE.Classified at every iteration up to it (the runner takes shortcuts
// from the loss; they must not change the answer).
func TestExecuteClassifiedEveryIteration(t *testing.T) {
	for _, tc := range []struct {
		problem, optimizer string
		seeds              int
	}{{"xor", "irprop-", 4}, {"seed3", "backprop", 3}, {"parity4", "rprop-", 2}} {
		cfg := Config{Problems: []string{tc.problem}, Optimizers: []string{tc.optimizer}, Seeds: tc.seeds, Budget: 2000}
		plan, err := NewPlan(cfg)
		require.NoError(t, err)
		ci := indexOfTarget("classified")
		for _, tk := range plan.Tasks {
			rec, err := Execute(context.Background(), tk, cfg)
			require.NoError(t, err)
			r := rtNewReplayer(t, tk)
			first := -1
			for {
				if r.state().classified {
					first = r.it
					break
				}
				if r.it >= rec.Iters {
					break
				}
				r.to(r.it + 1)
			}
			assert.Equal(t, first, rec.Hits[ci].Iter, "%s/%s/seed %d", tc.problem, tc.optimizer, tk.Seed)
		}
	}
}

func rtSortByIter[T any](xs []T, key func(T) int) []T {
	out := append([]T(nil), xs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && key(out[j]) < key(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestExecuteDeterministic runs the same task twice: the records agree in
// everything but timing.
func TestExecuteDeterministic(t *testing.T) {
	cfg := Config{Problems: []string{"xor", "celsius"}, Optimizers: []string{"irprop+", "ga"}, Seeds: 2, Budget: 300}
	plan, err := NewPlan(cfg)
	require.NoError(t, err)
	for _, tk := range plan.Tasks {
		a, err := Execute(context.Background(), tk, cfg)
		require.NoError(t, err)
		b, err := Execute(context.Background(), tk, cfg)
		require.NoError(t, err)
		assert.Equal(t, runRow(rtUntimed(a)), runRow(rtUntimed(b)))
		assert.Equal(t, traceRows(rtUntimed(a)), traceRows(rtUntimed(b)))
	}
}

// rtUntimed returns a copy of r with every timing zeroed.
func rtUntimed(r *Record) *Record {
	c := *r
	c.Seconds = 0
	c.Hits = append([]Hit(nil), r.Hits...)
	for i := range c.Hits {
		c.Hits[i].Seconds = 0
	}
	c.Trace = append([]Point(nil), r.Trace...)
	for i := range c.Trace {
		c.Trace[i].Seconds = 0
	}
	return &c
}

// rtCustomTask returns a task of method name on a hand-made problem.
func rtCustomTask(t *testing.T, p *optim.Problem, name string, budget int) Task {
	t.Helper()
	m, err := optim.LookupMethod(name)
	require.NoError(t, err)
	return Task{Problem: p, Method: m, Settings: map[string]float64{}, Canonical: m.Canonical(nil), Seed: 1, Budget: budget}
}

// TestExecuteBadProblem checks that a hand-built problem whose data do not
// fit its network, or hold NaN, is an error naming it, not a panic, and
// that a panicking optimizer is an error naming the run.
func TestExecuteBadProblem(t *testing.T) {
	lin := optim.Network{In: 1, Layers: []optim.Layer{{Out: 1, Act: optim.Linear}}}
	for _, p := range []*optim.Problem{
		{Name: "short", Net: lin, Data: optim.Dataset{N: 2, X: []float64{1}, Y: []float64{0, 1}}},
		{Name: "nan", Net: lin, Data: optim.Dataset{N: 2, X: []float64{1, 2}, Y: []float64{math.NaN(), 1}}},
	} {
		var err error
		require.NotPanics(t, func() { _, err = Execute(context.Background(), rtCustomTask(t, p, "irprop-", 10), Config{}) })
		require.Error(t, err)
		assert.Contains(t, err.Error(), "problem "+p.Name)
	}
	panicky := optim.Method{Name: "panicky", Float64: func(optim.Settings) (optim.Optimizer, error) { return panicOptimizer{}, nil }}
	task := Task{Problem: optim.Seed3(), Method: panicky, Seed: 3, Budget: 10}
	var err error
	require.NotPanics(t, func() { _, err = Execute(context.Background(), task, Config{}) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "panicky on seed3, seed 3: panic: boom")
}

// panicOptimizer panics in Step, as a buggy user optimizer might.
type panicOptimizer struct{}

func (panicOptimizer) Init(obj optim.Objective, x []float64, _ *rand.Rand) (float64, error) {
	return obj.Loss(x), nil
}

func (panicOptimizer) Step([]float64) (float64, error) { panic("boom") }

// TestExecuteAtInit covers runs decided by Init: a loss that is not finite
// at the start (diverged, final loss +Inf) and a start that already meets
// every target (status target after zero iterations).
func TestExecuteAtInit(t *testing.T) {
	lin := optim.Network{In: 1, Layers: []optim.Layer{{Out: 1, Act: optim.Linear}}}
	t.Run("diverged at init", func(t *testing.T) {
		// Finite data whose loss overflows at any start: (1e200·w)² = +Inf.
		p := &optim.Problem{Name: "overflow", Net: lin, Data: optim.Dataset{N: 2, X: []float64{1e200, 2}, Y: []float64{0, 1}}}
		for _, name := range []string{"backprop", "irprop-"} {
			rec, err := Execute(context.Background(), rtCustomTask(t, p, name, 100), Config{})
			require.NoError(t, err, "divergence is a status, not an error")
			assert.Equal(t, StatusDiverged, rec.Status, name)
			assert.Equal(t, 0, rec.Iters, name)
			assert.True(t, math.IsInf(rec.FinalLoss, 1), "%s: final loss %v, want +Inf", name, rec.FinalLoss)
			rtCheckTrace(t, rec)
		}
	})
	t.Run("every target at init", func(t *testing.T) {
		p := &optim.Problem{Name: "zero", Net: lin, Data: optim.Dataset{N: 1, X: []float64{0}, Y: []float64{0}}}
		rec, err := Execute(context.Background(), rtCustomTask(t, p, "irprop-", 100), Config{})
		require.NoError(t, err)
		assert.Equal(t, StatusTarget, rec.Status)
		assert.Equal(t, 0, rec.Iters)
		for i, tg := range AllTargets() {
			if tg.Kind == LossTarget {
				assert.Equal(t, Hit{Iter: 0, Evals: 1, Seconds: rec.Hits[i].Seconds}, rec.Hits[i], tg.Name)
			}
		}
		rtCheckTrace(t, rec)
		// With KeepGoing the run goes on to its budget.
		rec, err = Execute(context.Background(), rtCustomTask(t, p, "irprop-", 100), Config{KeepGoing: true})
		require.NoError(t, err)
		assert.Equal(t, StatusBudget, rec.Status)
		assert.Equal(t, 100, rec.Iters)
	})
}

func TestExecuteCancelled(t *testing.T) {
	cfg := Config{Problems: []string{"seed3"}, Optimizers: []string{"backprop"}, Seeds: 1, Budget: 1_000_000, PlateauMin: -1}
	tk := rtTask(t, cfg, "seed3", "backprop", 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec, err := Execute(ctx, tk, cfg)
	assert.Nil(t, rec)
	assert.True(t, errors.Is(err, context.Canceled), "err = %v", err)
}

// sameFloat reports whether a and b are equal, treating NaN as equal to NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
