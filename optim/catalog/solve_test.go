package catalog_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/optim"
)

// Solve rates of the built-in optimizers on the built-in problems, with the
// per-problem defaults the runner applies.

// TestBackpropStableOnCelsius: just below 2/λmax ≈ 1.8e-3 gradient descent
// converges (the problem's default, 1e-3, is what bench uses).
func TestBackpropStableOnCelsius(t *testing.T) {
	p := lookupProblem(t, "celsius")
	m := lookupMethod(t, "backprop")
	s := testSettings(t, p, m)
	require.Equal(t, optim.Settings{"lr": 0.001}, s)
	tr := runMethod(m, s, p, 1, 2000)
	require.NoError(t, tr.err)
	for k := 1; k < len(tr.losses); k++ {
		require.LessOrEqual(t, tr.losses[k], tr.losses[k-1], "step %d", k)
	}
}

// solveCase is a solve-rate requirement measured on seeds 1..seeds: the
// starting point comes from PCG(seed, 0) and the optimizer's randomness from
// PCG(seed, 1), as in runMethod.
type solveCase struct {
	problem, method string
	settings        optim.Settings // nil: the problem's defaults
	budget          int            // iterations
	seeds           int
	minSolved       int
	long            bool // skipped under -short
	solved          func(p *optim.Problem, obj *optim.MSE, x []float64, loss float64) bool
}

func mseBelow(target float64) func(*optim.Problem, *optim.MSE, []float64, float64) bool {
	return func(_ *optim.Problem, _ *optim.MSE, _ []float64, loss float64) bool { return loss < target }
}

func classified(_ *optim.Problem, obj *optim.MSE, x []float64, _ float64) bool {
	return obj.Classified(x)
}

// celsiusParamTol is the tutorial's tolerance for "the network learned
// f = 1.8c + 32": both parameters within 1e-7.
const celsiusParamTol = 1e-7

func celsiusRecovered(p *optim.Problem, _ *optim.MSE, x []float64, _ float64) bool {
	return p.ParamError(x) < celsiusParamTol
}

func queryAbove(v float64) func(*optim.Problem, *optim.MSE, []float64, float64) bool {
	return func(p *optim.Problem, obj *optim.MSE, x []float64, _ float64) bool {
		return obj.Predict(nil, x, p.Query)[0] > v
	}
}

// Thresholds are set below the rates measured on this code (in the comments)
// so that a change of summation order, which can move a run from one local
// minimum to another, does not fail the test, while a broken optimizer does.
var solveCases = []solveCase{
	// seed3 by the tutorial's method, backprop with lr = 2: the query answer
	// passes 0.99 after 92–105 epochs on seeds 1–20 (20/20).
	{problem: "seed3", method: "backprop", budget: 200, seeds: 20, minSolved: 20, solved: queryAbove(0.99)},
	// Every Rprop variant: 12–14 epochs on seeds 1–20.
	{problem: "seed3", method: "irprop-", budget: 50, seeds: 20, minSolved: 20, solved: queryAbove(0.99)},
	// The GA: 23–65 generations on seeds 1–20.
	{problem: "seed3", method: "ga", budget: 150, seeds: 10, minSolved: 10, solved: queryAbove(0.99)},
	// celsius: with the default Δmin = 1e-6 no Rprop variant gets both
	// parameters within 1e-7 reliably (measured within 3000 epochs on seeds
	// 1–10: rprop+ and irprop+ 0/10, irprop− 1/10, rprop− 2/10): a step
	// cannot shrink below Δmin. Without a lower bound irprop− needs 83–105
	// epochs and rprop+ 71–96 (seeds 1–20, all 20 reach loss exactly 0).
	{problem: "celsius", method: "irprop-", settings: optim.Settings{"delta-min": 0}, budget: 200, seeds: 20, minSolved: 20, solved: celsiusRecovered},
	{problem: "celsius", method: "rprop+", settings: optim.Settings{"delta-min": 0}, budget: 200, seeds: 20, minSolved: 20, solved: celsiusRecovered},
	// The GA gets there too, more slowly: 286–582 generations in 8/10.
	{problem: "celsius", method: "ga", budget: 1000, seeds: 10, minSolved: 6, long: true, solved: celsiusRecovered},
	// xor (2-2-1) has local minima at MSE ≈ 0.13 and 0.17 from [-1, 1]
	// starts: irprop+ reaches MSE < 1e-3 within 1000 epochs on 14/20 seeds
	// (18/30 over seeds 1–30; the successes need 30–126 epochs, the failures
	// stay stuck through 3000 epochs). 8/10 would be false.
	{problem: "xor", method: "irprop+", budget: 1000, seeds: 20, minSolved: 11, solved: mseBelow(1e-3)},
	// irprop− likewise: 13/20.
	{problem: "xor", method: "irprop-", budget: 1000, seeds: 20, minSolved: 10, solved: mseBelow(1e-3)},
	// parity4 (4-4-1) is harder: MSE < 1e-3 within 1000 epochs on 5/20 seeds
	// for irprop+ (159–436 epochs), 4/20 for each other variant; 11/20 seeds
	// are solved by at least one variant.
	{problem: "parity4", method: "irprop+", budget: 1000, seeds: 20, minSolved: 3, solved: mseBelow(1e-3)},
	// linsep-128x8: irprop− classifies every sample after 20–58 epochs on
	// seeds 1–20; GD (lr 1) and the GA are much slower.
	{problem: "linsep-128x8", method: "irprop-", budget: 200, seeds: 20, minSolved: 20, solved: classified},
	// spirals: irprop− classifies all 194 points within 3000 epochs on 8/10
	// seeds (1182–2679 epochs); seeds 1–3 need 2554, 1238 and 1558. About
	// 0.4 ms per epoch, so this is the slowest case and is skipped under
	// -short.
	{problem: "spirals", method: "irprop-", budget: 3000, seeds: 3, minSolved: 2, long: true, solved: classified},
}

func TestSolve(t *testing.T) {
	for _, sc := range solveCases {
		t.Run(fmt.Sprintf("problem=%s/optimizer=%s/budget=%d", sc.problem, sc.method, sc.budget), func(t *testing.T) {
			if sc.long && testing.Short() {
				t.Skip("slow; skipped under -short")
			}
			p := lookupProblem(t, sc.problem)
			m := lookupMethod(t, sc.method)
			settings := testSettings(t, p, m)
			for k, v := range sc.settings {
				settings[k] = v
			}
			var hits []int
			solved := 0
			for seed := uint64(1); seed <= uint64(sc.seeds); seed++ {
				o, err := m.New(settings)
				require.NoError(t, err)
				obj := p.Objective()
				x := make([]float64, p.Dim())
				p.InitParams(x, rand.New(rand.NewPCG(seed, 0)))
				loss, err := o.Init(obj, x, rand.New(rand.NewPCG(seed, 1)))
				require.NoError(t, err)
				hit := -1
				for it := 1; it <= sc.budget; it++ {
					loss, err = o.Step(x)
					require.NoError(t, err)
					if sc.solved(p, obj, x, loss) {
						hit = it
						break
					}
				}
				if hit > 0 {
					solved++
				}
				hits = append(hits, hit)
			}
			t.Logf("iterations to solve per seed (-1: not within %d): %v", sc.budget, hits)
			assert.GreaterOrEqual(t, solved, sc.minSolved, "solved %d of %d seeds", solved, sc.seeds)
		})
	}
}
