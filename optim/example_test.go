package optim_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/optbench/optbench/optim"
	_ "github.com/optbench/optbench/optim/catalog" // the built-in optimizers and problems, for LookupMethod and LookupProblem
)

// The tutorial's perceptron: full-batch gradient descent with learning rate
// 2 on the MSE (the tutorial's step 1 on ½Σ(y−ŷ)²), 10000 iterations from
// the weights numpy.random.seed(1) draws, then the answer for the new
// situation [1, 0, 0].
func ExampleBackprop() {
	p := optim.Seed3()
	obj := p.Objective()
	x := []float64{-0.165955990594852, 0.4406489868843162, -0.9997712503653102}
	b := &optim.Backprop{LearningRate: 2}
	if _, err := b.Init(obj, x, nil); err != nil {
		log.Fatal(err)
	}
	for range 10000 {
		if _, err := b.Step(x); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("weights: %.2f\n", x)
	fmt.Printf("answer for %v: %.4f\n", p.Query, obj.Predict(nil, x, p.Query)[0])
	// Output:
	// weights: [9.67 -0.21 -4.63]
	// answer for [1 0 0]: 0.9999
}

// Rprop's zero value is iRprop− with the usual defaults (η+ = 1.2,
// η− = 0.5, Δ0 = 0.1). It trains exclusive-or in a few dozen epochs from a
// start that does not lead into one of xor's local minima.
func ExampleRprop() {
	p := optim.XOR()
	obj := p.Objective()
	x := make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(2, 0)))
	var r optim.Rprop
	loss, err := r.Init(obj, x, nil)
	if err != nil {
		log.Fatal(err)
	}
	epochs := 0
	for ; epochs < 500 && loss >= 1e-3; epochs++ {
		if loss, err = r.Step(x); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("solved:", loss < 1e-3 && obj.Classified(x))
	fmt.Println("within 100 epochs:", epochs <= 100)
	// Output:
	// solved: true
	// within 100 epochs: true
}

// A genetic algorithm needs no gradient. On the Celsius→Fahrenheit problem it
// finds f = 1.8·c + 32.
func ExampleGA() {
	p := optim.Celsius()
	obj := p.Objective()
	x := make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(2, 0)))
	ga := &optim.GA{Population: 50}
	if _, err := ga.Init(obj, x, rand.New(rand.NewPCG(2, 1))); err != nil {
		log.Fatal(err)
	}
	for range 1000 {
		if _, err := ga.Step(x); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("f = %.4f·c + %.4f\n", x[0], x[1])
	// Output:
	// f = 1.8000·c + 32.0000
}

func ExampleLookupProblem() {
	for _, name := range []string{"xor", "linsep-1000x20", "linsep-1x5"} {
		p, err := optim.LookupProblem(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %v, %d parameters, %d samples\n", p.Name, p.Net, p.Dim(), p.Data.N)
	}
	// Output:
	// xor: 2→2 sigmoid+b→1 sigmoid+b, 9 parameters, 4 samples
	// linsep-1000x20: 20→1 sigmoid+b, 21 parameters, 1000 samples
	// optim: bad problem "linsep-1x5": want linsep-NxF with N ≥ 2 samples, F ≥ 1 features, N·F ≤ 2^24
}

// Settings come by name, as on the command line; bad ones are rejected with
// an error naming the setting.
func ExampleMethod_New() {
	m, err := optim.LookupMethod("ga")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := m.New(map[string]float64{"population": 100, "elite": 5}); err == nil {
		fmt.Println("ok")
	}
	_, err = m.New(map[string]float64{"population": 10, "elite": 10})
	fmt.Println(err)
	// Output:
	// ok
	// optim: bad setting ga.elite=10: want an integer ≥ 1 and < population
}
