package optimtest

import (
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/optimize"

	"github.com/optbench/optbench/optim"
)

// StepRestart is the number of Steps after which BenchmarkStep starts its
// run again from the same initial parameters.
const StepRestart = 100

// BenchmarkStep measures one iteration (a full-batch epoch, a GA
// generation, a major iteration of a gonum method) of a run in progress of
// every method on every problem, in float64, as sub-benchmarks named
// "problem=P/optimizer=O" — the names optbench's own BenchmarkStep gives
// the built-ins, so benchstat compares a user's optimizer with them. Each
// method runs with its settings for the problem (optim.Method.SettingsFor).
//
// The run starts again from the same initial parameters every StepRestart
// Steps, and as soon as a method that reports its own end
// (optimize.Statuser, as gonum's do) has ended, so that ns/op is the cost
// of the iterations runs make: left alone for b.N (millions of) iterations
// a run measures something else (saturated outputs whose subnormal
// residuals cost microcode assists, a stopped method that does nothing).
// The restarts' Inits are timed for optimizers that allocate nothing in
// Init after the first, and untimed for io.Closers (gonum's, which start a
// goroutine per run). Metrics: evals/op (loss evaluations per Step, Inits
// left out), ns/eval, steps/run (the mean length of the runs; below
// StepRestart for methods that end early), and allocs/op (b.ReportAllocs).
func BenchmarkStep(b *testing.B, methods []optim.Method, problems []*optim.Problem) {
	for _, p := range problems {
		for _, m := range methods {
			b.Run("problem="+p.Name+"/optimizer="+m.Name, func(b *testing.B) {
				StepOf[float64](b, m, p, StepRestart)
			})
		}
	}
}

// BenchmarkStep32 is BenchmarkStep in float32 arithmetic, for the methods
// that run in it (the others are skipped).
func BenchmarkStep32(b *testing.B, methods []optim.Method, problems []*optim.Problem) {
	for _, p := range problems {
		for _, m := range methods {
			if m.Float32 == nil {
				continue
			}
			b.Run("problem="+p.Name+"/optimizer="+m.Name, func(b *testing.B) {
				StepOf[float32](b, m, p, StepRestart)
			})
		}
	}
}

// StepOf is the body of a BenchmarkStep sub-benchmark: it times Steps of m
// on p's plain objective in the arithmetic T, from parameters drawn from a
// fixed seed, restarting every `every` Steps (see BenchmarkStep).
func StepOf[T optim.Float](b *testing.B, m optim.Method, p *optim.Problem, every int) {
	opt, err := optim.NewOptimizer[T](m, m.SettingsFor(p))
	if err != nil {
		b.Fatal(err)
	}
	x64 := make([]float64, p.Dim())
	p.InitParams(x64, rand.New(rand.NewPCG(1, 2)))
	x0 := make([]T, len(x64))
	optim.ParamsTo(x0, x64)
	r := newStepRun(b, opt, optim.ProblemObjective[T](p, optim.Plain), x0)
	r.every = every
	b.ReportAllocs()
	deeper(stackDepth(b), func() {
		for b.Loop() {
			r.next()
		}
	})
	r.report(b)
}

// StackDepthEnv names the environment variable that makes StepOf time its
// Steps that many frames (of about 64 bytes) deeper on the goroutine's
// stack; unset or empty, 0. The stack's placement moves these nanosecond
// benchmarks by several per cent, as the code's and the heap's do, so
// bench/layout/run.sh varies all three to compare two commits fairly.
const StackDepthEnv = "OPTBENCH_STACK_DEPTH"

// stackDepth returns the depth StackDepthEnv asks for.
func stackDepth(b *testing.B) int {
	v := os.Getenv(StackDepthEnv)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1000 {
		b.Fatalf("%s=%q: want a whole number of frames from 0 to 1000", StackDepthEnv, v)
	}
	return n
}

// deeper calls f levels frames deeper than its caller would.
//
//go:noinline
func deeper(levels int, f func()) byte {
	var pad [32]byte
	if levels <= 0 {
		f()
		return pad[0]
	}
	pad[levels%len(pad)] = byte(levels)
	return deeper(levels-1, f) + pad[levels%len(pad)]
}

// stepRun is a run of one optimizer on one problem that a benchmark keeps
// in progress: next makes one Step, after restarting the run (Init at the
// initial parameters) every `every` Steps and whenever the optimizer has
// ended on its own. It counts the evaluations of Steps and of Inits apart.
// The Inits of io.Closers run with the benchmark's timer stopped; the
// others' are timed, because stopping the timer costs a
// runtime.ReadMemStats (35–65 µs) each time.
type stepRun[T optim.Float] struct {
	b        *testing.B
	untimed  bool              // Inits run with the timer stopped
	statuser optimize.Statuser // opt, when it reports its own end; found once
	opt      optim.OptimizerOf[T]
	every    int
	c        *optim.CounterOf[T]
	rnd      *rand.Rand
	x0, x    []T
	steps    int
	inits    int // number of Inits
	initEvs  int // loss evaluations made by Inits
}

func (r *stepRun[T]) restart() {
	if r.untimed {
		r.b.StopTimer()
		defer r.b.StartTimer()
	}
	copy(r.x, r.x0)
	before := r.c.LossEvals
	if _, err := r.opt.Init(r.c, r.x, r.rnd); err != nil {
		r.b.Fatalf("Init: %v", err)
	}
	r.initEvs += r.c.LossEvals - before
	r.inits++
	r.steps = 0
}

func (r *stepRun[T]) next() {
	ended := false
	if r.statuser != nil {
		status, _ := r.statuser.Status()
		ended = status != optimize.NotTerminated
	}
	if r.steps == r.every || ended {
		r.restart()
	}
	if _, err := r.opt.Step(r.x); err != nil {
		r.b.Fatalf("Step: %v", err)
	}
	r.steps++
}

// report adds the evaluations per Step, the time per timed evaluation and
// the mean number of Steps per run.
func (r *stepRun[T]) report(b *testing.B) {
	evals := r.c.LossEvals - r.initEvs
	timed := evals
	if !r.untimed {
		timed += r.initEvs
	}
	if evals > 0 {
		b.ReportMetric(float64(evals)/float64(b.N), "evals/op")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(timed), "ns/eval")
	}
	b.ReportMetric(float64(b.N)/float64(r.inits+1), "steps/run")
}

// newStepRun returns a started stepRun of opt on obj from the parameters x0.
func newStepRun[T optim.Float](b *testing.B, opt optim.OptimizerOf[T], obj optim.ObjectiveOf[T], x0 []T) *stepRun[T] {
	r := &stepRun[T]{
		b: b, opt: opt, every: StepRestart, c: &optim.CounterOf[T]{Objective: obj},
		rnd: rand.New(rand.NewPCG(1, 3)), x0: x0, x: slices.Clone(x0),
	}
	r.statuser, _ = opt.(optimize.Statuser)
	if cl, ok := opt.(io.Closer); ok {
		r.untimed = true
		b.Cleanup(func() { cl.Close() })
	}
	r.restart()
	// Count from here: the first Init is not timed (b.Loop starts the timer).
	r.c.LossEvals, r.c.GradEvals, r.initEvs, r.inits = 0, 0, 0, 0
	return r
}
