package bench_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
)

// runnerIters is the length of the runs BenchmarkRunner times.
const runnerIters = 1_000_000

// BenchmarkRunner compares the bare optimizer loop with Execute on the same
// run (seed3 with backprop never reaches every target nor plateaus, so
// Execute checks its targets at every iteration of its 10⁶): the difference
// in ns/iter is the runner's overhead (target ≤ 5%). Compare with
// benchstat -col /runner.
func BenchmarkRunner(b *testing.B) {
	for _, tc := range []struct{ problem, optimizer string }{{"seed3", "backprop"}} {
		cfg := bench.Config{Problems: []string{tc.problem}, Optimizers: []string{tc.optimizer}, Seeds: 1,
			Budget: runnerIters, PlateauMin: -1}
		plan, err := bench.NewPlan(cfg)
		if err != nil {
			b.Fatal(err)
		}
		task := plan.Tasks[0]
		prefix := "problem=" + tc.problem + "/optimizer=" + tc.optimizer
		b.Run(prefix+"/runner=loop", func(b *testing.B) {
			p := task.Problem
			mse := p.Objective()
			x := make([]float64, p.Dim())
			b.ReportAllocs()
			for b.Loop() {
				p.InitParams(x, rand.New(rand.NewPCG(task.Seed, 1)))
				opt, err := task.Method.New(task.Settings)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := opt.Init(mse, x, rand.New(rand.NewPCG(task.Seed, 2))); err != nil {
					b.Fatal(err)
				}
				for range runnerIters {
					if _, err := opt.Step(x); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/runnerIters, "ns/iter")
		})
		b.Run(prefix+"/runner=execute", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec, err := bench.Execute(context.Background(), task, cfg)
				if err != nil {
					b.Fatal(err)
				}
				if rec.Status != bench.StatusBudget || rec.Iters != runnerIters {
					b.Fatalf("status %s after %d iterations, want budget after %d", rec.Status, rec.Iters, runnerIters)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/runnerIters, "ns/iter")
		})
	}
}

// BenchmarkThroughput runs a 60-run experiment (seed3 and xor × irprop- and
// backprop × 15 seeds, budget 100000, no plateau detection) into a fresh
// folder per op, with 1 and 2 workers; with two cores, 2 workers should
// reach ≥ 1.8× the runs/s of 1.
func BenchmarkThroughput(b *testing.B) {
	cfg := bench.Config{Problems: []string{"seed3", "xor"}, Optimizers: []string{"irprop-", "backprop"}, Seeds: 15,
		Budget: 100000, PlateauMin: -1}
	plan, err := bench.NewPlan(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run("workers="+strconv.Itoa(w), func(b *testing.B) {
			root := b.TempDir()
			for b.Loop() {
				dir, err := os.MkdirTemp(root, "run")
				if err != nil {
					b.Fatal(err)
				}
				if err := bench.Run(context.Background(), plan, dir, bench.Options{Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(plan.Tasks)*b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
}

// mediumProblem is a classification problem of the size of the 8×8 digits
// data set with random data: 1797 samples, 64 inputs → 128 tanh → 10
// sigmoid (issue 12), whose layers are wide (optim's gemm kernels).
func mediumProblem() *optim.Problem {
	const n, in, hidden, out = 1797, 64, 128, 10
	rnd := rand.New(rand.NewPCG(12, 3))
	p := &optim.Problem{Name: "medium-1797x64-128-10", Classification: true,
		Description: "random data, 1797 samples × 64 inputs → 128 tanh → 10 sigmoid",
		Net:         optim.Network{In: in, Layers: []optim.Layer{{Out: hidden, Act: optim.Tanh, Bias: true}, {Out: out, Act: optim.Sigmoid, Bias: true}}},
		Data:        optim.Dataset{N: n, X: make([]float64, n*in), Y: make([]float64, n*out)}}
	for i := range p.Data.X {
		p.Data.X[i] = 2*rnd.Float64() - 1
	}
	for s := range n {
		p.Data.Y[s*out+rnd.IntN(out)] = 1
	}
	return p
}

// BenchmarkThroughputMedium is BenchmarkThroughput on a medium network
// (mediumProblem): 8 backprop runs of 25 epochs (about 5 ms each) per op,
// with 1 and 2 workers, and both in each op (workers=1v2, whose metric
// speedup is the ratio of their times). Each gradient stays on one core;
// with two idle cores, 2 workers should reach ≥ 1.8× the runs/s of 1.
func BenchmarkThroughputMedium(b *testing.B) {
	cfg := bench.Config{Problems: []string{"xor"}, Optimizers: []string{"backprop"}, Seeds: 8, Budget: 25, PlateauMin: -1}
	plan, err := bench.NewPlan(cfg)
	if err != nil {
		b.Fatal(err)
	}
	p := mediumProblem()
	for i := range plan.Tasks {
		plan.Tasks[i].Problem = p
	}
	for _, w := range []int{1, 2} {
		b.Run("problem="+p.Name+"/workers="+strconv.Itoa(w), func(b *testing.B) {
			root := b.TempDir()
			for b.Loop() {
				dir, err := os.MkdirTemp(root, "run")
				if err != nil {
					b.Fatal(err)
				}
				if err := bench.Run(context.Background(), plan, dir, bench.Options{Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(plan.Tasks)*b.N)/b.Elapsed().Seconds(), "runs/s")
		})
	}
	// Both worker counts in every op, one after the other, so that a
	// change in the machine's load moves both: the ratio of their times
	// is the speed-up of 2 workers.
	b.Run("problem="+p.Name+"/workers=1v2", func(b *testing.B) {
		root := b.TempDir()
		var t [2]time.Duration
		for b.Loop() {
			for k, w := range []int{1, 2} {
				dir, err := os.MkdirTemp(root, "run")
				if err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				if err := bench.Run(context.Background(), plan, dir, bench.Options{Workers: w}); err != nil {
					b.Fatal(err)
				}
				t[k] += time.Since(t0)
			}
		}
		b.ReportMetric(t[0].Seconds()/t[1].Seconds(), "speedup")
	})
}

// summaryRuns are the experiment sizes BenchmarkWriteSummaries times.
var summaryRuns = []int{10_000, 50_000, 200_000}

// BenchmarkWriteSummaries times the summary phase (summary.csv,
// targets.csv, compare.csv, results.bench) of made-up experiments of
// summaryRuns runs: 4 problems × 5 optimizers × runs/20 seeds, each run a
// trajectory of checkpoints to a budget of 1000. Its ns/op divided by the
// runs (the ns/run metric) stays flat when the phase grows as n log n.
//
//	go test ./bench -run '^$' -bench WriteSummaries -benchtime 1x -count 3
func BenchmarkWriteSummaries(b *testing.B) {
	for _, n := range summaryRuns {
		b.Run("runs="+strconv.Itoa(n), func(b *testing.B) {
			opts := []string{"a", "b", "lo", "mid", "hi"}
			problems := []string{"seed3", "xor", "celsius", "parity4"}
			seeds := n / (len(opts) * len(problems))
			plan, err := bench.NewPlan(bench.Config{Problems: problems, Optimizers: opts, Seeds: seeds, Budget: 1000})
			if err != nil {
				b.Fatal(err)
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			recs := make([]*bench.Record, 0, len(plan.Tasks))
			for _, t := range plan.Tasks {
				scale := 0.01 + rnd.Float64()
				hit := -1
				if rnd.IntN(2) == 0 {
					hit = 10 + rnd.IntN(900)
				}
				r := smRun(t.Method.Name, t.Seed, 1000, 1000, hit, bench.StatusBudget, func(it int) float64 { return scale / float64(it+1) })
				r.Problem = t.Problem.Name
				recs = append(recs, r)
			}
			dir := b.TempDir()
			b.ReportAllocs()
			for b.Loop() {
				if err := bench.WriteSummaries(dir, plan, recs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/run")
		})
	}
}
