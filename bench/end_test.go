package bench_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
)

func TestClassify(t *testing.T) {
	seed3, err := optim.LookupProblem("seed3") // 4 samples, 1 sigmoid output
	require.NoError(t, err)
	celsius, err := optim.LookupProblem("celsius") // linear, optimum [1.8 32]
	require.NoError(t, err)
	xor, err := optim.LookupProblem("xor") // hidden layer, 4 samples, sigmoid output
	require.NoError(t, err)
	// By hand: 2⁻¹⁰⁶/(4·1) = 2⁻¹⁰⁸ in float64, 2⁻⁵⁰ in float32.
	assert.Equal(t, math.Ldexp(1, -108), bench.SaturationLoss(seed3, "float64"))
	assert.Equal(t, math.Ldexp(1, -50), bench.SaturationLoss(seed3, "float32"))
	assert.Zero(t, bench.SaturationLoss(celsius, "float64"))

	run := func(status bench.Status, best, perr float64, settings string) *bench.Record {
		return &bench.Record{Status: status, BestLoss: best, FinalLoss: best, ParamErr: perr, Settings: settings}
	}
	nan := math.NaN()
	rprop := "delta-max=50;delta-min=1e-06;delta0=0.1;eta+=1.2;eta-=0.5"
	// The spacing of float64 numbers at 32 is 2⁻⁴⁷ ≈ 7.1e-15, so the
	// optimum's resolution (1e3 spacings) is 7.1e-12; in float32 it is
	// 2⁻¹⁸ ≈ 3.8e-6, so 3.8e-3.
	for _, c := range []struct {
		name      string
		p         *optim.Problem
		r         *bench.Record
		precision string
		bestKnown float64
		want      bench.EndCause
	}{
		{"diverged first", celsius, run(bench.StatusDiverged, 0, 0, ""), "", 0, bench.EndDiverged},
		{"sigmoid loss 0 is saturation", seed3, run(bench.StatusPlateau, 0, nan, rprop), "", 0, bench.EndSaturated},
		{"sigmoid below 2^-108", seed3, run(bench.StatusBudget, 3.9e-59, nan, ""), "", 0, bench.EndSaturated},
		{"float32 saturates at 2^-50", seed3, run(bench.StatusBudget, 1e-16, nan, ""), "float32", 0, bench.EndSaturated},
		{"same loss in float64 is still improving", seed3, run(bench.StatusBudget, 1e-16, nan, ""), "", 0, bench.EndBudget},
		{"linear loss 0 is the optimum", celsius, run(bench.StatusPlateau, 0, nan, ""), "", 0, bench.EndOptimum},
		{"parameter error at resolution", celsius, run(bench.StatusPlateau, 1e-25, 9.2e-13, ""), "", 1e-25, bench.EndOptimum},
		{"float32 resolution is coarser", celsius, run(bench.StatusPlateau, 1e-12, 1.9e-6, rprop), "float32", 0, bench.EndOptimum},
		{"rprop at delta-min", celsius, run(bench.StatusPlateau, 1e-12, 9.1e-7, rprop), "", 1e-25, bench.EndStepBound},
		{"no delta-min: a plateau", celsius, run(bench.StatusPlateau, 1e-12, 9.1e-7, "lr=0.001"), "", 1e-25, bench.EndPlateau},
		{"convex: never a local minimum", celsius, run(bench.StatusPlateau, 1e-3, 0.1, "lr=0.001"), "", 1e-25, bench.EndPlateau},
		{"far above the best known", xor, run(bench.StatusPlateau, 0.125, nan, rprop), "", 1e-300, bench.EndLocalMin},
		{"near the best known", xor, run(bench.StatusPlateau, 0.125, nan, rprop), "", 0.1, bench.EndPlateau},
		{"budget", xor, run(bench.StatusBudget, 0.125, nan, ""), "", 0, bench.EndBudget},
		{"target", xor, run(bench.StatusTarget, 0.01, nan, ""), "", 0, bench.EndTarget},
	} {
		c.r.Precision = c.precision
		assert.Equal(t, c.want, bench.Classify(c.p, c.r, c.bestKnown), c.name)
	}
}

// TestEndCauses checks that the best known loss is taken per problem and
// arithmetic: a plateau at 0.125 is a local minimum when another run of
// xor reached 1e-20, a plain plateau when none did better.
func TestEndCauses(t *testing.T) {
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"xor"}, Optimizers: []string{"rprop+"}, Seeds: 2, Budget: 10})
	require.NoError(t, err)
	a := &bench.Record{Problem: "xor", Optimizer: "rprop+", Status: bench.StatusPlateau, BestLoss: 0.125, ParamErr: math.NaN()}
	b := &bench.Record{Problem: "xor", Optimizer: "rprop+", Status: bench.StatusBudget, BestLoss: 1e-20, ParamErr: math.NaN()}
	c := &bench.Record{Problem: "xor", Optimizer: "rprop+", Precision: "float32", Status: bench.StatusPlateau, BestLoss: 0.125, ParamErr: math.NaN()}
	assert.Equal(t, []bench.EndCause{bench.EndLocalMin, bench.EndBudget, bench.EndPlateau}, bench.EndCauses(plan, []*bench.Record{a, b, c}))
}
