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

// ExampleDataSource reads a CSV file as a problem, here the shipped copy of
// Fisher's Iris: the problem is named after the file, its class labels
// are one-hot encoded (one output per class), and its inputs z-scored.
func ExampleDataSource() {
	d := bench.DataSource{Path: "../optim/catalog/data/iris.csv", Net: "8tanh-3sigmoid"}
	p, err := d.Problem()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.Data.N, "samples,", p.Net.In, "inputs,", p.Net.Out(), "outputs; classification:", p.Classification)
	_, err = bench.DataSource{Path: d.Path, Net: "8tanh-2sigmoid"}.Problem()
	fmt.Println(err)
	// Output:
	// iris 150 samples, 4 inputs, 3 outputs; classification: true
	// ../optim/catalog/data/iris.csv: network "8tanh-2sigmoid" has 2 outputs, but the data have 3 classes (setosa, versicolor, virginica): want an output layer of 3 units
}
