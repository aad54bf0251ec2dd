package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingObjective records every point Loss is called at, with the value.
type recordingObjective struct {
	Objective
	xs     [][]float64
	losses []float64
}

func (r *recordingObjective) Loss(x []float64) float64 {
	f := r.Objective.Loss(x)
	r.xs = append(r.xs, append([]float64(nil), x...))
	r.losses = append(r.losses, f)
	return f
}

func (r *recordingObjective) reset() { r.xs, r.losses = r.xs[:0], r.losses[:0] }

// rankedLoss is how the GA ranks a loss: NaN counts as +Inf.
func rankedLoss(f float64) float64 {
	if math.IsNaN(f) {
		return math.Inf(1)
	}
	return f
}

func TestGABestNeverWorse(t *testing.T) {
	gens := 1000
	if testing.Short() {
		gens = 200
	}
	for _, name := range []string{"seed3", "celsius", "xor", "parity4"} {
		for _, seed := range []uint64{1, 2, 3, 4} {
			t.Run(fmt.Sprintf("problem=%s/seed=%d", name, seed), func(t *testing.T) {
				p := testProblem(t, name)
				obj, check := p.Objective(), p.Objective()
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				ga := &GA{Population: 20}
				best, err := ga.Init(obj, x, rand.New(rand.NewPCG(seed, 1)))
				require.NoError(t, err)
				require.Equal(t, check.Loss(x), best, "Init must leave the best individual in x")
				start := best
				for g := 1; g <= gens; g++ {
					loss, err := ga.Step(x)
					require.NoError(t, err)
					require.LessOrEqual(t, loss, best, "generation %d got worse", g)
					require.Equal(t, check.Loss(x), loss, "generation %d: x does not have the reported loss", g)
					require.Equal(t, loss, ga.Best())
					best = loss
				}
				assert.Less(t, best, start, "no progress in %d generations", gens)
			})
		}
	}
}

// TestGAGeneration checks one generation at a time against the previous
// population: the elite survive unchanged and first, every evaluation is of
// a child that ends up in the new population with that loss, every child
// that differs from all parents was evaluated, the number of evaluations
// (counted by Counter) is at most population − elite, and every stored
// fitness is the loss of its individual.
func TestGAGeneration(t *testing.T) {
	tests := []struct {
		name string
		ga   GA
	}{
		{"defaults", GA{}},
		{"small", GA{Population: 7, Elite: 1, Tournament: 2}},
		{"odd-population", GA{Population: 9, Elite: 2, CrossoverRate: 0.5, MutationRate: 0.3}},
		{"mutation-only", GA{Population: 10, CrossoverRate: -1, MutationRate: 0.5}},
		{"crossover-only", GA{Population: 10, MutationRate: -1}},
		{"arithmetic", GA{Population: 12, Elite: 3, Alpha: -1, MutationRate: 0.05}},
	}
	for _, test := range tests {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/seed=%d", test.name, seed), func(t *testing.T) {
				p := XOR()
				rec := &recordingObjective{Objective: p.Objective()}
				cnt := &Counter{Objective: rec}
				check := p.Objective()
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				x0 := slices.Clone(x)
				ga := test.ga
				_, err := ga.Init(cnt, x, rand.New(rand.NewPCG(seed, 1)))
				require.NoError(t, err)
				n, e, d := ga.n, ga.elites, p.Dim()
				require.Equal(t, n, cnt.LossEvals, "Init evaluates the whole population")
				require.Equal(t, 0, cnt.GradEvals, "the GA never asks for gradients")
				require.Equal(t, x0, ga.pop[:d], "the first individual is the starting point")
				for gen := 1; gen <= 40; gen++ {
					oldPop, oldFit := slices.Clone(ga.pop), slices.Clone(ga.fit)
					order := make([]int, n)
					for i := range order {
						order[i] = i
					}
					sort.SliceStable(order, func(a, b int) bool { return oldFit[order[a]] < oldFit[order[b]] })
					rec.reset()
					before := cnt.LossEvals
					_, err := ga.Step(x)
					require.NoError(t, err)
					evals := cnt.LossEvals - before
					require.Equal(t, len(rec.xs), evals)
					require.LessOrEqual(t, evals, n-e, "generation %d", gen)

					ind := func(k int) []float64 { return ga.pop[k*d : (k+1)*d] }
					isOld := func(v []float64) bool {
						for k := range n {
							if slices.Equal(oldPop[k*d:(k+1)*d], v) {
								return true
							}
						}
						return false
					}
					for j := range e {
						assert.Equal(t, oldPop[order[j]*d:(order[j]+1)*d], ind(j), "elite %d", j)
						assert.Equal(t, oldFit[order[j]], ga.fit[j], "elite %d fitness", j)
					}
					used := make([]bool, n)
					for i, v := range rec.xs {
						found := false
						for k := e; k < n; k++ {
							if !used[k] && slices.Equal(ind(k), v) && ga.fit[k] == rankedLoss(rec.losses[i]) {
								used[k], found = true, true
								break
							}
						}
						assert.True(t, found, "generation %d: evaluation %d is not a child in the new population", gen, i)
					}
					for k := e; k < n; k++ {
						if !isOld(ind(k)) {
							assert.True(t, used[k], "generation %d: new child %d was not evaluated", gen, k)
						}
					}
					for k := range n {
						require.Equal(t, rankedLoss(check.Loss(ind(k))), ga.fit[k], "generation %d: stale fitness of %d", gen, k)
					}
					require.Equal(t, ind(ga.best), x)
				}
			})
		}
	}
}

// TestGAEvaluationCounts checks the two extremes exactly: with neither
// crossover nor mutation every child is a copy of a parent and nothing is
// evaluated; with crossover probability 1 every child is new and evaluated.
func TestGAEvaluationCounts(t *testing.T) {
	tests := []struct {
		name    string
		ga      GA
		perGen  int
		popSize int
	}{
		{"copies-only", GA{Population: 10, CrossoverRate: -1, MutationRate: -1}, 0, 10},
		{"always-cross", GA{Population: 10, Elite: 3, CrossoverRate: 1, MutationRate: -1}, 7, 10},
		{"always-cross-mutate", GA{Population: 11, Elite: 1, CrossoverRate: 1, MutationRate: 1}, 10, 11},
		{"always-mutate", GA{Population: 8, CrossoverRate: -1, MutationRate: 1}, 6, 8},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			p := Seed3()
			cnt := &Counter{Objective: p.Objective()}
			x := make([]float64, p.Dim())
			p.InitParams(x, rand.New(rand.NewPCG(9, 0)))
			ga := test.ga
			_, err := ga.Init(cnt, x, rand.New(rand.NewPCG(9, 1)))
			require.NoError(t, err)
			require.Equal(t, test.popSize, cnt.LossEvals)
			for gen := range 20 {
				before := cnt.LossEvals
				_, err := ga.Step(x)
				require.NoError(t, err)
				require.Equal(t, test.perGen, cnt.LossEvals-before, "generation %d", gen+1)
			}
		})
	}
}

func TestGASettings(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	bad := []struct {
		ga    GA
		field string
	}{
		{GA{Population: -5}, "ga.population"},
		{GA{Population: 1}, "ga.population"},
		{GA{Population: 1<<20 + 1}, "ga.population"},
		{GA{Population: 10, Elite: 10}, "ga.elite"},
		{GA{Population: 10, Elite: 11}, "ga.elite"},
		{GA{Population: 10, Elite: -1}, "ga.elite"},
		{GA{Population: 2}, "ga.elite"}, // the default elite of 2 needs ≥ 3 individuals
		{GA{Tournament: -1}, "ga.tournament"},
		{GA{Population: 5, Tournament: 6}, "ga.tournament"},
		{GA{CrossoverRate: 1.5}, "ga.crossover"},
		{GA{CrossoverRate: nan}, "ga.crossover"},
		{GA{Alpha: nan}, "ga.alpha"},
		{GA{Alpha: inf}, "ga.alpha"},
		{GA{MutationRate: 2}, "ga.mutation"},
		{GA{MutationRate: nan}, "ga.mutation"},
		{GA{MutationSigma: -0.1}, "ga.sigma"},
		{GA{MutationSigma: nan}, "ga.sigma"},
		{GA{MutationSigma: inf}, "ga.sigma"},
		{GA{InitRange: -1}, "ga.init-range"},
		{GA{InitRange: nan}, "ga.init-range"},
		{GA{InitRange: inf}, "ga.init-range"},
	}
	for _, test := range bad {
		t.Run(fmt.Sprintf("%s/%+v", test.field, test.ga), func(t *testing.T) {
			ga := test.ga
			var err error
			require.NotPanics(t, func() {
				_, err = ga.Init(Seed3().Objective(), make([]float64, 3), rand.New(rand.NewPCG(1, 1)))
			})
			requireSettingError(t, err, test.field)
			_, err = ga.Step(make([]float64, 3))
			assert.ErrorIs(t, err, ErrNotInitialized)
		})
	}

	t.Run("nil-rand", func(t *testing.T) {
		ga := &GA{}
		_, err := ga.Init(Seed3().Objective(), make([]float64, 3), nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ga.rand")
	})

	good := []GA{
		{},
		{Population: 2, Elite: 1, Tournament: 2},
		{Population: 3, Tournament: 3},
		{CrossoverRate: 1, MutationRate: 1, Alpha: 3},
		{CrossoverRate: -1, MutationRate: -1, Alpha: -1},
	}
	for _, ga := range good {
		_, err := ga.Init(Seed3().Objective(), make([]float64, 3), rand.New(rand.NewPCG(1, 1)))
		assert.NoError(t, err, "%+v", ga)
	}
}

// TestGAInitPopulation checks the documented initial population: the first
// individual is x, the others uniform in [-InitRange, InitRange].
func TestGAInitPopulation(t *testing.T) {
	p := XOR()
	x := make([]float64, p.Dim())
	for i := range x {
		x[i] = 100 + float64(i) // far outside the init range: never the best
	}
	x0 := slices.Clone(x)
	ga := &GA{Population: 200, InitRange: 0.25}
	_, err := ga.Init(p.Objective(), x, rand.New(rand.NewPCG(3, 3)))
	require.NoError(t, err)
	d := p.Dim()
	assert.Equal(t, x0, ga.pop[:d])
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range ga.pop[d:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	assert.GreaterOrEqual(t, lo, -0.25)
	assert.LessOrEqual(t, hi, 0.25)
	// 1791 uniform draws: the extremes lie within 0.005 of the ends unless
	// something is off by a factor (probability of failure ~e^-18).
	assert.Less(t, lo, -0.245)
	assert.Greater(t, hi, 0.245)
	assert.NotEqual(t, x0, x, "x must hold the best individual, not the (bad) start")
}

// TestGANonFiniteLosses: individuals with NaN or infinite losses rank last
// and never become the best.
func TestGANonFiniteLosses(t *testing.T) {
	obj := &nanFarObjective{Objective: Seed3().Objective()}
	x := []float64{0.1, -0.1, 0.2}
	ga := &GA{Population: 30, MutationSigma: 2}
	best, err := ga.Init(obj, x, rand.New(rand.NewPCG(4, 4)))
	require.NoError(t, err)
	for range 50 {
		loss, err := ga.Step(x)
		require.NoError(t, err)
		require.False(t, math.IsNaN(loss) || math.IsInf(loss, 0))
		require.LessOrEqual(t, loss, best)
		best = loss
	}
}

// nanFarObjective returns NaN for parameters with |x_0| > 0.5.
type nanFarObjective struct{ Objective }

func (o *nanFarObjective) Loss(x []float64) float64 {
	if math.Abs(x[0]) > 0.5 {
		return math.NaN()
	}
	return o.Objective.Loss(x)
}

// TestOrderKey checks that orderKey orders losses as < does, for every
// pair of a table of special and ordinary values and of random ones, in
// float64 and float32: tournament compares keys instead of losses.
func TestOrderKey(t *testing.T) {
	vals := []float64{math.Inf(-1), -math.MaxFloat64, -1e300, -2, -1, -math.SmallestNonzeroFloat64,
		math.Copysign(0, -1), 0, math.SmallestNonzeroFloat64, 0x1p-1022, 1e-300, 1e-7, 0.125, 1,
		1 + 0x1p-52, 2, 1e300, math.MaxFloat64, math.Inf(1)}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		vals = append(vals, math.Float64frombits(rnd.Uint64())) // any sign and exponent
	}
	vals = slices.DeleteFunc(vals, math.IsNaN)
	for _, u := range vals {
		for _, v := range vals {
			require.Equal(t, u < v, orderKey(u) < orderKey(v), "%g < %g", u, v)
			u32, v32 := float32(u), float32(v)
			require.Equal(t, u32 < v32, orderKey(u32) < orderKey(v32), "float32 %g < %g", u32, v32)
		}
	}
}
