package optim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testSettings returns the problem's per-problem defaults for method m
// ("backprop.lr=2" → {"lr": 2}).
func testSettings(t testing.TB, p *Problem, m Method) map[string]float64 {
	t.Helper()
	s := map[string]float64{}
	for _, d := range p.Defaults {
		k, v, ok := strings.Cut(d, "=")
		require.True(t, ok, "malformed default %q", d)
		name, ok := strings.CutPrefix(k, m.Name+".")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		require.NoError(t, err, "default %q", d)
		s[name] = f
	}
	return s
}

// trajectory is the outcome of a run: the loss after Init and after each
// Step, and the final parameters.
type trajectory struct {
	losses []float64
	x      []float64
	err    error
}

// runMethod trains p with m for iters iterations: the starting point is drawn
// from PCG(seed, 0) and the optimizer's randomness from PCG(seed, 1), as the
// bench package does. It stops at the first error.
func runMethod(m Method, settings map[string]float64, p *Problem, seed uint64, iters int) trajectory {
	o, err := m.New(settings)
	if err != nil {
		return trajectory{err: err}
	}
	obj := p.Objective()
	x := make([]float64, p.Dim())
	p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
	loss, err := o.Init(obj, x, rand.New(rand.NewPCG(seed, 1)))
	tr := trajectory{losses: []float64{loss}}
	for i := 0; i < iters && err == nil; i++ {
		loss, err = o.Step(x)
		tr.losses = append(tr.losses, loss)
	}
	tr.x, tr.err = x, err
	return tr
}

// bitsEqual reports whether a and b hold bitwise identical floats.
func bitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(u, v float64) bool { return math.Float64bits(u) == math.Float64bits(v) })
}

var determinismProblems = []string{"seed3", "celsius", "xor", "parity4"}

func TestDeterminism(t *testing.T) {
	const iters = 200
	for _, m := range Methods() {
		for _, name := range determinismProblems {
			t.Run(fmt.Sprintf("optimizer=%s/problem=%s", m.Name, name), func(t *testing.T) {
				p, err := LookupProblem(name)
				require.NoError(t, err)
				s := testSettings(t, p, m)
				a := runMethod(m, s, p, 7, iters)
				b := runMethod(m, s, p, 7, iters)
				c := runMethod(m, s, p, 8, iters)
				require.NoError(t, a.err)
				require.NoError(t, c.err)
				assert.True(t, bitsEqual(a.x, b.x), "same seed, different parameters:\n%v\n%v", a.x, b.x)
				assert.True(t, bitsEqual(a.losses, b.losses), "same seed, different losses")
				// Different seeds start elsewhere, so the trajectories differ,
				// even where both converge to the same exact optimum (e.g. the
				// quasi-Newton methods on celsius).
				assert.False(t, bitsEqual(a.losses, c.losses), "seeds 7 and 8 gave identical loss trajectories")
			})
		}
	}
}

// TestParallelMatchesSequential trains independent objectives in parallel
// goroutines and compares them with sequential runs; under -race it also
// catches shared mutable state between objectives or optimizers.
func TestParallelMatchesSequential(t *testing.T) {
	iters := 150
	if testing.Short() {
		iters = 30
	}
	type job struct {
		m    Method
		s    map[string]float64
		p    *Problem
		seed uint64
	}
	var jobs []job
	for _, m := range Methods() {
		for _, name := range determinismProblems {
			p, err := LookupProblem(name)
			require.NoError(t, err)
			for _, seed := range []uint64{1, 2} {
				jobs = append(jobs, job{m, testSettings(t, p, m), p, seed})
			}
		}
	}
	seq := make([]trajectory, len(jobs))
	for i, j := range jobs {
		seq[i] = runMethod(j.m, j.s, j.p, j.seed, iters)
	}
	par := make([]trajectory, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() { par[i] = runMethod(j.m, j.s, j.p, j.seed, iters) })
	}
	wg.Wait()
	for i, j := range jobs {
		name := fmt.Sprintf("%s/%s/seed=%d", j.m.Name, j.p.Name, j.seed)
		require.NoError(t, seq[i].err, name)
		require.NoError(t, par[i].err, name)
		assert.True(t, bitsEqual(seq[i].x, par[i].x), "%s: parameters differ", name)
		assert.True(t, bitsEqual(seq[i].losses, par[i].losses), "%s: losses differ", name)
	}
}

func TestMethodNewRejectsBadSettings(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		method   string
		settings map[string]float64
		field    string // must appear in the message
	}{
		{"ga", map[string]float64{"population": -10}, "ga.population"},
		{"ga", map[string]float64{"population": 1}, "ga.population"},
		{"ga", map[string]float64{"population": 2.5}, "ga.population"},
		{"ga", map[string]float64{"population": 10, "elite": 10}, "ga.elite"},
		{"ga", map[string]float64{"population": 10, "elite": 12}, "ga.elite"},
		{"ga", map[string]float64{"elite": -1}, "ga.elite"},
		{"ga", map[string]float64{"tournament": 51}, "ga.tournament"},
		{"ga", map[string]float64{"crossover": 1.1}, "ga.crossover"},
		{"ga", map[string]float64{"mutation": nan}, "ga.mutation"},
		{"ga", map[string]float64{"sigma": -1}, "ga.sigma"},
		{"ga", map[string]float64{"init-range": math.Inf(1)}, "ga.init-range"},
		{"irprop-", map[string]float64{"eta-": 1}, "irprop-.eta-"},
		{"irprop-", map[string]float64{"eta-": 1.5}, "irprop-.eta-"},
		{"rprop+", map[string]float64{"eta-": -0.5}, "rprop+.eta-"},
		{"irprop+", map[string]float64{"eta+": 1}, "irprop+.eta+"},
		{"rprop-", map[string]float64{"eta+": 0.9}, "rprop-.eta+"},
		{"rprop-", map[string]float64{"eta+": nan}, "rprop-.eta+"},
		{"rprop-", map[string]float64{"delta-max": -1}, "rprop-.delta-max"},
		{"rprop+", map[string]float64{"delta0": 100}, "rprop+.delta0"},
		{"rprop+", map[string]float64{"delta0": -1}, "rprop+.delta0"},
		{"irprop+", map[string]float64{"delta-min": 60}, "irprop+.delta-min"},
		{"backprop", map[string]float64{"lr": nan}, "backprop.lr"},
		{"backprop", map[string]float64{"lr": -0.1}, "backprop.lr"},
		{"backprop", map[string]float64{"lr": math.Inf(1)}, "backprop.lr"},
		{"backprop", map[string]float64{"momentum": 1}, "backprop.momentum"},
		{"backprop", map[string]float64{"momentum": -0.5}, "backprop.momentum"},
	}
	for _, test := range tests {
		t.Run(fmt.Sprintf("%s/%v", test.method, test.settings), func(t *testing.T) {
			m, err := LookupMethod(test.method)
			require.NoError(t, err)
			var o Optimizer
			require.NotPanics(t, func() { o, err = m.New(test.settings) })
			require.Error(t, err)
			assert.Nil(t, o)
			requireSettingError(t, err, test.field)
		})
	}
}

func TestMethodNewUnknownSetting(t *testing.T) {
	for _, m := range Methods() {
		_, err := m.New(map[string]float64{"learning-rate": 1})
		require.Error(t, err, m.Name)
		assert.Contains(t, err.Error(), `"learning-rate"`, m.Name)
		assert.Contains(t, err.Error(), m.Name)
		for _, p := range m.ParamNames() {
			assert.Contains(t, err.Error(), p, "the message should list the known settings")
		}
	}
}

func TestMethodNewDefaults(t *testing.T) {
	for _, m := range Methods() {
		t.Run(m.Name, func(t *testing.T) {
			o, err := m.New(nil)
			require.NoError(t, err)
			require.NotNil(t, o)
			// Spelling out every default gives the same optimizer.
			all := map[string]float64{}
			for _, p := range m.Params {
				all[p.Name] = p.Default
			}
			o2, err := m.New(all)
			require.NoError(t, err)
			assert.Equal(t, o, o2)
			assert.Equal(t, m.Canonical(nil), m.Canonical(all))
		})
	}
	m, err := LookupMethod("ga")
	require.NoError(t, err)
	o, err := m.New(map[string]float64{"population": 30, "mutation": 0})
	require.NoError(t, err)
	assert.Equal(t, 30, o.(*GA).Population)
	assert.Negative(t, o.(*GA).MutationRate, "mutation=0 means none")
}

func TestLookupMethod(t *testing.T) {
	want := []string{"backprop", "rprop+", "rprop-", "irprop+", "irprop-", "ga", "momentum", "nesterov",
		"adam", "quickprop", "lbfgs", "bfgs", "cg", "neldermead", "cmaes"}
	assert.Equal(t, want, MethodNames())
	for _, name := range want {
		m, err := LookupMethod(name)
		require.NoError(t, err)
		assert.Equal(t, name, m.Name)
	}
	for _, name := range []string{"sgd", "Rprop+", "rprop", "", "ga "} {
		_, err := LookupMethod(name)
		require.Error(t, err, "%q", name)
		assert.Contains(t, err.Error(), strconv.Quote(name))
		assert.Contains(t, err.Error(), "irprop-", "the message should list the known optimizers")
	}
}

// TestStructSettings checks that the optimizers' own Init rejects bad
// settings with a *SettingError naming the field, without panicking and
// without evaluating the objective.
func TestStructSettings(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		o     Optimizer
		field string
	}{
		{&Backprop{LearningRate: nan}, "backprop.lr"},
		{&Backprop{LearningRate: -1}, "backprop.lr"},
		{&Backprop{Momentum: 1}, "backprop.momentum"},
		{&Backprop{Momentum: nan}, "backprop.momentum"},
		{&Rprop{EtaMinus: 1}, "irprop-.eta-"},
		{&Rprop{Variant: RpropPlus, EtaMinus: 2}, "rprop+.eta-"},
		{&Rprop{Variant: IRpropPlus, EtaPlus: 1}, "irprop+.eta+"},
		{&Rprop{Variant: RpropMinus, EtaPlus: 0.5}, "rprop-.eta+"},
		{&Rprop{EtaPlus: math.Inf(1)}, "irprop-.eta+"},
		{&Rprop{DeltaMax: nan}, "irprop-.delta-max"},
		{&Rprop{DeltaMin: nan}, "irprop-.delta-min"},
		{&Rprop{Delta0: nan}, "irprop-.delta0"},
		{&Rprop{Delta0: 1e-7}, "irprop-.delta0"}, // below Δmin = 1e-6
		{&GA{Population: -1}, "ga.population"},
		{&GA{Population: 4, Elite: 4}, "ga.elite"},
	}
	for _, test := range tests {
		t.Run(fmt.Sprintf("%s/%+v", test.field, test.o), func(t *testing.T) {
			cnt := &Counter{Objective: XOR().Objective()}
			var err error
			require.NotPanics(t, func() {
				_, err = test.o.Init(cnt, make([]float64, cnt.Dim()), rand.New(rand.NewPCG(1, 1)))
			})
			requireSettingError(t, err, test.field)
			assert.Zero(t, cnt.LossEvals, "bad settings must be rejected before evaluating")
		})
	}
	r := &Rprop{Variant: RpropVariant(7)}
	_, err := r.Init(XOR().Objective(), make([]float64, 9), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "variant")
}

// optimizerFactories returns a fresh value of every optimizer type.
func optimizerFactories() map[string]func() Optimizer {
	return map[string]func() Optimizer{
		"backprop": func() Optimizer { return &Backprop{} },
		"rprop+":   func() Optimizer { return &Rprop{Variant: RpropPlus} },
		"rprop-":   func() Optimizer { return &Rprop{Variant: RpropMinus} },
		"irprop+":  func() Optimizer { return &Rprop{Variant: IRpropPlus} },
		"irprop-":  func() Optimizer { return &Rprop{Variant: IRpropMinus} },
		"ga":       func() Optimizer { return &GA{} },
	}
}

func TestDimAndInitErrors(t *testing.T) {
	for name, mk := range optimizerFactories() {
		t.Run(name, func(t *testing.T) {
			obj := XOR().Objective()
			d := obj.Dim()
			rnd := rand.New(rand.NewPCG(1, 1))

			_, err := mk().Step(make([]float64, d))
			require.ErrorIs(t, err, ErrNotInitialized, "Step on the zero value")

			for _, n := range []int{0, d - 1, d + 1} {
				o := mk()
				var err error
				require.NotPanics(t, func() { _, err = o.Init(obj, make([]float64, n), rnd) })
				var de *DimError
				require.True(t, errors.As(err, &de), "len %d: got %v, want a *DimError", n, err)
				assert.Equal(t, DimError{Got: n, Want: d}, *de)
				assert.Contains(t, err.Error(), strconv.Itoa(n))
				_, err = o.Step(make([]float64, d))
				assert.ErrorIs(t, err, ErrNotInitialized, "Step after a failed Init")
			}

			o := mk()
			x := make([]float64, d)
			_, err = o.Init(obj, x, rnd)
			require.NoError(t, err)
			_, err = o.Step(make([]float64, d+2))
			var de *DimError
			require.True(t, errors.As(err, &de), "Step with a wrong length: got %v", err)
			assert.Equal(t, DimError{Got: d + 2, Want: d}, *de)
			_, err = o.Step(x)
			require.NoError(t, err, "a rejected Step must not break the optimizer")

			// A failed re-Init leaves the optimizer uninitialized.
			_, err = o.Init(obj, make([]float64, d+1), rnd)
			require.Error(t, err)
			_, err = o.Step(x)
			assert.ErrorIs(t, err, ErrNotInitialized)
		})
	}
}

// TestGradientMethodsEvaluationCount: Init evaluates the gradient once and
// every Step once more, so evaluations = 1 + steps.
func TestGradientMethodsEvaluationCount(t *testing.T) {
	for name, mk := range optimizerFactories() {
		if name == "ga" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			cnt := &Counter{Objective: Parity4().Objective()}
			x := make([]float64, cnt.Dim())
			Parity4().InitParams(x, rand.New(rand.NewPCG(2, 0)))
			o := mk()
			_, err := o.Init(cnt, x, nil)
			require.NoError(t, err)
			for k := 1; k <= 25; k++ {
				_, err := o.Step(x)
				require.NoError(t, err)
				require.Equal(t, 1+k, cnt.GradEvals)
				require.Equal(t, 1+k, cnt.LossEvals)
			}
		})
	}
}

// TestBackpropUpdate checks the update rule on scripted gradients:
// v ← μv − ηg, x ← x + v.
func TestBackpropUpdate(t *testing.T) {
	// backpropTol: three roundings of numbers ≤ 2.
	const backpropTol = 1e-15
	grads := [][]float64{{1, -2}, {0.5, 0.5}, {-1, 0}, {0, 0}}
	tests := []struct {
		b Backprop
		x [][]float64 // after each step, by hand
	}{
		// η = 0.1: x ← x − 0.1g.
		{Backprop{LearningRate: 0.1}, [][]float64{{-0.1, 0.2}, {-0.15, 0.15}, {-0.05, 0.15}}},
		// η = 0.1, μ = 0.5: v = (−0.1, 0.2), (−0.1, 0.05), (0.05, 0.025).
		{Backprop{LearningRate: 0.1, Momentum: 0.5}, [][]float64{{-0.1, 0.2}, {-0.2, 0.25}, {-0.15, 0.275}}},
		// Default η = 1.
		{Backprop{}, [][]float64{{-1, 2}, {-1.5, 1.5}, {-0.5, 1.5}}},
	}
	for _, test := range tests {
		t.Run(fmt.Sprintf("%+v", test.b), func(t *testing.T) {
			obj := &scriptedObjective{grads: grads, losses: []float64{4, 3, 2, 1}}
			b := test.b
			x := []float64{0, 0}
			_, err := b.Init(obj, x, nil)
			require.NoError(t, err)
			for k, want := range test.x {
				loss, err := b.Step(x)
				require.NoError(t, err)
				assert.InDeltaSlice(t, want, x, backpropTol, "step %d", k+1)
				assert.Equal(t, float64(3-k), loss)
			}
		})
	}
}

// TestBackpropDiverges: learning rate 1 on celsius. The largest Hessian
// eigenvalue is ≈ 1119, so the error along its eigenvector grows ≈ 1118×
// per step and the loss (≈ 1e3 at the start) overflows once 1118^{2k}·1e3
// passes 1.8e308: k ≈ 51 (measured: step 50 for seeds 1–3, with and without
// momentum). maxDivergeSteps allows 4× that.
func TestBackpropDiverges(t *testing.T) {
	const maxDivergeSteps = 200
	for _, b := range []Backprop{{LearningRate: 1}, {LearningRate: 1, Momentum: 0.9}} {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("%+v/seed=%d", b, seed), func(t *testing.T) {
				p := Celsius()
				obj := p.Objective()
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				_, err := b.Init(obj, x, nil)
				require.NoError(t, err)
				var loss float64
				steps := 0
				for ; steps < maxDivergeSteps; steps++ {
					loss, err = b.Step(x)
					if err != nil {
						break
					}
				}
				require.ErrorIs(t, err, ErrDiverged, "no divergence within %d steps", maxDivergeSteps)
				t.Logf("diverged at step %d", steps+1)
				for _, v := range x {
					require.True(t, finite(v), "x = %v", x)
				}
				require.True(t, finite(loss))
				assert.Equal(t, obj.Loss(x), loss, "the returned loss is the loss at x")
				last := slices.Clone(x)
				for range 3 {
					l, err := b.Step(x)
					require.ErrorIs(t, err, ErrDiverged)
					assert.Equal(t, last, x, "x changed after divergence")
					assert.Equal(t, loss, l)
				}
				// A new Init starts over.
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				_, err = (&Backprop{LearningRate: 1e-3}).Init(obj, x, nil)
				require.NoError(t, err)
			})
		}
	}
}

// TestBackpropStableOnCelsius: just below 2/λmax ≈ 1.8e-3 gradient descent
// converges (the problem's default, 1e-3, is what bench uses).
func TestBackpropStableOnCelsius(t *testing.T) {
	p := Celsius()
	m, err := LookupMethod("backprop")
	require.NoError(t, err)
	s := testSettings(t, p, m)
	require.Equal(t, map[string]float64{"lr": 0.001}, s)
	tr := runMethod(m, s, p, 1, 2000)
	require.NoError(t, tr.err)
	for k := 1; k < len(tr.losses); k++ {
		require.LessOrEqual(t, tr.losses[k], tr.losses[k-1], "step %d", k)
	}
}

// requireSettingError checks that err is a *SettingError naming field, in
// its Field and in its message.
func requireSettingError(t *testing.T, err error, field string) {
	t.Helper()
	var se *SettingError
	require.True(t, errors.As(err, &se), "got %T %v, want a *SettingError", err, err)
	assert.Equal(t, field, se.Field)
	assert.Contains(t, err.Error(), field)
}
