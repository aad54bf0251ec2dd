// Package circles is a user's problem for optbench: which points of the
// square [-1, 1]² lie inside the circle x² + y² < 0.5, learned from the 80
// labelled points of circles.csv, read through optbench's CSV loader.
package circles

import (
	_ "embed"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/dataset"
)

//go:embed circles.csv
var data []byte

// Net is the network trained on the points: 6 tanh units, then one sigmoid
// output per class (inside, outside).
const Net = "6tanh-2sigmoid"

// Def returns the problem's definition, to register with
// optim.RegisterProblem.
func Def() optim.ProblemDef {
	return optim.ProblemDef{
		Name: "circles",
		Doc:  "points inside or outside x² + y² < 0.5: 80 samples × 2 inputs, 2 classes",
		New: func(string) (*optim.Problem, error) {
			t, err := dataset.Parse(data, "circles.csv", dataset.Options{})
			if err != nil {
				return nil, err
			}
			p, err := t.Problem(Net)
			if err != nil {
				return nil, err
			}
			p.Source = nil // compiled in: the fingerprint covers the data
			return p, nil
		},
	}
}
