// Package gonumopt adapts the methods of gonum.org/v1/gonum/optimize
// (L-BFGS, BFGS, CG, Nelder–Mead, CMA-ES) to optbench's optim.Optimizer:
// one gonum major iteration per Step, driven by reverse communication
// instead of optimize.Minimize (see Gonum). BFGS and CMA-ES run
// zero-allocation ports of gonum's BFGS and CmaEsChol that are bitwise
// identical to gonum's (gonumbfgs.go, gonumcmaes.go; LICENSE-gonum).
//
// Methods returns their definitions; package optim/catalog registers them
// with the built-in optimizers.
package gonumopt
