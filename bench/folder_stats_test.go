package bench_test

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// TestFolderStatsIndependently recomputes, from the runs of a small
// results folder, the aRT bootstrap interval of targets.csv and the paired
// sign test of compare.csv by other means: the interval against the exact
// bootstrap distribution of aRT over all 4⁴ resamples of the runs (brute
// force), the sign test against the binomial tail summed by hand.
func TestFolderStatsIndependently(t *testing.T) {
	dir := t.TempDir()
	cfg := bench.Config{Problems: []string{"xor"}, Optimizers: []string{"irprop-", "backprop"}, Seeds: 4, Budget: 400,
		KeepGoing: true, PlateauMin: 50, LossEval: "careful"}
	xpRun(t, cfg, dir, bench.Options{Workers: 2})
	recs, err := bench.LoadRuns(dir)
	require.NoError(t, err)
	bySeed := map[string]map[uint64]*bench.Record{}
	for _, r := range recs {
		if bySeed[r.Optimizer] == nil {
			bySeed[r.Optimizer] = map[uint64]*bench.Record{}
		}
		bySeed[r.Optimizer][r.Seed] = r
	}

	// aRT to loss_1e-01 of irprop-: costs from runs.csv (hit evaluations,
	// or all spent evaluations for a failure).
	ti := slices.IndexFunc(bench.AllTargets(), func(tg bench.Target) bool { return tg.Name == "loss_1e-01" })
	var cost []float64
	var succ []bool
	for s := uint64(1); s <= 4; s++ {
		r := bySeed["irprop-"][s]
		if h := r.Hits[ti]; h.Iter >= 0 {
			cost, succ = append(cost, float64(h.Evals)), append(succ, true)
		} else {
			cost, succ = append(cost, float64(r.Evals)), append(succ, false)
		}
	}
	var exact []float64
	for a := range 4 {
		for b := range 4 {
			for c := range 4 {
				for d := range 4 {
					sum, k := 0.0, 0
					for _, i := range []int{a, b, c, d} {
						sum += cost[i]
						if succ[i] {
							k++
						}
					}
					v := math.Inf(1)
					if k > 0 {
						v = sum / float64(k)
					}
					exact = append(exact, v)
				}
			}
		}
	}
	slices.Sort(exact)
	var row map[string]string
	for _, r := range smTable(t, dir, bench.TargetsFile) {
		if r["optimizer"] == "irprop-" && r["target"] == "loss_1e-01" {
			row = r
		}
	}
	require.NotNil(t, row)
	lo, hi := smFloat(t, row["ert_ci_lo"]), smFloat(t, row["ert_ci_hi"])
	share := func(v float64) (le, lt float64) {
		for _, x := range exact {
			if x <= v {
				le++
			}
			if x < v {
				lt++
			}
		}
		return le / float64(len(exact)), lt / float64(len(exact))
	}
	// B = 2000 replicates: the percentile lands where the exact CDF crosses
	// 2.5% (97.5%), within 2% in probability.
	le, lt := share(lo)
	assert.True(t, le >= 0.025-0.02 && lt <= 0.025+0.02, "lo %v: P(≤) %v P(<) %v", lo, le, lt)
	le, lt = share(hi)
	assert.True(t, le >= 0.975-0.02 && lt <= 0.975+0.02, "hi %v: P(≤) %v P(<) %v", hi, le, lt)

	// Sign test on the final loss, paired by seed: p = min(1, 2·P(B ≤ m))
	// with m = min(lower, n − lower), B ~ Binomial(n, ½), summed by hand.
	lower, n := 0, 0
	for s := uint64(1); s <= 4; s++ {
		a, b := bySeed["irprop-"][s].FinalLoss, bySeed["backprop"][s].FinalLoss
		if a != b {
			n++
			if a < b {
				lower++
			}
		}
	}
	m := min(lower, n-lower)
	tail := 0.0
	for k := 0; k <= m; k++ {
		tail += binom(n, k) / math.Pow(2, float64(n))
	}
	want := math.Min(1, 2*tail)
	var cmp map[string]string
	for _, r := range smTable(t, dir, bench.CompareFile) {
		if r["metric"] == "final_loss" {
			cmp = r
		}
	}
	require.NotNil(t, cmp)
	a := cmp["optimizer_a"]
	if a == "irprop-" {
		assert.Equal(t, strconv.Itoa(lower), cmp["sign_a_lower"])
	} else {
		assert.Equal(t, strconv.Itoa(n-lower), cmp["sign_a_lower"])
	}
	assert.Equal(t, strconv.Itoa(n), cmp["sign_untied"])
	assert.InDelta(t, want, smFloat(t, cmp["sign_p"]), 1e-12)
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
