package bench_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/optbench/optbench/bench"
)

func ExampleCheckpoints() {
	fmt.Println(bench.Checkpoints(1000))
	fmt.Println(bench.Checkpoints(7))
	// Output:
	// [1 2 5 10 20 50 100 200 500 1000]
	// [1 2 5 7]
}

// Execute performs one run of a plan; seed3 with iRprop− reaches every
// target long before its budget and stops there.
func ExampleExecute() {
	cfg := bench.Config{Problems: []string{"seed3"}, Optimizers: []string{"irprop-"}, Seeds: 1, Budget: 1000}
	plan, err := bench.NewPlan(cfg)
	if err != nil {
		log.Fatal(err)
	}
	rec, err := bench.Execute(context.Background(), plan.Tasks[0], cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.Status, rec.Iters < rec.Budget, rec.BestLoss <= 1e-12)
	// Output: target true true
}

// Run executes a whole experiment into a folder; rerunning it resumes.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "optbench-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	cfg := bench.Config{Problems: []string{"seed3", "celsius"}, Optimizers: []string{"backprop"}, Seeds: 2, Budget: 100,
		Set: map[string]float64{"backprop.lr": 1}}
	plan, err := bench.NewPlan(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := bench.Run(context.Background(), plan, dir, bench.Options{Workers: 2}); err != nil {
		log.Fatal(err)
	}
	recs, err := bench.LoadRuns(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		fmt.Println(r.Problem, r.Optimizer, r.Seed, r.Status, r.FinalLoss > 1e300)
	}
	// Output:
	// seed3 backprop 1 budget false
	// seed3 backprop 2 budget false
	// celsius backprop 1 diverged true
	// celsius backprop 2 diverged true
}
