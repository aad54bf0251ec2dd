package optim_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/optbench/optbench/optim"
)

// halving is a toy optimizer for the example: it halves every parameter
// each Step, so that it converges on problems whose optimum is 0.
type halving[T optim.Float] struct{ obj optim.ObjectiveOf[T] }

func (h *halving[T]) Init(obj optim.ObjectiveOf[T], x []T, _ *rand.Rand) (T, error) {
	if len(x) != obj.Dim() {
		return 0, &optim.DimError{Got: len(x), Want: obj.Dim()}
	}
	h.obj = obj
	return obj.Loss(x), nil
}

func (h *halving[T]) Step(x []T) (T, error) {
	if h.obj == nil {
		return 0, optim.ErrNotInitialized
	}
	for i := range x {
		x[i] /= 2
	}
	return h.obj.Loss(x), nil
}

// ExampleRegisterMethod defines an optimizer for both arithmetics and
// registers it: from then on the runner, the report and the command line
// know it by name, as they know the built-ins.
func ExampleRegisterMethod() {
	m := optim.Method{
		Name: "halving",
		Doc:  "halves every parameter each step",
		Float64: func(optim.Settings) (optim.Optimizer, error) {
			return &halving[float64]{}, nil
		},
		Float32: func(optim.Settings) (optim.OptimizerOf[float32], error) {
			return &halving[float32]{}, nil
		},
	}
	if err := optim.RegisterMethod(m); err != nil {
		fmt.Println(err)
		return
	}
	found, err := optim.LookupMethod("halving")
	if err != nil {
		fmt.Println(err)
		return
	}
	o, err := optim.NewOptimizer[float32](found, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := []float32{1, -1, 1}
	loss, _ := o.Init(optim.ProblemObjective[float32](optim.Seed3(), optim.Plain), x, nil)
	fmt.Printf("loss %.4f at %v\n", loss, x)
	fmt.Println(optim.RegisterMethod(m))
	// Output:
	// loss 0.2177 at [1 -1 1]
	// optim: optimizer "halving" registered twice
}

// ExampleRegisterProblem registers a problem built by hand: two points to
// separate with one sigmoid neuron.
func ExampleRegisterProblem() {
	err := optim.RegisterProblem(optim.ProblemDef{
		Name: "two-points",
		Doc:  "two points, one sigmoid neuron with bias",
		New: func(string) (*optim.Problem, error) {
			net, err := optim.ParseNetwork("1sigmoid", 1)
			if err != nil {
				return nil, err
			}
			return &optim.Problem{Name: "two-points", Net: net, Classification: true,
				Data: optim.Dataset{N: 2, X: []float64{-1, 1}, Y: []float64{0, 1}}}, nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := optim.LookupProblem("two-points")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.Net.Spec(), p.Dim(), "parameters")
	// Output: two-points 1sigmoid 2 parameters
}

// ExampleParseNetwork reads a network spec: hidden and output layers as
// units plus activation, joined by "-".
func ExampleParseNetwork() {
	net, err := optim.ParseNetwork("8tanh-3sigmoid", 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net.Dim(), "parameters:", net.Spec())
	_, err = optim.ParseNetwork("8tanh-x", 4)
	fmt.Println(err)
	// Output:
	// 67 parameters: 8tanh-3sigmoid
	// optim: network spec "8tanh-x": layer 2 "x": want UNITS then an activation (sigmoid, tanh, linear), e.g. 8tanh
}
