package catalog

import (
	"math"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/gonumopt"
)

// DefaultOptimizers are the optimizers of the default experiment and of an
// experiment that names none: backprop, the four Rprop variants and the GA.
var DefaultOptimizers = []string{"backprop", "rprop+", "rprop-", "irprop+", "irprop-", "ga"}

// inf is the upper bound of settings bounded only below.
var inf = math.Inf(1)

// zeroMeansNone maps a setting's 0 ("none") to the struct fields' negative
// "none", since their zero value means "default".
func zeroMeansNone(v float64) float64 {
	if v == 0 {
		return -1
	}
	return v
}

// both returns the float64 and float32 constructors of an optimizer
// written generically over optim.Float: build64 and build32 are the same
// generic function instantiated twice (Go has no generic function values).
// Each constructor runs the optimizer's Check, so that a bad combination of
// settings is refused when an experiment is planned, not when it runs.
func both[O64 checked[float64], O32 checked[float32]](build64 func(optim.Settings) O64, build32 func(optim.Settings) O32) (
	func(optim.Settings) (optim.Optimizer, error), func(optim.Settings) (optim.OptimizerOf[float32], error)) {
	return func(s optim.Settings) (optim.Optimizer, error) {
			o := build64(s)
			if err := o.Check(); err != nil {
				return nil, err
			}
			return o, nil
		}, func(s optim.Settings) (optim.OptimizerOf[float32], error) {
			o := build32(s)
			if err := o.Check(); err != nil {
				return nil, err
			}
			return o, nil
		}
}

// checked is an optimizer that can check its settings without running.
type checked[T optim.Float] interface {
	optim.OptimizerOf[T]
	Check() error
}

func rpropMethod(v optim.RpropVariant, doc string) optim.Method {
	m := optim.Method{
		Name: v.String(),
		Kind: optim.KindGradient,
		Doc:  doc,
		Params: []optim.Param{
			{Name: "eta+", Label: "step increase η+ (eta+)", Default: optim.DefaultRpropEtaPlus, Doc: "step increase factor, > 1", Bounded: true, Min: 1, MinOpen: true, Max: inf},
			{Name: "eta-", Label: "step decrease η− (eta-)", Default: optim.DefaultRpropEtaMinus, Doc: "step decrease factor, in (0, 1)", Bounded: true, Min: 0, MinOpen: true, Max: 1, MaxOpen: true},
			{Name: "delta0", Label: "initial step Δ0 (delta0)", Default: optim.DefaultRpropDelta0, Doc: "initial step, > 0", Bounded: true, Min: 0, MinOpen: true, Max: inf},
			{Name: "delta-max", Label: "largest step Δmax (delta-max)", Default: optim.DefaultRpropDeltaMax, Doc: "largest step, > 0", Bounded: true, Min: 0, MinOpen: true, Max: inf},
			{Name: "delta-min", Label: "smallest step Δmin (delta-min)", Default: optim.DefaultRpropDeltaMin, Doc: "smallest step, in [0, delta-max] (0: none)", ZeroOK: true, Bounded: true, Min: 0, Max: inf},
		},
	}
	m.Float64, m.Float32 = both(
		func(s optim.Settings) *optim.Rprop { return rprop[float64](v, s) },
		func(s optim.Settings) *optim.RpropOf[float32] { return rprop[float32](v, s) })
	return m
}

func rprop[T optim.Float](v optim.RpropVariant, s optim.Settings) *optim.RpropOf[T] {
	return &optim.RpropOf[T]{Variant: v, EtaPlus: s["eta+"], EtaMinus: s["eta-"], Delta0: s["delta0"],
		DeltaMax: s["delta-max"], DeltaMin: zeroMeansNone(s["delta-min"])}
}

func backprop[T optim.Float](s optim.Settings) *optim.BackpropOf[T] {
	return &optim.BackpropOf[T]{LearningRate: s["lr"], Momentum: s["momentum"]}
}

func ga[T optim.Float](s optim.Settings) *optim.GAOf[T] {
	return &optim.GAOf[T]{Population: int(s["population"]), Elite: int(s["elite"]), Tournament: int(s["tournament"]),
		CrossoverRate: zeroMeansNone(s["crossover"]), Alpha: zeroMeansNone(s["alpha"]), MutationRate: zeroMeansNone(s["mutation"]),
		MutationSigma: s["sigma"], InitRange: s["init-range"]}
}

func nesterov[T optim.Float](s optim.Settings) *optim.NesterovOf[T] {
	return &optim.NesterovOf[T]{LearningRate: s["lr"], Momentum: s["momentum"]}
}

func adam[T optim.Float](s optim.Settings) *optim.AdamOf[T] {
	return &optim.AdamOf[T]{LearningRate: s["lr"], Beta1: s["beta1"], Beta2: s["beta2"], Epsilon: s["epsilon"]}
}

func quickprop[T optim.Float](s optim.Settings) *optim.QuickpropOf[T] {
	return &optim.QuickpropOf[T]{LearningRate: s["lr"], MaxGrowth: s["max-growth"]}
}

// lrParam is the learning rate of the gradient methods.
func lrParam(def float64, doc string) optim.Param {
	return optim.Param{Name: "lr", Label: "learning rate (lr)", Default: def, Doc: doc + ", > 0 (per-problem defaults apply)", Bounded: true, Min: 0, MinOpen: true, Max: inf}
}

// Methods returns the built-in optimizers in their fixed order: backprop,
// the four Rprop variants, the GA, momentum, Nesterov, Adam, Quickprop and
// gonum's methods (package optim/gonumopt). Their defaults are the
// optimizer types' Default… constants.
func Methods() []optim.Method {
	bp := optim.Method{
		Name: "backprop",
		Kind: optim.KindGradient,
		Doc:  "full-batch gradient descent on backprop gradients, optional momentum",
		Params: []optim.Param{
			lrParam(optim.DefaultLearningRate, "learning rate"),
			{Name: "momentum", Label: "momentum μ (momentum)", Default: 0, Doc: "heavy-ball momentum, in [0, 1)", ZeroOK: true, Bounded: true, Min: 0, Max: 1, MaxOpen: true},
		},
	}
	bp.Float64, bp.Float32 = both(backprop[float64], backprop[float32])
	gaM := optim.Method{
		Name: "ga",
		Kind: optim.KindPopulation,
		Doc:  "real-coded GA: tournament selection, elitism, BLX-α crossover, Gaussian mutation",
		Params: []optim.Param{
			{Name: "population", Label: "population size (population)", Default: optim.DefaultGAPopulation, Doc: "individuals, integer in [2, 2^20]", Integer: true, Bounded: true, Min: 2, Max: 1 << 20},
			{Name: "elite", Label: "elite individuals (elite)", Default: optim.DefaultGAElite, Doc: "best individuals kept unchanged, integer in [1, population)", Integer: true, Bounded: true, Min: 1, Max: 1 << 20},
			{Name: "tournament", Label: "tournament size (tournament)", Default: optim.DefaultGATournament, Doc: "tournament size, integer in [1, population]", Integer: true, Bounded: true, Min: 1, Max: 1 << 20},
			{Name: "crossover", Label: "crossover probability (crossover)", Default: optim.DefaultGACrossoverRate, Doc: "crossover probability per pair, in [0, 1]", ZeroOK: true, Bounded: true, Min: 0, Max: 1},
			{Name: "alpha", Label: "BLX-α (alpha)", Default: optim.DefaultGAAlpha, Doc: "BLX-α extension, ≥ 0", ZeroOK: true, Bounded: true, Min: 0, Max: inf},
			{Name: "mutation", Label: "mutation probability (mutation)", Default: optim.DefaultGAMutationRate, Doc: "mutation probability per gene, in [0, 1]", ZeroOK: true, Bounded: true, Min: 0, Max: 1},
			{Name: "sigma", Label: "mutation σ (sigma)", Default: optim.DefaultGAMutationSigma, Doc: "Gaussian mutation standard deviation, > 0", Bounded: true, Min: 0, MinOpen: true, Max: inf},
			{Name: "init-range", Label: "initial range (init-range)", Default: optim.DefaultGAInitRange, Doc: "initial population uniform in [-r, r], > 0", Bounded: true, Min: 0, MinOpen: true, Max: inf},
		},
	}
	gaM.Float64, gaM.Float32 = both(ga[float64], ga[float32])
	mom := optim.Method{
		Name: "momentum",
		Kind: optim.KindGradient,
		Doc:  "gradient descent with heavy-ball momentum (backprop with momentum 0.9)",
		Params: []optim.Param{
			lrParam(optim.DefaultLearningRate, "learning rate"),
			{Name: "momentum", Label: "momentum μ (momentum)", Default: optim.DefaultMomentum, Doc: "heavy-ball momentum, in [0, 1)", ZeroOK: true, Bounded: true, Min: 0, Max: 1, MaxOpen: true},
		},
	}
	mom.Float64, mom.Float32 = both(backprop[float64], backprop[float32])
	nes := optim.Method{
		Name: "nesterov",
		Kind: optim.KindGradient,
		Doc:  "gradient descent with Nesterov momentum (Sutskever et al. 2013)",
		Params: []optim.Param{
			lrParam(optim.DefaultLearningRate, "learning rate"),
			{Name: "momentum", Label: "momentum μ (momentum)", Default: optim.DefaultMomentum, Doc: "momentum, in (0, 1)", Bounded: true, Min: 0, MinOpen: true, Max: 1, MaxOpen: true},
		},
	}
	nes.Float64, nes.Float32 = both(nesterov[float64], nesterov[float32])
	ad := optim.Method{
		Name: "adam",
		Kind: optim.KindGradient,
		Doc:  "Adam (Kingma & Ba 2015) as in Keras/TensorFlow, full batch",
		Params: []optim.Param{
			lrParam(optim.DefaultAdamLearningRate, "learning rate"),
			{Name: "beta1", Label: "first-moment decay β1 (beta1)", Default: optim.DefaultAdamBeta1, Doc: "first-moment decay, in (0, 1)", Bounded: true, Min: 0, MinOpen: true, Max: 1, MaxOpen: true},
			{Name: "beta2", Label: "second-moment decay β2 (beta2)", Default: optim.DefaultAdamBeta2, Doc: "second-moment decay, in (0, 1)", Bounded: true, Min: 0, MinOpen: true, Max: 1, MaxOpen: true},
			{Name: "epsilon", Label: "ε̂ (epsilon)", Default: optim.DefaultAdamEpsilon, Doc: "added to √v (Keras's epsilon hat), > 0", Bounded: true, Min: 0, MinOpen: true, Max: inf},
		},
	}
	ad.Float64, ad.Float32 = both(adam[float64], adam[float32])
	qp := optim.Method{
		Name: "quickprop",
		Kind: optim.KindGradient,
		Doc:  "quickprop (Fahlman 1988): per-weight secant steps plus a gradient term",
		Params: []optim.Param{
			lrParam(optim.DefaultLearningRate, "gradient-descent coefficient ε"),
			{Name: "max-growth", Label: "maximum growth μ (max-growth)", Default: optim.DefaultMaxGrowth, Doc: "maximum growth factor μ, > 0", Bounded: true, Min: 0, MinOpen: true, Max: inf},
		},
	}
	qp.Float64, qp.Float32 = both(quickprop[float64], quickprop[float32])
	ms := []optim.Method{
		bp,
		rpropMethod(optim.RpropPlus, "Rprop+ (Riedmiller & Braun 1993), with weight backtracking"),
		rpropMethod(optim.RpropMinus, "Rprop− (Riedmiller 1994), no backtracking"),
		rpropMethod(optim.IRpropPlus, "iRprop+ (Igel & Hüsken 2000), backtracks only when the loss rose"),
		rpropMethod(optim.IRpropMinus, "iRprop− (Igel & Hüsken 2000), as torch.optim.Rprop"),
		gaM, mom, nes, ad, qp,
	}
	return append(ms, gonumopt.Methods()...)
}
