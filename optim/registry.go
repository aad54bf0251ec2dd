package optim

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Param describes one setting of an optimizer as the command line spells it.
type Param struct {
	Name    string  // e.g. "lr"; set as "backprop.lr=0.5"
	Default float64 // the value used when the setting is absent
	Doc     string  // one line: meaning and allowed range
	Integer bool    // whether only integers are allowed
	ZeroOK  bool    // whether 0 is a valid value (otherwise it is rejected)
}

// Method is a named optimizer configuration: its settings with their
// defaults, and a constructor.
type Method struct {
	// Name is how results files and the command line name the optimizer.
	Name string
	// Doc is a one-line description.
	Doc string
	// Params lists the settings in a fixed order.
	Params []Param
	build  func(v map[string]float64) Optimizer
}

// New returns a fresh optimizer with the given settings (keys are Param
// names without the method prefix); absent settings take their defaults.
// Unknown names and values outside the allowed range are rejected with an
// error naming the setting and what is allowed.
func (m Method) New(settings map[string]float64) (Optimizer, error) {
	v := make(map[string]float64, len(m.Params))
	for _, p := range m.Params {
		v[p.Name] = p.Default
	}
	for k, val := range settings {
		p, ok := m.param(k)
		if !ok {
			return nil, fmt.Errorf("optim: %s has no setting %q; settings: %s", m.Name, k, strings.Join(m.ParamNames(), ", "))
		}
		if math.IsNaN(val) || math.IsInf(val, 0) {
			return nil, &SettingError{m.Name + "." + k, val, "a finite number"}
		}
		if p.Integer && (val != math.Trunc(val) || math.Abs(val) > 1<<30) {
			return nil, &SettingError{m.Name + "." + k, val, "an integer (" + p.Doc + ")"}
		}
		if val == 0 && !p.ZeroOK {
			// The optimizer structs read 0 as "use the default", so a 0
			// given on purpose must be rejected here, not silently replaced.
			return nil, &SettingError{m.Name + "." + k, val, p.Doc}
		}
		v[k] = val
	}
	o := m.build(v)
	if err := validate(o); err != nil {
		// Name the setting as this method spells it: "momentum" is built on
		// Backprop, whose own errors say "backprop.lr".
		var se *SettingError
		if errors.As(err, &se) {
			if _, rest, ok := strings.Cut(se.Field, "."); ok {
				se.Field = m.Name + "." + rest
			}
		}
		return nil, err
	}
	return o, nil
}

// Canonical returns the settings of the method with defaults filled in, as
// sorted "name=value" pairs joined by ";", using the shortest exact decimal
// form of each value. Equal configurations give equal strings.
func (m Method) Canonical(settings map[string]float64) string {
	var parts []string
	for _, p := range m.Params {
		val, ok := settings[p.Name]
		if !ok {
			val = p.Default
		}
		parts = append(parts, p.Name+"="+strconv.FormatFloat(val, 'g', -1, 64))
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

// ParamNames returns the names of the method's settings.
func (m Method) ParamNames() []string {
	var s []string
	for _, p := range m.Params {
		s = append(s, p.Name)
	}
	return s
}

func (m Method) param(name string) (Param, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// validate runs an optimizer's settings check without evaluating anything.
func validate(o Optimizer) error {
	switch o := o.(type) {
	case *Backprop:
		_, _, err := o.settings()
		return err
	case *Rprop:
		return o.resolve()
	case *GA:
		return o.resolve()
	case *Adam:
		return o.resolve()
	case *Nesterov:
		_, _, err := o.settings()
		return err
	case *Quickprop:
		_, _, err := o.settings()
		return err
	case *Gonum:
		return o.resolve()
	}
	return nil
}

func rpropMethod(v RpropVariant, doc string) Method {
	return Method{
		Name: v.String(),
		Doc:  doc,
		Params: []Param{
			{Name: "eta+", Default: 1.2, Doc: "step increase factor, > 1"},
			{Name: "eta-", Default: 0.5, Doc: "step decrease factor, in (0, 1)"},
			{Name: "delta0", Default: 0.1, Doc: "initial step, > 0"},
			{Name: "delta-max", Default: 50, Doc: "largest step, > 0"},
			{Name: "delta-min", Default: 1e-6, Doc: "smallest step, in [0, delta-max] (0: none)", ZeroOK: true},
		},
		build: func(s map[string]float64) Optimizer {
			return &Rprop{Variant: v, EtaPlus: s["eta+"], EtaMinus: s["eta-"], Delta0: s["delta0"],
				DeltaMax: s["delta-max"], DeltaMin: zeroMeansNone(s["delta-min"])}
		},
	}
}

// Methods returns the built-in optimizers in a fixed order.
func Methods() []Method {
	return []Method{
		{
			Name: "backprop",
			Doc:  "full-batch gradient descent on backprop gradients, optional momentum",
			Params: []Param{
				{Name: "lr", Default: 1, Doc: "learning rate, > 0 (per-problem defaults apply)"},
				{Name: "momentum", Default: 0, Doc: "heavy-ball momentum, in [0, 1)", ZeroOK: true},
			},
			build: func(s map[string]float64) Optimizer {
				return &Backprop{LearningRate: s["lr"], Momentum: s["momentum"]}
			},
		},
		rpropMethod(RpropPlus, "Rprop+ (Riedmiller & Braun 1993), with weight backtracking"),
		rpropMethod(RpropMinus, "Rprop− (Riedmiller 1994), no backtracking"),
		rpropMethod(IRpropPlus, "iRprop+ (Igel & Hüsken 2000), backtracks only when the loss rose"),
		rpropMethod(IRpropMinus, "iRprop− (Igel & Hüsken 2000), as torch.optim.Rprop"),
		{
			Name: "ga",
			Doc:  "real-coded GA: tournament selection, elitism, BLX-α crossover, Gaussian mutation",
			Params: []Param{
				{Name: "population", Default: 50, Doc: "individuals, integer in [2, 2^20]", Integer: true},
				{Name: "elite", Default: 2, Doc: "best individuals kept unchanged, integer in [1, population)", Integer: true},
				{Name: "tournament", Default: 3, Doc: "tournament size, integer in [1, population]", Integer: true},
				{Name: "crossover", Default: 0.9, Doc: "crossover probability per pair, in [0, 1]", ZeroOK: true},
				{Name: "alpha", Default: 0.5, Doc: "BLX-α extension, ≥ 0", ZeroOK: true},
				{Name: "mutation", Default: 0.1, Doc: "mutation probability per gene, in [0, 1]", ZeroOK: true},
				{Name: "sigma", Default: 0.1, Doc: "Gaussian mutation standard deviation, > 0"},
				{Name: "init-range", Default: 1, Doc: "initial population uniform in [-r, r], > 0"},
			},
			build: func(s map[string]float64) Optimizer {
				return &GA{Population: int(s["population"]), Elite: int(s["elite"]), Tournament: int(s["tournament"]),
					CrossoverRate: zeroMeansNone(s["crossover"]), Alpha: zeroMeansNone(s["alpha"]), MutationRate: zeroMeansNone(s["mutation"]),
					MutationSigma: s["sigma"], InitRange: s["init-range"]}
			},
		},
		{
			Name: "momentum",
			Doc:  "gradient descent with heavy-ball momentum (backprop with momentum 0.9)",
			Params: []Param{
				{Name: "lr", Default: 1, Doc: "learning rate, > 0 (per-problem defaults apply)"},
				{Name: "momentum", Default: 0.9, Doc: "heavy-ball momentum, in [0, 1)", ZeroOK: true},
			},
			build: func(s map[string]float64) Optimizer {
				return &Backprop{LearningRate: s["lr"], Momentum: s["momentum"]}
			},
		},
		{
			Name: "nesterov",
			Doc:  "gradient descent with Nesterov momentum (Sutskever et al. 2013)",
			Params: []Param{
				{Name: "lr", Default: 1, Doc: "learning rate, > 0 (per-problem defaults apply)"},
				{Name: "momentum", Default: 0.9, Doc: "momentum, in (0, 1)"},
			},
			build: func(s map[string]float64) Optimizer {
				return &Nesterov{LearningRate: s["lr"], Momentum: s["momentum"]}
			},
		},
		{
			Name: "adam",
			Doc:  "Adam (Kingma & Ba 2015) as in Keras/TensorFlow, full batch",
			Params: []Param{
				{Name: "lr", Default: 0.001, Doc: "learning rate, > 0 (per-problem defaults apply)"},
				{Name: "beta1", Default: 0.9, Doc: "first-moment decay, in (0, 1)"},
				{Name: "beta2", Default: 0.999, Doc: "second-moment decay, in (0, 1)"},
				{Name: "epsilon", Default: 1e-7, Doc: "added to √v (Keras's epsilon hat), > 0"},
			},
			build: func(s map[string]float64) Optimizer {
				return &Adam{LearningRate: s["lr"], Beta1: s["beta1"], Beta2: s["beta2"], Epsilon: s["epsilon"]}
			},
		},
		{
			Name: "quickprop",
			Doc:  "quickprop (Fahlman 1988): per-weight secant steps plus a gradient term",
			Params: []Param{
				{Name: "lr", Default: 1, Doc: "gradient-descent coefficient ε, > 0 (per-problem defaults apply)"},
				{Name: "max-growth", Default: 1.75, Doc: "maximum growth factor μ, > 0"},
			},
			build: func(s map[string]float64) Optimizer {
				return &Quickprop{LearningRate: s["lr"], MaxGrowth: s["max-growth"]}
			},
		},
		{
			Name: "lbfgs",
			Doc:  "gonum L-BFGS, one major iteration per step",
			Params: []Param{
				{Name: "store", Default: 15, Doc: "stored updates, integer ≥ 1", Integer: true},
			},
			build: func(s map[string]float64) Optimizer {
				return &Gonum{Method: "lbfgs", Store: int(s["store"])}
			},
		},
		{
			Name:  "bfgs",
			Doc:   "gonum BFGS, one major iteration per step",
			build: func(map[string]float64) Optimizer { return &Gonum{Method: "bfgs"} },
		},
		{
			Name:  "cg",
			Doc:   "gonum nonlinear conjugate gradient (Hestenes–Stiefel), one major iteration per step",
			build: func(map[string]float64) Optimizer { return &Gonum{Method: "cg"} },
		},
		{
			Name: "neldermead",
			Doc:  "gonum Nelder–Mead simplex, one major iteration per step",
			Params: []Param{
				{Name: "simplex-size", Default: 0.05, Doc: "initial simplex size, > 0"},
			},
			build: func(s map[string]float64) Optimizer {
				return &Gonum{Method: "neldermead", SimplexSize: s["simplex-size"]}
			},
		},
		{
			Name: "cmaes",
			Doc:  "gonum CMA-ES (Cholesky), one generation per step",
			Params: []Param{
				{Name: "population", Default: 0, Doc: "population, integer ≥ 2 (0: 4 + ⌊3 ln dim⌋)", Integer: true, ZeroOK: true},
				{Name: "step-size", Default: 0.5, Doc: "initial step size σ0, > 0"},
			},
			build: func(s map[string]float64) Optimizer {
				return &Gonum{Method: "cmaes", Population: int(s["population"]), StepSize: s["step-size"]}
			},
		},
	}
}

// MethodNames returns the names of the built-in optimizers.
func MethodNames() []string {
	var s []string
	for _, m := range Methods() {
		s = append(s, m.Name)
	}
	return s
}

// LookupMethod returns the built-in optimizer with the given name.
func LookupMethod(name string) (Method, error) {
	for _, m := range Methods() {
		if m.Name == name {
			return m, nil
		}
	}
	return Method{}, fmt.Errorf("optim: unknown optimizer %q; known: %s", name, strings.Join(MethodNames(), ", "))
}

// zeroMeansNone maps a command-line 0 ("none") to the struct fields'
// negative "none", since their zero value means "default".
func zeroMeansNone(v float64) float64 {
	if v == 0 {
		return -1
	}
	return v
}
