package gonumopt

import (
	"math"

	"github.com/optbench/optbench/optim"
)

// The defaults of the gonum methods' settings as optbench passes them:
// gonum's own documented defaults (optimize.LBFGS and optimize.NelderMead
// use the first two for zero fields; CmaEsChol documents 0.5 for a zero
// InitStepSize but uses 0.3, so cmaes passes 0.5 explicitly).
const (
	DefaultStore       = 15   // L-BFGS's stored updates
	DefaultSimplexSize = 0.05 // Nelder–Mead's initial simplex size
	DefaultStepSize    = 0.5  // CMA-ES's initial step size σ0
)

// Methods returns the definitions of the gonum methods as optbench
// optimizers: lbfgs, bfgs, cg, neldermead and cmaes. They run only in
// float64 (gonum's methods work on float64 vectors), so their Float32
// constructors are nil. Package optim/catalog registers them.
func Methods() []optim.Method {
	gonum := func(build func(s optim.Settings) *Gonum) func(optim.Settings) (optim.Optimizer, error) {
		return func(s optim.Settings) (optim.Optimizer, error) {
			g := build(s)
			if err := g.resolve(); err != nil {
				return nil, err
			}
			return g, nil
		}
	}
	return []optim.Method{
		{
			Name:   "lbfgs",
			Kind:   optim.KindGradient,
			Doc:    "gonum L-BFGS, one major iteration per step",
			Params: []optim.Param{{Name: "store", Default: DefaultStore, Doc: "stored updates, integer ≥ 1", Integer: true, Bounded: true, Min: 1, Max: 1 << 20}},
			Float64: gonum(func(s optim.Settings) *Gonum {
				return &Gonum{Method: "lbfgs", Store: int(s["store"])}
			}),
		},
		{
			Name:    "bfgs",
			Kind:    optim.KindGradient,
			Doc:     "gonum BFGS, one major iteration per step",
			Float64: gonum(func(optim.Settings) *Gonum { return &Gonum{Method: "bfgs"} }),
		},
		{
			Name:    "cg",
			Kind:    optim.KindGradient,
			Doc:     "gonum nonlinear conjugate gradient (Hestenes–Stiefel), one major iteration per step",
			Float64: gonum(func(optim.Settings) *Gonum { return &Gonum{Method: "cg"} }),
		},
		{
			Name:   "neldermead",
			Kind:   optim.KindDirect,
			Doc:    "gonum Nelder–Mead simplex, one major iteration per step",
			Params: []optim.Param{{Name: "simplex-size", Default: DefaultSimplexSize, Doc: "initial simplex size, > 0", Bounded: true, Min: 0, MinOpen: true, Max: math.Inf(1)}},
			Float64: gonum(func(s optim.Settings) *Gonum {
				return &Gonum{Method: "neldermead", SimplexSize: s["simplex-size"]}
			}),
		},
		{
			Name: "cmaes",
			Kind: optim.KindPopulation,
			Doc:  "gonum CMA-ES (Cholesky), one generation per step",
			Params: []optim.Param{
				{Name: "population", Default: 0, Doc: "population, integer ≥ 2 (0: 4 + ⌊3 ln dim⌋)", Integer: true, ZeroOK: true, Bounded: true, Min: 2, Max: 1 << 20},
				{Name: "step-size", Default: DefaultStepSize, Doc: "initial step size σ0, > 0", Bounded: true, Min: 0, MinOpen: true, Max: math.Inf(1)},
			},
			Float64: gonum(func(s optim.Settings) *Gonum {
				return &Gonum{Method: "cmaes", Population: int(s["population"]), StepSize: s["step-size"]}
			}),
		},
	}
}
