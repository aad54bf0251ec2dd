package bench_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/stats"
)

// smRun builds a record of an imaginary run on seed3 without running an
// optimizer: it ends at iteration end, spends iteration+1 evaluations by
// iteration, has loss loss(iteration) there, and reaches loss_1e-01 (target
// 0) at iteration hit (never if negative).
func smRun(opt string, seed uint64, budget, end, hit int, status bench.Status, loss func(int) float64) *bench.Record {
	ts := bench.AllTargets()
	r := &bench.Record{Problem: "seed3", Optimizer: opt, Seed: seed, Budget: budget, Status: status, Iters: end,
		Evals: end + 1, GradEvals: end + 1, Floor: math.NaN(), FloorIter: -1, ParamErr: math.NaN(),
		Hits: make([]bench.Hit, len(ts))}
	for i := range r.Hits {
		r.Hits[i].Iter = -1
	}
	if hit >= 0 {
		r.Hits[0] = bench.Hit{Iter: hit, Evals: hit + 1, Seconds: float64(hit) / 1000}
	}
	best := math.Inf(1)
	add := func(it int) {
		best = math.Min(best, loss(it))
		r.Trace = append(r.Trace, bench.Point{Iter: it, Evals: it + 1, GradEvals: it + 1, Seconds: float64(it) / 1000,
			Loss: loss(it), Best: best, ParamErr: math.NaN()})
	}
	for _, c := range bench.Checkpoints(budget) {
		if c < end {
			add(c)
		}
	}
	add(end)
	r.FinalLoss, r.BestLoss = loss(end), best
	r.Seconds = float64(end) / 1000
	return r
}

// smRecords are two groups on seed3 with budget 100 (checkpoints 1, 2, 5,
// 10, 20, 50, 100). Group "a": seed 1 hits loss_1e-01 at iteration 3 and
// stops at 7; seed 2 hits it at 40 and uses its budget; seed 3 never does
// and uses its budget; seed 4 never does and plateaus at 30. Group "b":
// every seed hits it, at 9, 19, 29, 39 (10, 20, 30, 40 evaluations).
func smRecords() []*bench.Record {
	dec := func(scale float64) func(int) float64 {
		return func(it int) float64 { return scale / float64(it+1) }
	}
	return []*bench.Record{
		smRun("a", 3, 100, 100, -1, bench.StatusBudget, dec(50)),
		smRun("b", 1, 100, 100, 9, bench.StatusBudget, dec(1)),
		smRun("a", 1, 100, 7, 3, bench.StatusTarget, dec(0.2)),
		smRun("a", 2, 100, 100, 40, bench.StatusBudget, dec(4)),
		smRun("b", 2, 100, 100, 19, bench.StatusBudget, dec(2)),
		smRun("a", 4, 100, 30, -1, bench.StatusPlateau, func(it int) float64 { return 100 / float64(min(it, 20)+1) }),
		smRun("b", 3, 100, 100, 29, bench.StatusBudget, dec(3)),
		smRun("b", 4, 100, 100, 39, bench.StatusBudget, dec(3.9)),
	}
}

// smMethod is a registered optimizer standing in for "a" and "b" of
// smRecords (only its name matters: those records are made up).
func smMethod(name string) optim.Method {
	return optim.Method{Name: name, Doc: "test stand-in",
		Float64: func(optim.Settings) (optim.Optimizer, error) { return &optim.Backprop{}, nil }}
}

func init() {
	for _, n := range []string{"a", "b", "lo", "mid", "hi"} {
		if err := optim.RegisterMethod(smMethod(n)); err != nil {
			panic(err)
		}
	}
}

// smPlan is the plan made-up records of seed3 with budget 100 belong to:
// their optimizers, 8 seeds.
func smPlan(t testing.TB, recs []*bench.Record) *bench.Plan {
	t.Helper()
	var opts []string
	for _, r := range recs {
		if !slices.Contains(opts, r.Optimizer) {
			opts = append(opts, r.Optimizer)
		}
	}
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"seed3"}, Optimizers: opts, Seeds: 8, Budget: 100})
	require.NoError(t, err)
	return plan
}

// smGroups groups recs by smPlan.
func smGroups(t testing.TB, recs []*bench.Record) []*bench.Group {
	t.Helper()
	gs, err := bench.Groups(smPlan(t, recs), recs)
	require.NoError(t, err)
	return gs
}

func TestGroups(t *testing.T) {
	gs := smGroups(t, smRecords())
	require.Len(t, gs, 2)
	assert.Equal(t, "a", gs[0].Optimizer, "first seen first")
	assert.Equal(t, "b", gs[1].Optimizer)
	for _, g := range gs {
		assert.Equal(t, "seed3", g.Problem)
		require.Len(t, g.Runs, 4)
		for i, r := range g.Runs {
			assert.Equal(t, uint64(i+1), r.Seed, "runs in seed order")
			assert.Equal(t, g.Optimizer, r.Optimizer)
		}
		assert.Equal(t, bench.Checkpoints(100), g.Ladder())
	}
}

func TestRecordAt(t *testing.T) {
	r := smRecords()[2] // ends at iteration 7
	tests := []struct{ c, iter int }{{1, 1}, {2, 2}, {4, 2}, {5, 5}, {6, 5}, {7, 7}, {10, 7}, {100, 7}, {1 << 40, 7}}
	for _, tc := range tests {
		p := r.At(tc.c)
		assert.Equal(t, tc.iter, p.Iter, "At(%d)", tc.c)
		assert.Equal(t, tc.iter+1, p.Evals, "At(%d)", tc.c)
		assert.Equal(t, 0.2/float64(tc.iter+1), p.Loss, "At(%d)", tc.c)
	}
	p := r.At(0)
	assert.True(t, math.IsNaN(p.Loss), "before the first checkpoint")
	assert.Zero(t, p.Evals)
}

// smTable reads a CSV file from dir as maps from column to value.
func smTable(t *testing.T, dir, name string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	var out []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = row[i]
		}
		out = append(out, m)
	}
	return out
}

func smFloat(t *testing.T, s string) float64 {
	t.Helper()
	if s == "+Inf" {
		return math.Inf(1)
	}
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "%q", s)
	return v
}

func TestSummaryRows(t *testing.T) {
	dir := t.TempDir()
	recs := smRecords()
	require.NoError(t, bench.WriteSummaries(dir, smPlan(t, recs), recs))
	rows := smTable(t, dir, bench.SummaryFile)
	require.Len(t, rows, 2*7)
	got := map[string]map[string]string{}
	for _, r := range rows {
		got[r["optimizer"]+"@"+r["iteration"]] = r
		assert.Equal(t, "seed3", r["problem"])
		assert.Equal(t, "4", r["runs"])
		// Targets that do not apply to seed3 are empty.
		for _, suffix := range []string{"", "_lo", "_hi"} {
			assert.Empty(t, r["success_param_1e-07"+suffix])
		}
		for _, suffix := range []string{"", "_restart_lo", "_restart_hi"} {
			assert.Empty(t, r["ert_param_1e-07"+suffix])
		}
		assert.NotEmpty(t, r["success_classified"])
	}
	// loss_1e-01, group a. Costs at checkpoint c: a success counts its
	// evaluations at the hit; a failure those it had spent by c, or at its
	// end if it ended earlier (carried forward).
	tests := []struct {
		key      string
		success  float64
		ert      float64
		evalsMed float64
		lossMed  float64
	}{
		// c=2: nobody has hit; evaluations 3, 3, 3, 3.
		{"a@2", 0, math.Inf(1), 3, (4.0/3 + 50.0/3) / 2},
		// c=5: seed 1 hit at 3 (4 evals); others 6, 6, 6.
		{"a@5", 0.25, (4 + 6 + 6 + 6) / 1.0, 6, (4.0/6 + 50.0/6) / 2},
		// c=20: seed 1 (4); seeds 2, 3 at 21; seed 4 at 21. Seed 1 ended
		// at 7: its state is carried forward (8 evaluations).
		{"a@20", 0.25, (4 + 21 + 21 + 21) / 1.0, 21, (4.0/21 + 50.0/21) / 2},
		// c=50: seed 2 hit at 40 (41 evals); seed 3 at 51; seed 4 ended
		// at 30 (31 evaluations, carried forward).
		{"a@50", 0.5, (4 + 41 + 51 + 31) / 2.0, (31 + 51) / 2.0, (4.0/51 + 50.0/51) / 2},
		// c=100: seed 3 spent its budget (101 evaluations).
		{"a@100", 0.5, (4 + 41 + 101 + 31) / 2.0, (31 + 101) / 2.0, (4.0/101 + 50.0/101) / 2},
		// Group b: no failures, the ERT is the mean evaluations to the hit.
		{"b@5", 0, math.Inf(1), 6, (2.0/6 + 3.0/6) / 2},
		{"b@10", 0.25, (10 + 11 + 11 + 11) / 1.0, 11, (2.0/11 + 3.0/11) / 2},
		{"b@50", 1, (10 + 20 + 30 + 40) / 4.0, 51, (2.0/51 + 3.0/51) / 2},
		{"b@100", 1, 25, 101, (2.0/101 + 3.0/101) / 2},
	}
	for _, tc := range tests {
		r := got[tc.key]
		require.NotNil(t, r, tc.key)
		assert.Equal(t, tc.success, smFloat(t, r["success_loss_1e-01"]), "%s success", tc.key)
		if math.IsInf(tc.ert, 1) {
			assert.Equal(t, "+Inf", r["ert_loss_1e-01"], "%s ert", tc.key)
		} else {
			assert.InDelta(t, tc.ert, smFloat(t, r["ert_loss_1e-01"]), 1e-12, "%s ert", tc.key)
			lo, hi := smFloat(t, r["ert_loss_1e-01_restart_lo"]), smFloat(t, r["ert_loss_1e-01_restart_hi"])
			assert.LessOrEqual(t, lo, hi, "%s ert interval", tc.key)
		}
		k := int(math.Round(tc.success * 4))
		lo, hi := stats.Wilson(k, 4, bench.Confidence)
		assert.Equal(t, lo, smFloat(t, r["success_loss_1e-01_lo"]), "%s success lo", tc.key)
		assert.Equal(t, hi, smFloat(t, r["success_loss_1e-01_hi"]), "%s success hi", tc.key)
		assert.Equal(t, tc.evalsMed, smFloat(t, r["evals_median"]), "%s evals median", tc.key)
		assert.InEpsilon(t, tc.lossMed, smFloat(t, r["loss_median"]), 1e-12, "%s loss median", tc.key)
		// No run reached loss_1e-12.
		assert.Equal(t, "0", r["success_loss_1e-12"], tc.key)
		assert.Equal(t, "+Inf", r["ert_loss_1e-12"], tc.key)
	}

	// Quartiles at the end: the runs that ended early keep their last loss
	// (seed 1: 0.2/8 from iteration 7, seed 4: 100/21 from iteration 30).
	x := []float64{0.2 / 8, 4.0 / 101, 50.0 / 101, 100.0 / 21}
	assert.InEpsilon(t, x[0]+0.75*(x[1]-x[0]), smFloat(t, got["a@100"]["loss_q1"]), 1e-12)
	assert.InEpsilon(t, x[2]+0.25*(x[3]-x[2]), smFloat(t, got["a@100"]["loss_q3"]), 1e-12)
	assert.InEpsilon(t, (x[1]+x[2])/2, smFloat(t, got["a@100"]["best_median"]), 1e-12)
	// Seconds at the end: 0.007 (carried), 0.1, 0.1, 0.03 (carried).
	assert.InEpsilon(t, (0.03+0.1)/2, smFloat(t, got["a@100"]["seconds_median"]), 1e-12)

	// targets.csv: the end of the budget.
	var ta, tb map[string]string
	for _, r := range smTable(t, dir, bench.TargetsFile) {
		assert.NotEqual(t, "param_1e-07", r["target"], "param target does not apply to seed3")
		if r["target"] == "loss_1e-01" {
			switch r["optimizer"] {
			case "a":
				ta = r
			case "b":
				tb = r
			}
		}
	}
	require.NotNil(t, ta)
	require.NotNil(t, tb)
	assert.Equal(t, "2", ta["successes"])
	assert.Equal(t, "0.5", ta["success_rate"])
	assert.Equal(t, (4+41+101+31)/2.0, smFloat(t, ta["ert"]))
	assert.Equal(t, (3+40)/2.0, smFloat(t, ta["iters_median"]))
	assert.Equal(t, (4+41)/2.0, smFloat(t, ta["evals_median"]))
	assert.Equal(t, "4", tb["successes"])
	assert.Equal(t, 25.0, smFloat(t, tb["ert"]))
	assert.Equal(t, 25.0, smFloat(t, tb["evals_median"]))

	// results.bench: one line per run.
	data, err := os.ReadFile(filepath.Join(dir, bench.BenchFile))
	require.NoError(t, err)
	assert.Equal(t, len(recs), strings.Count(string(data), "\nBenchmarkTrain/problem=seed3/optimizer="))
}

func TestTargetStats(t *testing.T) {
	gs := smGroups(t, smRecords())
	stats := bench.TargetStats(gs[0])
	require.Len(t, stats, 13, "12 loss targets and classified apply to seed3")
	s := stats[0]
	assert.Equal(t, "loss_1e-01", s.Target)
	assert.Equal(t, 4, s.Runs)
	assert.Equal(t, 2, s.Successes)
	assert.Equal(t, 0.5, s.Rate)
	assert.Equal(t, (4+41+101+31)/2.0, s.ERT, "aRT with failures at their spent evaluations")
	// The confidence interval of aRT comes from resampling these costs
	// (stats.ARTCI, tested against the exact bootstrap distribution there);
	// here: it holds the point estimate and lies above the smallest
	// resampled aRT, four copies of seed 1 (aRT 4).
	cost, succ, ok := gs[0].Costs("loss_1e-01")
	require.True(t, ok)
	assert.Equal(t, []float64{4, 41, 101, 31}, cost)
	assert.Equal(t, []bool{true, true, false, false}, succ)
	assert.True(t, s.ERTLo <= s.ERT && s.ERT <= s.ERTHi, "CI [%v, %v] holds aRT %v", s.ERTLo, s.ERTHi, s.ERT)
	assert.GreaterOrEqual(t, s.ERTLo, 4.0)
	assert.LessOrEqual(t, s.RestartLo, s.RestartHi)
	_, _, ok = gs[0].Costs("param_1e-07")
	assert.False(t, ok, "the param target does not apply to seed3")
	assert.Equal(t, 21.5, s.ItersMedian)
	// Unreached: rate 0, ERT +Inf, medians NaN.
	u := stats[11]
	assert.Equal(t, "loss_1e-12", u.Target)
	assert.Zero(t, u.Successes)
	assert.True(t, math.IsInf(u.ERT, 1))
	assert.True(t, math.IsNaN(u.EvalsMedian))
	// Without failures the ERT is the mean.
	s = bench.TargetStats(gs[1])[0]
	assert.Equal(t, 25.0, s.ERT)
	assert.Equal(t, 1.0, s.Rate)
}

func TestCompare(t *testing.T) {
	// Three optimizers with 8 seeds each: "lo" always ends lowest, "hi"
	// highest; "mid" in between. Only "lo" and "mid" reach loss_1e-01.
	var recs []*bench.Record
	for s := uint64(1); s <= 8; s++ {
		f := float64(s)
		recs = append(recs,
			smRun("hi", s, 100, 100, -1, bench.StatusBudget, func(it int) float64 { return (100 + f) / float64(it+1) }),
			smRun("lo", s, 100, 100, int(s), bench.StatusBudget, func(it int) float64 { return f / float64(it+1) }),
			smRun("mid", s, 100, 100, int(10+s), bench.StatusBudget, func(it int) float64 { return (10 + f*3) / float64(it+1) }))
	}
	cmp := bench.Compare(smGroups(t, recs))
	metrics := map[string]int{}
	for _, c := range cmp {
		metrics[c.Metric]++
		assert.Equal(t, "seed3", c.Problem)
		assert.Equal(t, 8, c.NA)
		assert.Equal(t, 8, c.NB)
		assert.Equal(t, 8, c.Pairs)
		for _, p := range [][2]float64{{c.P, c.PHolm}, {c.PW, c.PWHolm}, {c.PS, c.PSHolm}} {
			assert.GreaterOrEqual(t, p[1], p[0], "%s %s-%s: Holm p below the raw p", c.Metric, c.A, c.B)
			assert.LessOrEqual(t, p[1], 1.0)
			assert.Greater(t, p[0], 0.0)
		}
		// A12 < 0.5 means a tends lower.
		want := map[[2]string]float64{{"hi", "lo"}: 1, {"hi", "mid"}: 1, {"lo", "mid"}: 0}[[2]string{c.A, c.B}]
		assert.Equal(t, want, c.A12, "%s %s vs %s", c.Metric, c.A, c.B)
		if want == 0 {
			assert.Less(t, c.MedianA, c.MedianB)
		} else {
			assert.Greater(t, c.MedianA, c.MedianB)
		}
	}
	// Metrics nobody reached are left out.
	assert.Equal(t, map[string]int{"final_loss": 3, "evals_to_loss_1e-01": 3}, metrics)
	// Holm across the three pairs of one metric.
	for _, metric := range []string{"final_loss", "evals_to_loss_1e-01"} {
		var ps, holm []float64
		for _, c := range cmp {
			if c.Metric == metric {
				ps = append(ps, c.P)
				holm = append(holm, c.PHolm)
			}
		}
		assert.Equal(t, stats.Holm(ps), holm, metric)
		m := math.Inf(1)
		for _, p := range ps {
			m = math.Min(m, p)
		}
		assert.InEpsilon(t, math.Min(1, 3*m), minOf(holm), 1e-12, "%s: smallest p times the number of pairs", metric)
	}
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func TestARTRatioCI(t *testing.T) {
	// Group a: aRT (4+41+101+31)/2 = 88.5; group b: 25 (TestTargetStats).
	// The interval resamples both groups' runs (stats.ARTRatioCI, tested
	// against brute force there): it must hold 88.5/25 = 3.54, lie within
	// the ratios of the extreme resamples, 4/40 (a: four copies of seed 1;
	// b: four of its costliest run, 40) and ∞ (b never fails, but a can
	// draw only failures), and be reproducible.
	gs := smGroups(t, smRecords())
	lo, hi := bench.ARTRatioCI(gs[0], gs[1], "loss_1e-01")
	assert.True(t, lo <= 88.5/25 && 88.5/25 <= hi, "[%v, %v]", lo, hi)
	assert.GreaterOrEqual(t, lo, 4.0/40)
	lo2, hi2 := bench.ARTRatioCI(gs[0], gs[1], "loss_1e-01")
	assert.Equal(t, [2]float64{lo, hi}, [2]float64{lo2, hi2})
	lo, hi = bench.ARTRatioCI(gs[0], gs[1], "param_1e-07")
	assert.True(t, math.IsNaN(lo) && math.IsNaN(hi), "the param target does not apply to seed3")
}

// TestLogPairs checks that the paired test is not dominated by scale: on
// issue 11's pattern (celsius, backprop vs ga), b is lower in 25 of 30
// pairs by six decades while five b values are 1e-19…2.7e-10. The
// references are scipy 1.10: wilcoxon(a, b, mode="exact") on the raw
// values p = 0.05768792890012264, on log10 values 0.01453801617026329,
// and binomtest(5, 30) = 0.0003249142318964005 for the sign test.
func TestLogPairs(t *testing.T) {
	var a, b []float64
	for i := range 30 {
		a = append(a, 1e-24*(1+float64(i)/100))
		if i < 25 {
			b = append(b, 1e-30*(1+float64(i)/7))
		}
	}
	b = append(b, 1e-19, 1e-17, 1e-14, 1e-12, 2.7e-10)
	raw, err := stats.WilcoxonSignedRank(a, b)
	require.NoError(t, err)
	assert.InEpsilon(t, 0.05768792890012264, raw, 1e-9)
	la, lb := bench.LogPairs(a, b)
	lg, err := stats.WilcoxonSignedRank(la, lb)
	require.NoError(t, err)
	assert.InEpsilon(t, 0.01453801617026329, lg, 1e-9)
	lower, n, ps := stats.SignTest(b, a)
	assert.Equal(t, 25, lower)
	assert.Equal(t, 30, n)
	assert.InEpsilon(t, 0.0003249142318964005, ps, 1e-9)

	// Exact zeros and failures: equal pairs become ties (0, 0), a lone zero
	// −Inf, a failure (math.MaxFloat64/4 in Compare) +Inf.
	fail := math.MaxFloat64 / 4
	la, lb = bench.LogPairs([]float64{0, 0, fail, 10}, []float64{0, 1, fail, fail})
	assert.Equal(t, []float64{0, math.Inf(-1), 0, 1}, la)
	assert.Equal(t, []float64{0, 0, 0, math.Inf(1)}, lb)
	// A negative value: no logarithms.
	la, _ = bench.LogPairs([]float64{-1, 2}, []float64{1, 2})
	assert.Equal(t, []float64{-1, 2}, la)
}

func TestCostsAtBudget(t *testing.T) {
	// Group a (see TestTargetStats): costs 4, 41 (successes), 101 (ran to
	// its budget of 100 iterations, 101 evaluations) and 31 (stopped at
	// iteration 30 by a rule). Charged the whole budget instead, by hand:
	// with an evaluation budget of 120 both failures cost 120; without one
	// the second is extrapolated, 31·100/30 = 103.3 → 103, and the first
	// keeps its 101.
	gs := smGroups(t, smRecords())
	cost, succ, ok := gs[0].CostsAtBudget("loss_1e-01", 120)
	require.True(t, ok)
	assert.Equal(t, []bool{true, true, false, false}, succ)
	assert.Equal(t, []float64{4, 41, 120, 120}, cost)
	cost, _, _ = gs[0].CostsAtBudget("loss_1e-01", 0)
	assert.Equal(t, []float64{4, 41, 101, 103}, cost)
	// aRT under the two rules: (4+41+101+31)/2 = 88.5 and (4+41+120+120)/2 = 142.5.
	c, s, _ := gs[0].Costs("loss_1e-01")
	assert.Equal(t, 88.5, stats.ART(c, s))
	c, s, _ = gs[0].CostsAtBudget("loss_1e-01", 120)
	assert.Equal(t, 142.5, stats.ART(c, s))
}
