// Package catalog registers optbench's built-in optimizers and problems
// with package optim, through the same public API a user's own optimizers
// and problems use (optim.RegisterMethod, optim.RegisterProblem): import it
// for its side effect,
//
//	import _ "github.com/optbench/optbench/optim/catalog"
//
// and every built-in name is known to optim.LookupMethod and
// optim.LookupProblem, and so to the runner (package bench), the report and
// the command line. Nothing else in optbench knows a built-in by name
// except the default experiment (DefaultOptimizers, DefaultProblems).
//
// The optimizers are backprop (gradient descent, optional momentum), the
// four Rprop variants, a real-coded GA, momentum, Nesterov, Adam, Quickprop
// (all in package optim, generic over float32 and float64) and gonum's
// L-BFGS, BFGS, CG, Nelder–Mead and CMA-ES (package optim/gonumopt, float64
// only). The problems are the tutorial's perceptron and Celsius data, xor,
// parity4, two spirals, linearly separable data, and the real data sets
// Iris, Wine and Breast Cancer Wisconsin, shipped in data/ with their
// sources and licences (data/README.md) and read through package
// optim/dataset exactly as a user's CSV file is.
package catalog
