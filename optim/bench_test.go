package optim_test

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/optbench/optbench/optim"
	_ "github.com/optbench/optbench/optim/catalog" // the built-ins
	"github.com/optbench/optbench/optim/optimtest"
)

// builtinProblems returns the registered problems that are not families
// (the built-ins, registered by optim/catalog, and the shipped data sets).
func builtinProblems(tb testing.TB) []*optim.Problem {
	var ps []*optim.Problem
	for _, d := range optim.ProblemDefs() {
		if d.Prefix != "" {
			continue
		}
		p, err := optim.LookupProblem(d.Name)
		if err != nil {
			tb.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

// benchSetup returns an optimizer of method m initialized on a counting
// objective of p at parameters drawn from a fixed seed. The counter is reset
// after Init, so it counts the evaluations of Steps only. An optimizer that
// is an io.Closer is closed when the test or benchmark ends.
func benchSetup(tb testing.TB, p *optim.Problem, m optim.Method) (optim.Optimizer, *optim.Counter, []float64) {
	tb.Helper()
	opt, err := m.New(m.SettingsFor(p))
	if err != nil {
		tb.Fatalf("%s on %s: %v", m.Name, p.Name, err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, p.Dim())
	p.InitParams(x, rnd)
	c := &optim.Counter{Objective: p.Objective()}
	if _, err := opt.Init(c, x, rnd); err != nil {
		tb.Fatalf("%s on %s: Init: %v", m.Name, p.Name, err)
	}
	if cl, ok := opt.(io.Closer); ok {
		tb.Cleanup(func() { cl.Close() })
	}
	c.LossEvals, c.GradEvals = 0, 0
	return opt, c, x
}

// BenchmarkStep measures one iteration (a full-batch epoch, a GA
// generation, a major iteration of a gonum method) of a run in progress,
// for every built-in problem and optimizer, through optimtest.BenchmarkStep
// exactly as a user's optimizer is measured. The run starts again from the
// same initial parameters every stepRestart = 100 Steps, and as soon as a
// gonum method has ended on its own, so that ns/op is the cost of the
// iterations that runs make. Left alone for b.N (millions of) iterations a
// run would measure something else: seed3's Rprop ends with saturated
// outputs whose residuals (< 1e-150) make subnormal products, which cost
// this AMD EPYC a microcode assist each (115–135 ns per epoch instead of
// 85–95), with a gradient of exactly 0 that moves nothing; a gonum method
// that has stopped does nothing at all. BenchmarkTrainEpoch measures those
// regimes. The restarts' Inits are left out of evals/op; see stepRun for
// whether they are timed. steps/run is the mean length of the runs (below
// 100 for gonum methods that end early, whose ns/op is then that of their
// whole short runs, final failing line search included).
func BenchmarkStep(b *testing.B) {
	optimtest.BenchmarkStep(b, optim.Methods(), builtinProblems(b))
}

// BenchmarkGrad measures the objective's loss and backpropagated gradient,
// on every built-in problem and on the networks of gradSizes.
func BenchmarkGrad(b *testing.B) {
	benchmarkGradSizes(b)
	for _, p := range builtinProblems(b) {
		b.Run("problem="+p.Name, func(b *testing.B) {
			obj := p.Objective()
			x := make([]float64, p.Dim())
			p.InitParams(x, rand.New(rand.NewPCG(1, 2)))
			g := make([]float64, len(x))
			b.ReportAllocs()
			for b.Loop() {
				obj.Grad(g, x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(p.Data.N), "ns/sample")
		})
	}
}

// gradSizes are the networks of BenchmarkGrad's size= cases, samples ×
// inputs → hidden tanh → outputs sigmoid (with biases): spirals' size, the
// 8×8 digits data set's and an MNIST slice's (issue 12).
var gradSizes = []struct{ n, in, hidden, out int }{{194, 2, 20, 1}, {1797, 64, 128, 10}, {2000, 784, 256, 10}}

// sizedObjective returns the MSE of an in→hidden tanh→out sigmoid network
// on n random samples (inputs uniform in [−1, 1], targets 0 or 1) and
// Glorot-uniform parameters (biases 0), all drawn from PCG(12, 0).
func sizedObjective(tb testing.TB, n, in, hidden, out int) (*optim.MSE, []float64) {
	rnd := rand.New(rand.NewPCG(12, 0))
	net := optim.Network{In: in, Layers: []optim.Layer{{Out: hidden, Act: optim.Tanh, Bias: true}, {Out: out, Act: optim.Sigmoid, Bias: true}}}
	d := optim.Dataset{N: n, X: make([]float64, n*in), Y: make([]float64, n*out)}
	for i := range d.X {
		d.X[i] = 2*rnd.Float64() - 1
	}
	for i := range d.Y {
		d.Y[i] = float64(rnd.IntN(2))
	}
	m, err := optim.NewMSE(net, d)
	if err != nil {
		tb.Fatal(err)
	}
	x := make([]float64, m.Dim())
	off, fanIn := 0, in
	for _, l := range net.Layers {
		r := math.Sqrt(6 / float64(fanIn+l.Out))
		for i := range l.Out * fanIn {
			x[off+i] = r * (2*rnd.Float64() - 1)
		}
		off += l.Out*fanIn + l.Out
		fanIn = l.Out
	}
	return m, x
}

// benchmarkGradSizes runs BenchmarkGrad on the networks of gradSizes, named
// size=NxIN-HIDDEN-OUT, with GFlop/s counted as 6·N·weights per gradient
// (two flops per weight and sample in each of the forward product, the
// backward product and the weight gradient: issue 12's convention, which
// counts the input layer's backward product although no one computes it;
// the flops done are 4·N·W₁ + 6·N·W₂).
func benchmarkGradSizes(b *testing.B) {
	for _, s := range gradSizes {
		name := fmt.Sprintf("size=%dx%d-%d-%d", s.n, s.in, s.hidden, s.out)
		b.Run(name, func(b *testing.B) {
			m, x := sizedObjective(b, s.n, s.in, s.hidden, s.out)
			g := make([]float64, len(x))
			b.ReportAllocs()
			for b.Loop() {
				m.Grad(g, x)
			}
			flops := 6 * float64(s.n) * float64(s.in*s.hidden+s.hidden*s.out)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFlop/s")
		})
	}
}

// BenchmarkLoss measures the objective's loss alone (forward passes only).
func BenchmarkLoss(b *testing.B) {
	for _, p := range builtinProblems(b) {
		b.Run("problem="+p.Name, func(b *testing.B) {
			obj := p.Objective()
			x := make([]float64, p.Dim())
			p.InitParams(x, rand.New(rand.NewPCG(1, 2)))
			b.ReportAllocs()
			for b.Loop() {
				obj.Loss(x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(p.Data.N), "ns/sample")
		})
	}
}

// TestStepAllocs checks that Step allocates nothing, for every built-in
// problem and optimizer, gonum's methods included (see Gonum).
func TestStepAllocs(t *testing.T) {
	for _, p := range builtinProblems(t) {
		for _, m := range optim.Methods() {
			t.Run("problem="+p.Name+"/optimizer="+m.Name, func(t *testing.T) {
				opt, _, x := benchSetup(t, p, m)
				var err error
				allocs := testing.AllocsPerRun(100, func() {
					if _, e := opt.Step(x); e != nil && err == nil {
						err = e
					}
				})
				if err != nil {
					t.Fatalf("Step: %v", err)
				}
				if allocs != 0 {
					t.Errorf("Step allocates %v times per call, want 0", allocs)
				}
			})
		}
	}
}

// trainRestarts are the numbers of Steps after which BenchmarkTrainEpoch
// starts training again from the same point: 20 measures epochs before the
// weights saturate (seed3's Rprop runs saturate within about 50 epochs),
// 200 includes the start of the saturated regime, and 10000, the default
// budget of a run, is the mean epoch of a whole default run, including the
// tail where seed3's saturated residuals make subnormal products.
var trainRestarts = []int{20, 200, 10000}

// BenchmarkTrainEpoch measures the mean cost of an iteration during the
// first `restart` iterations of training, restarting from the same initial
// parameters (one Init, i.e. one extra evaluation, per restart: included).
// It shows how the cost of an epoch depends on the regime; BenchmarkStep
// measures every optimizer with restart = 100.
func BenchmarkTrainEpoch(b *testing.B) {
	for _, name := range []string{"seed3", "xor"} {
		p, err := optim.LookupProblem(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, mname := range []string{"backprop", "rprop+", "rprop-", "irprop+", "irprop-", "ga"} {
			m, err := optim.LookupMethod(mname)
			if err != nil {
				b.Fatal(err)
			}
			for _, restartEvery := range trainRestarts {
				b.Run("problem="+p.Name+"/optimizer="+m.Name+"/restart="+strconv.Itoa(restartEvery), func(b *testing.B) {
					optimtest.StepOf[float64](b, m, p, restartEvery)
				})
			}
		}
	}
}

// BenchmarkStep32 is BenchmarkStep in float32 arithmetic, for the
// optimizers that run in it, on the problems of the precision charts and
// xor: compare with BenchmarkStep's float64 figures.
func BenchmarkStep32(b *testing.B) {
	optimtest.BenchmarkStep32(b, optim.Methods(), optimtest.Problems("seed3", "celsius", "xor"))
}
