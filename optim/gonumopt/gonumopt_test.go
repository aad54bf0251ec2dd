package gonumopt

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/internal/testrun"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/optimize"
)

// gradLoss is an Objective whose Loss is computed by Grad, so that a Task
// for F alone and one for F and ∇F give bitwise the same F however the MSE
// sums (the comparison with optimize.Minimize, which calls Problem.Func for
// F, needs identical values).
type gradLoss struct {
	optim.Objective
	g []float64
}

func (o *gradLoss) Loss(x []float64) float64 { return o.Objective.Grad(o.g, x) }

// opCounter wraps a gonum Method and counts the kinds of evaluation Tasks it
// sends, independently of Gonum.
type opCounter struct {
	optimize.Method
	fOnly, gOnly, both int
}

func (c *opCounter) Run(operation chan<- optimize.Task, result <-chan optimize.Task, tasks []optimize.Task) {
	mid := make(chan optimize.Task, cap(operation))
	go c.Method.Run(mid, result, tasks)
	for task := range mid {
		switch task.Op {
		case optimize.FuncEvaluation:
			c.fOnly++
		case optimize.GradEvaluation:
			c.gOnly++
		case optimize.FuncEvaluation | optimize.GradEvaluation:
			c.both++
		}
		operation <- task
	}
	close(operation)
}

func (c *opCounter) Status() (optimize.Status, error) {
	return c.Method.(optimize.Statuser).Status()
}

// gonumReference returns the gonum method that Gonum{Method: name} runs
// with default settings; CMA-ES is seeded as Gonum seeds it from rnd.
func gonumReference(name string, rnd *rand.Rand) optimize.Method {
	switch name {
	case "lbfgs":
		return &optimize.LBFGS{GradStopThreshold: math.NaN()}
	case "bfgs":
		return &optimize.BFGS{GradStopThreshold: math.NaN()}
	case "cg":
		return &optimize.CG{GradStopThreshold: math.NaN()}
	case "neldermead":
		return &optimize.NelderMead{}
	case "cmaes":
		return &optimize.CmaEsChol{Src: rand.NewPCG(rnd.Uint64(), rnd.Uint64())}
	}
	panic(name)
}

// settledGoroutines collects garbage until the number of goroutines stops
// changing (runs abandoned by earlier tests are stopped by cleanups) and
// returns it.
func settledGoroutines() int {
	prev := -1
	for range 200 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n == prev {
			return n
		}
		prev = n
	}
	return prev
}

// waitGoroutines waits up to 5 s, collecting garbage, for the number of
// goroutines to drop to n, and returns the last count.
func waitGoroutines(n int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		got := runtime.NumGoroutine()
		if got <= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestGonumMatchesMinimize: k Steps of Gonum issue exactly the Tasks that
// optimize.Minimize with NeverTerminate and the matching MajorIterations
// limit issues (same Stats, same final location and F, bitwise), and the
// Counter passed to Init sees every evaluation: one Objective.Grad per Task
// that asks for ∇F (with or without F), one Objective.Loss per Task for F
// alone, plus, for CMA-ES, Init's evaluation of the start.
func TestGonumMatchesMinimize(t *testing.T) {
	const k = 25
	for _, name := range gonumMethods {
		for _, pname := range []string{"xor", "parity4", "celsius-tf"} {
			t.Run("method="+name+"/problem="+pname, func(t *testing.T) {
				p := testProblem(t, pname)
				x0 := make([]float64, p.Dim())
				p.InitParams(x0, rand.New(rand.NewPCG(3, 0)))

				cnt := &optim.Counter{Objective: &gradLoss{Objective: p.Objective(), g: make([]float64, p.Dim())}}
				g := &Gonum{Method: name}
				defer g.Close()
				x := slices.Clone(x0)
				_, err := g.Init(cnt, x, rand.New(rand.NewPCG(3, 1)))
				require.NoError(t, err)
				var loss float64
				for range k {
					loss, err = g.Step(x)
					require.NoError(t, err)
				}

				ref := &optim.Counter{Objective: &gradLoss{Objective: p.Objective(), g: make([]float64, p.Dim())}}
				ops := &opCounter{Method: gonumReference(name, rand.New(rand.NewPCG(3, 1)))}
				major, extra := 1+k, 0 // local methods: the start is major iteration 1
				if name == "cmaes" {
					major, extra = k, 1 // CMA-ES: no evaluation of the start; Init adds one
				}
				res, err := optimize.Minimize(optimize.Problem{
					Func: ref.Loss,
					Grad: func(grad, x []float64) { ref.Grad(grad, x) },
				}, x0, &optimize.Settings{Converger: optimize.NeverTerminate{}, MajorIterations: major}, ops)
				require.NotNil(t, res)
				minErr := err // the method's error when it ended on its own

				st := g.Stats()
				status, serr := g.Status()
				t.Logf("Minimize: %v %+v; Gonum: %v %v; Counter %d/%d", res.Status, res.Stats, status, serr, cnt.LossEvals, cnt.GradEvals)
				assert.Equal(t, res.Stats.MajorIterations, st.MajorIterations)
				assert.Equal(t, res.Stats.FuncEvaluations, st.FuncEvaluations)
				assert.Equal(t, res.Stats.GradEvaluations, st.GradEvaluations)
				assert.True(t, blBitsEqual(res.X, x), "x = %v, Minimize %v", x, res.X)
				assert.Equal(t, math.Float64bits(res.F), math.Float64bits(loss))
				if res.Status == optimize.IterationLimit {
					assert.Equal(t, optimize.NotTerminated, status)
				} else {
					assert.Equal(t, res.Status, status, "the method ended on its own")
					assert.Equal(t, minErr, serr)
					assert.Less(t, st.MajorIterations, major)
				}

				assert.Equal(t, ops.gOnly+ops.both, cnt.GradEvals, "one Grad per Task with ∇F")
				assert.Equal(t, ops.fOnly+ops.gOnly+ops.both+extra, cnt.LossEvals, "one objective call per Task")
				assert.Equal(t, res.Stats.GradEvaluations, cnt.GradEvals)
				// Minimize calls Func and Grad separately for a Task with both.
				assert.Equal(t, ops.fOnly+ops.gOnly+2*ops.both, ref.LossEvals)
			})
		}
	}
}

// TestGonumSolvesCelsius: the quasi-Newton methods, CG and Nelder–Mead
// reach the optimum of both Celsius problems (celsius-tf: the exact
// least-squares optimum) within 1e-7, in the major iterations measured on
// seeds 1–5 (quoted), from the problems' [-1, 1] starts.
func TestGonumSolvesCelsius(t *testing.T) {
	const tol = 1e-7
	tests := []struct {
		method string
		budget int
	}{
		{"lbfgs", 30},       // measured 10–13 (celsius), 9–13 (celsius-tf)
		{"bfgs", 30},        // 10–13, 10–13
		{"cg", 10},          // 2, 2
		{"neldermead", 150}, // 79–92, 72–90
	}
	for _, test := range tests {
		for _, pname := range []string{"celsius", "celsius-tf"} {
			t.Run("method="+test.method+"/problem="+pname, func(t *testing.T) {
				p := testProblem(t, pname)
				var hits []int
				for seed := uint64(1); seed <= 5; seed++ {
					_, x, steps := blRun(t, test.method, nil, p, seed, test.budget,
						func(x []float64, _ float64) bool { return p.ParamError(x) < tol })
					hit := steps
					if p.ParamError(x) >= tol {
						hit = -1
					}
					hits = append(hits, hit)
					assert.Less(t, p.ParamError(x), tol, "seed %d", seed)
				}
				t.Logf("major iterations to 1e-7: %v", hits)
			})
		}
	}
}

// TestGonumCMAES: CMA-ES (population 6 for two parameters) gets celsius-tf's
// loss within 1e-6 of the optimum's; measured on seeds 1–5 within 300
// generations: 4 of 5 (one run's covariance collapses away from the optimum
// and gonum ends it with MethodConverge).
func TestGonumCMAES(t *testing.T) {
	p := optim.CelsiusTF()
	best := p.Objective().Loss(p.Optimum)
	solved := 0
	var gaps []float64
	for seed := uint64(1); seed <= 5; seed++ {
		losses, _, _ := blRun(t, "cmaes", nil, p, seed, 300, nil)
		gap := losses[len(losses)-1] - best
		gaps = append(gaps, gap)
		if gap < 1e-6 {
			solved++
		}
	}
	t.Logf("loss − optimum after 300 generations: %.2g", gaps)
	assert.GreaterOrEqual(t, solved, 3)
}

// TestGonumEndsOnItsOwn: on celsius L-BFGS ends its run within a few dozen
// iterations (the line search can make no more progress at the optimum);
// then Step keeps returning the final loss and parameters with a nil error
// and evaluates nothing, and Status says why gonum stopped.
func TestGonumEndsOnItsOwn(t *testing.T) {
	for _, name := range []string{"lbfgs", "bfgs", "cg"} {
		t.Run(name, func(t *testing.T) {
			p := optim.Celsius()
			cnt := &optim.Counter{Objective: p.Objective()}
			x := make([]float64, 2)
			p.InitParams(x, rand.New(rand.NewPCG(1, 0)))
			g := &Gonum{Method: name}
			defer g.Close()
			_, err := g.Init(cnt, x, nil)
			require.NoError(t, err)
			ended := -1
			for step := 1; step <= 100 && ended < 0; step++ {
				_, err := g.Step(x)
				require.NoError(t, err)
				if s, _ := g.Status(); s != optimize.NotTerminated {
					ended = step
				}
			}
			status, serr := g.Status()
			t.Logf("ended at step %d: %v (%v), loss %v", ended, status, serr, cnt.Objective.Loss(x))
			require.Positive(t, ended, "gonum did not end within 100 steps")
			assert.Equal(t, optimize.Failure, status)
			assert.Error(t, serr)
			evals, grads, stats := cnt.LossEvals, cnt.GradEvals, g.Stats()
			last := slices.Clone(x)
			lastLoss := p.Objective().Loss(x)
			for range 5 {
				x[0] += 1 // Step overwrites x with the final parameters.
				loss, err := g.Step(x)
				require.NoError(t, err)
				assert.Equal(t, last, x)
				assert.Equal(t, lastLoss, loss)
			}
			assert.Equal(t, evals, cnt.LossEvals, "no evaluations after the end")
			assert.Equal(t, grads, cnt.GradEvals)
			assert.Equal(t, stats, g.Stats())
			assert.Less(t, p.ParamError(x), 1e-12)
		})
	}
}

// TestGonumGoroutines: Close, re-Init and garbage collection each stop the
// goroutine that runs the gonum method.
func TestGonumGoroutines(t *testing.T) {
	p := optim.XOR()
	start := func(g *Gonum, steps int) {
		x := make([]float64, p.Dim())
		p.InitParams(x, rand.New(rand.NewPCG(1, 0)))
		_, err := g.Init(p.Objective(), x, rand.New(rand.NewPCG(1, 1)))
		require.NoError(t, err)
		for range steps {
			_, err := g.Step(x)
			require.NoError(t, err)
		}
	}
	for _, name := range gonumMethods {
		t.Run(name, func(t *testing.T) {
			base := settledGoroutines() // counted in the subtest's goroutine
			// Close, twice.
			g := &Gonum{Method: name}
			start(g, 5)
			assert.Equal(t, base+1, runtime.NumGoroutine(), "one goroutine per run")
			require.NoError(t, g.Close())
			require.NoError(t, g.Close())
			assert.Equal(t, base, waitGoroutines(base), "after Close")
			// Step after Close evaluates nothing and repeats the loss.
			cnt := &optim.Counter{Objective: p.Objective()}
			x := make([]float64, p.Dim())
			p.InitParams(x, rand.New(rand.NewPCG(2, 0)))
			l0, err := g.Init(cnt, x, rand.New(rand.NewPCG(2, 1)))
			require.NoError(t, err)
			l1, err := g.Step(x)
			require.NoError(t, err)
			require.NoError(t, g.Close())
			n := cnt.LossEvals
			l2, err := g.Step(x)
			require.NoError(t, err)
			assert.Equal(t, n, cnt.LossEvals)
			assert.Equal(t, l1, l2)
			assert.LessOrEqual(t, l1, l0)

			// Re-Init stops the previous run: still one goroutine.
			for range 3 {
				start(g, 2)
				assert.Equal(t, base+1, runtime.NumGoroutine(), "after re-Init")
			}
			// Right after Init (CMA-ES: before its first Task is served).
			start(g, 0)
			require.NoError(t, g.Close())
			assert.Equal(t, base, waitGoroutines(base))

			// Abandoned without Close: collected.
			for range 10 {
				start(&Gonum{Method: name}, 3)
				start(&Gonum{Method: name}, 0)
			}
			assert.Equal(t, base, waitGoroutines(base), "abandoned runs must be stopped when collected")
		})
	}
}

func TestGonumDeterminism(t *testing.T) {
	for _, name := range gonumMethods {
		t.Run(name, func(t *testing.T) {
			p := optim.Parity4()
			la, xa, _ := blRun(t, name, nil, p, 7, 40, nil)
			lb, xb, _ := blRun(t, name, nil, p, 7, 40, nil)
			_, xc, _ := blRun(t, name, nil, p, 8, 40, nil)
			assert.True(t, blBitsEqual(la, lb), "same seed, different losses")
			assert.True(t, blBitsEqual(xa, xb), "same seed, different parameters")
			assert.False(t, blBitsEqual(xa, xc), "seeds 7 and 8 gave identical parameters")
		})
	}
	// CMA-ES draws only from rnd: the same start with another rnd differs.
	p := optim.Parity4()
	run := func(rs uint64) []float64 {
		g := &Gonum{Method: "cmaes"}
		defer g.Close()
		x := make([]float64, p.Dim())
		p.InitParams(x, rand.New(rand.NewPCG(1, 0)))
		_, err := g.Init(p.Objective(), x, rand.New(rand.NewPCG(rs, 1)))
		require.NoError(t, err)
		for range 10 {
			_, err := g.Step(x)
			require.NoError(t, err)
		}
		return x
	}
	assert.True(t, blBitsEqual(run(1), run(1)))
	assert.False(t, blBitsEqual(run(1), run(2)))
	_, err := (&Gonum{Method: "cmaes"}).Init(p.Objective(), make([]float64, p.Dim()), nil)
	assert.ErrorContains(t, err, "rnd")
}

// TestGonumAllocs checks that a Step (one major iteration) allocates
// nothing while the method runs, for every method. BFGS and CMA-ES get
// there through the ports in gonumbfgs.go and gonumcmaes.go (gonum's own
// allocate 3 and 82–100 times per Step on these problems; 37–160 over all).
func TestGonumAllocs(t *testing.T) {
	for _, name := range gonumMethods {
		for _, p := range []*optim.Problem{optim.XOR(), optim.Parity4()} {
			for seed := uint64(1); seed <= 3; seed++ {
				t.Run(fmt.Sprintf("method=%s/problem=%s/seed=%d", name, p.Name, seed), func(t *testing.T) {
					testGonumAllocs(t, name, p, seed)
				})
			}
		}
	}
}

func testGonumAllocs(t *testing.T, name string, p *optim.Problem, seed uint64) {
	g := &Gonum{Method: name}
	defer g.Close()
	x := make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
	_, err := g.Init(p.Objective(), x, rand.New(rand.NewPCG(seed, 1)))
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(20, func() {
		if _, e := g.Step(x); e != nil {
			err = e
		}
	})
	require.NoError(t, err)
	status, serr := g.Status()
	require.Equal(t, optimize.NotTerminated, status, "measure while running (%v)", serr)
	assert.Zero(t, allocs, "allocations per Step")
}

func TestGonumStateErrors(t *testing.T) {
	obj := optim.XOR().Objective()
	d := obj.Dim()
	g := &Gonum{}
	_, err := g.Step(make([]float64, d))
	assert.ErrorIs(t, err, optim.ErrNotInitialized)
	_, err = g.Init(obj, make([]float64, d+1), nil)
	var de *optim.DimError
	require.True(t, errors.As(err, &de), "%v", err)
	_, err = g.Step(make([]float64, d))
	assert.ErrorIs(t, err, optim.ErrNotInitialized)
	x := make([]float64, d)
	_, err = g.Init(obj, x, nil)
	require.NoError(t, err)
	_, err = g.Step(make([]float64, d+2))
	require.True(t, errors.As(err, &de), "%v", err)
	_, err = g.Step(x)
	assert.NoError(t, err)
	require.NoError(t, g.Close())
}

// TestGonumStructSettings: Gonum's Init rejects bad settings before
// evaluating anything, naming the field, and an unknown method by name.
// (These were the Gonum cases of optim's TestBaselineStructSettings.)
func TestGonumStructSettings(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		o     optim.Optimizer
		field string
	}{
		{&Gonum{Store: -1}, "lbfgs.store"},
		{&Gonum{Method: "cmaes", Population: 1}, "cmaes.population"},
		{&Gonum{Method: "cmaes", StepSize: nan}, "cmaes.step-size"},
		{&Gonum{Method: "neldermead", SimplexSize: math.Inf(1)}, "neldermead.simplex-size"},
	}
	for _, test := range tests {
		t.Run(test.field, func(t *testing.T) {
			cnt := &optim.Counter{Objective: optim.XOR().Objective()}
			_, err := test.o.Init(cnt, make([]float64, cnt.Dim()), rand.New(rand.NewPCG(1, 1)))
			requireSettingError(t, err, test.field)
			assert.Zero(t, cnt.LossEvals, "bad settings must be rejected before evaluating")
			_, err = test.o.Step(make([]float64, cnt.Dim()))
			assert.ErrorIs(t, err, optim.ErrNotInitialized)
		})
	}
	_, err := (&Gonum{Method: "newton"}).Init(optim.XOR().Objective(), make([]float64, 9), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"newton"`)
}

// TestGonumMethods: Methods defines the five gonum methods, float64 only,
// each building the Gonum of its name; bad settings are refused by the
// definition with the setting named as the command line spells it.
func TestGonumMethods(t *testing.T) {
	var names []string
	for _, m := range Methods() {
		names = append(names, m.Name)
		t.Run(m.Name, func(t *testing.T) {
			require.NoError(t, m.Validate())
			assert.Nil(t, m.Float32, "gonum's methods run only in float64")
			_, err := optim.NewOptimizer[float32](m, nil)
			assert.ErrorIs(t, err, optim.ErrFloat64Only)
			o, err := m.New(nil)
			require.NoError(t, err)
			require.IsType(t, &Gonum{}, o)
			g := o.(*Gonum)
			defer g.Close()
			assert.Equal(t, m.Name, g.Method)
		})
	}
	assert.Equal(t, gonumMethods, names)
	for _, test := range []struct {
		method string
		s      optim.Settings
		field  string
	}{
		{"lbfgs", optim.Settings{"store": 0}, "lbfgs.store"},
		{"lbfgs", optim.Settings{"store": 1.5}, "lbfgs.store"},
		{"neldermead", optim.Settings{"simplex-size": -1}, "neldermead.simplex-size"},
		{"cmaes", optim.Settings{"population": 1}, "cmaes.population"},
		{"cmaes", optim.Settings{"step-size": math.Inf(1)}, "cmaes.step-size"},
	} {
		t.Run(fmt.Sprintf("%s/%v", test.method, test.s), func(t *testing.T) {
			o, err := testMethod(t, test.method).New(test.s)
			assert.Nil(t, o)
			requireSettingError(t, err, test.field)
		})
	}
	// The gonum defaults as stated: L-BFGS's store and Nelder–Mead's simplex
	// size run exactly as gonum's own defaults for zero fields.
	for _, test := range []struct {
		name string
		set  *Gonum
	}{
		{"lbfgs", &Gonum{Method: "lbfgs", Store: DefaultStore}},
		{"neldermead", &Gonum{Method: "neldermead", SimplexSize: DefaultSimplexSize}},
	} {
		t.Run("defaults/"+test.name, func(t *testing.T) {
			p := optim.Parity4()
			run := func(g *Gonum) []float64 {
				defer g.Close()
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(4, 0)))
				_, err := g.Init(p.Objective(), x, rand.New(rand.NewPCG(4, 1)))
				require.NoError(t, err)
				for range 60 {
					_, err := g.Step(x)
					require.NoError(t, err)
				}
				return x
			}
			assert.True(t, blBitsEqual(run(&Gonum{Method: test.name}), run(test.set)))
		})
	}
}

// nanObjective has a NaN loss everywhere.
type nanObjective struct{ testrun.Quad }

func (*nanObjective) Loss([]float64) float64 { return math.NaN() }
func (o *nanObjective) Grad(grad, x []float64) float64 {
	o.Quad.Grad(grad, x)
	return math.NaN()
}

// TestGonumDiverged: a non-finite loss at the start is ErrDiverged, for
// every method, and leaves no goroutine behind.
func TestGonumDiverged(t *testing.T) {
	for _, name := range gonumMethods {
		t.Run(name, func(t *testing.T) {
			base := settledGoroutines()
			obj := &nanObjective{testrun.Quad{A: []float64{1, 1}, C: []float64{0, 0}}}
			g := &Gonum{Method: name}
			x := []float64{1, 2}
			_, err := g.Init(obj, x, rand.New(rand.NewPCG(1, 1)))
			require.ErrorIs(t, err, optim.ErrDiverged)
			_, err = g.Step(x)
			assert.ErrorIs(t, err, optim.ErrDiverged)
			assert.Equal(t, []float64{1, 2}, x)
			assert.Equal(t, base, waitGoroutines(base), fmt.Sprintf("%s left a goroutine", name))
		})
	}
}

// TestGonumReuse checks that a Gonum initialized again, which reuses the
// gonum method and its workspaces while the settings are unchanged, runs
// bit for bit as a fresh one (after a run on a problem of another size,
// and after a run with other settings), and that a reused method's first
// Steps allocate nothing (a fresh one sizes its workspaces in them).
func TestGonumReuse(t *testing.T) {
	const steps = 25
	run := func(t *testing.T, g *Gonum, p *optim.Problem, seed uint64) (trace []float64, mallocs uint64) {
		t.Helper()
		x := make([]float64, p.Dim())
		p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
		loss, err := g.Init(p.Objective(), x, rand.New(rand.NewPCG(seed, 1)))
		require.NoError(t, err)
		trace = append(trace, loss)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 3 {
			if _, err := g.Step(x); err != nil {
				t.Fatalf("Step: %v", err)
			}
		}
		runtime.ReadMemStats(&after)
		for range steps {
			loss, err := g.Step(x)
			require.NoError(t, err)
			trace = append(trace, loss)
		}
		return append(trace, x...), after.Mallocs - before.Mallocs
	}
	for _, name := range gonumMethods {
		for _, p := range []*optim.Problem{optim.XOR(), optim.Celsius()} {
			t.Run("method="+name+"/problem="+p.Name, func(t *testing.T) {
				fresh := &Gonum{Method: name}
				defer fresh.Close()
				want, _ := run(t, fresh, p, 7)

				g := &Gonum{Method: name}
				defer g.Close()
				run(t, g, optim.Parity4(), 5) // another size
				got, _ := run(t, g, p, 7)
				require.Equal(t, bitsOf(want), bitsOf(got), "reused after another problem")
				got, mallocs := run(t, g, p, 7)
				require.Equal(t, bitsOf(want), bitsOf(got), "reused on the same problem")
				// Nelder–Mead sorts its initial simplex through an interface
				// value: one allocation per run.
				limit := uint64(0)
				if name == "neldermead" {
					limit = 1
				}
				assert.LessOrEqual(t, mallocs, limit, "allocations in the first 3 Steps of a reused method")

				// Other settings build a new method.
				switch name {
				case "lbfgs":
					g.Store = 3
				case "cmaes":
					g.Population = 13 // the default is 6 on celsius, 10 on xor
				case "neldermead":
					g.SimplexSize = 0.5
				default:
					return // bfgs and cg have no settings
				}
				other, _ := run(t, g, p, 7)
				assert.NotEqual(t, bitsOf(want), bitsOf(other))
				ref := &Gonum{Method: name, Store: g.Store, Population: g.Population, SimplexSize: g.SimplexSize}
				defer ref.Close()
				wantOther, _ := run(t, ref, p, 7)
				require.Equal(t, bitsOf(wantOther), bitsOf(other))
			})
		}
	}
}

// bitsOf returns the bit patterns of v, so that equality is bitwise (NaN
// included).
func bitsOf(v []float64) []uint64 {
	b := make([]uint64, len(v))
	for i, f := range v {
		b[i] = math.Float64bits(f)
	}
	return b
}
