package optim_test

import (
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/optbench/optbench/optim"
)

// benchSettings returns the problem's per-problem defaults (Problem.Defaults,
// "method.setting=value") that apply to method m.
func benchSettings(tb testing.TB, p *optim.Problem, m optim.Method) map[string]float64 {
	tb.Helper()
	s := map[string]float64{}
	for _, d := range p.Defaults {
		key, val, ok := strings.Cut(d, "=")
		method, name, ok2 := strings.Cut(key, ".")
		if !ok || !ok2 {
			tb.Fatalf("problem %s: malformed default %q, want method.setting=value", p.Name, d)
		}
		if method != m.Name {
			continue
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			tb.Fatalf("problem %s: default %q: %v", p.Name, d, err)
		}
		s[name] = v
	}
	return s
}

// benchSetup returns an optimizer of method m initialized on a counting
// objective of p at parameters drawn from a fixed seed. The counter is reset
// after Init, so it counts the evaluations of Steps only. An optimizer that
// is an io.Closer is closed when the test or benchmark ends.
func benchSetup(tb testing.TB, p *optim.Problem, m optim.Method) (optim.Optimizer, *optim.Counter, []float64) {
	tb.Helper()
	opt, err := m.New(benchSettings(tb, p, m))
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

// BenchmarkStep measures one optimizer iteration (a full-batch epoch, or a
// GA generation) for every built-in problem and optimizer.
func BenchmarkStep(b *testing.B) {
	for _, p := range optim.Problems() {
		for _, m := range optim.Methods() {
			b.Run("problem="+p.Name+"/optimizer="+m.Name, func(b *testing.B) {
				opt, c, x := benchSetup(b, p, m)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := opt.Step(x); err != nil {
						b.Fatalf("Step: %v", err)
					}
				}
				if c.LossEvals > 0 {
					b.ReportMetric(float64(c.LossEvals)/float64(b.N), "evals/op")
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(c.LossEvals), "ns/eval")
				}
			})
		}
	}
}

// BenchmarkGrad measures the objective's loss and backpropagated gradient.
func BenchmarkGrad(b *testing.B) {
	for _, p := range optim.Problems() {
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

// BenchmarkLoss measures the objective's loss alone (forward passes only).
func BenchmarkLoss(b *testing.B) {
	for _, p := range optim.Problems() {
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
	for _, p := range optim.Problems() {
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
// 200 includes the saturated regime.
var trainRestarts = []int{20, 200}

// BenchmarkTrainEpoch measures the mean cost of an iteration during the
// first `restart` iterations of training, restarting from the same initial
// parameters (one Init, i.e. one extra evaluation, per restart: a 5% or
// 0.5% overhead that is included). BenchmarkStep measures the steady state
// long after convergence, where weights have grown and gradients are tiny
// or subnormal (slow on x86); this one measures the epochs that training
// actually runs.
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
					opt, err := m.New(benchSettings(b, p, m))
					if err != nil {
						b.Fatal(err)
					}
					x0 := make([]float64, p.Dim())
					p.InitParams(x0, rand.New(rand.NewPCG(1, 2)))
					x := append([]float64(nil), x0...)
					obj := p.Objective()
					rnd := rand.New(rand.NewPCG(1, 3))
					restart := func() {
						copy(x, x0)
						if _, err := opt.Init(obj, x, rnd); err != nil {
							b.Fatal(err)
						}
					}
					restart()
					b.ReportAllocs()
					i := 0
					for b.Loop() {
						if i == restartEvery {
							restart()
							i = 0
						}
						if _, err := opt.Step(x); err != nil {
							b.Fatalf("Step: %v", err)
						}
						i++
					}
				})
			}
		}
	}
}

// BenchmarkStep32 is BenchmarkStep in float32 arithmetic, for the
// optimizers that run in it, on the problems of the precision charts and
// xor: compare with BenchmarkStep's float64 figures.
func BenchmarkStep32(b *testing.B) {
	for _, name := range []string{"seed3", "celsius", "xor"} {
		p, err := optim.LookupProblem(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range optim.Methods() {
			opt, err := optim.NewOptimizer[float32](m, benchSettings(b, p, m))
			if err != nil {
				continue // float64 only (gonum)
			}
			b.Run("problem="+p.Name+"/optimizer="+m.Name, func(b *testing.B) {
				rnd := rand.New(rand.NewPCG(1, 2))
				x64 := make([]float64, p.Dim())
				p.InitParams(x64, rnd)
				x := make([]float32, len(x64))
				optim.ParamsTo(x, x64)
				c := &optim.CounterOf[float32]{Objective: optim.ProblemObjective[float32](p, optim.Plain)}
				if _, err := opt.Init(c, x, rnd); err != nil {
					b.Fatalf("Init: %v", err)
				}
				c.LossEvals = 0
				b.ReportAllocs()
				for b.Loop() {
					if _, err := opt.Step(x); err != nil {
						b.Fatalf("Step: %v", err)
					}
				}
				if c.LossEvals > 0 {
					b.ReportMetric(float64(c.LossEvals)/float64(b.N), "evals/op")
				}
			})
		}
	}
}
