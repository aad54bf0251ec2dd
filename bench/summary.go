package bench

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/stats"
)

// Confidence is the level of every interval in the summaries.
const Confidence = 0.95

// restartReps is the number of simulated restarts behind the restart
// spread of aRT (ert_restart_lo, ert_restart_hi).
const restartReps = 1000

// ciReps is the number of bootstrap replicates behind a confidence
// interval for aRT or for a ratio of aRTs (B ≥ 2000 for percentile
// intervals; Efron & Tibshirani 1993, §19.3).
const ciReps = 2000

// Group is the runs of one optimizer on one problem in one arithmetic, in
// seed order.
type Group struct {
	Problem   string
	Optimizer string
	Precision string // "float64" or "float32"
	Runs      []*Record
	// applies[i] says whether AllTargets()[i] applies to the problem.
	applies []bool
}

// seedParts returns the stream names of g's bootstrap seeds: problem and
// optimizer (as before precisions existed) for float64, plus the
// precision otherwise.
func (g *Group) seedParts(more ...string) []string {
	parts := []string{g.Problem, g.Optimizer}
	if g.Precision != optim.Float64 {
		parts = append(parts, g.Precision)
	}
	return append(parts, more...)
}

// Groups splits recs by (problem, optimizer, precision), keeping
// first-seen order and sorting each group's runs by seed. The plan says
// which targets apply to each problem; a record of a problem or optimizer
// the plan does not have is an error.
func Groups(plan *Plan, recs []*Record) ([]*Group, error) {
	var out []*Group
	idx := map[GroupID]*Group{}
	methods := map[string]bool{}
	for _, m := range plan.Methods {
		methods[m.Name] = true
	}
	for _, r := range recs {
		k := r.ID().Group
		g := idx[k]
		if g == nil {
			p := plan.Problem(r.Problem)
			if p == nil {
				return nil, fmt.Errorf("bench: a run of problem %q, which the experiment does not have (%s)", r.Problem, strings.Join(plan.problemNames(), ", "))
			}
			if !methods[r.Optimizer] {
				return nil, fmt.Errorf("bench: a run of optimizer %q, which the experiment does not have (%s)", r.Optimizer, strings.Join(plan.Config.Optimizers, ", "))
			}
			g = &Group{Problem: r.Problem, Optimizer: r.Optimizer, Precision: k.Precision, applies: applicable(p)}
			idx[k] = g
			out = append(out, g)
		}
		g.Runs = append(g.Runs, r)
	}
	for _, g := range out {
		sort.Slice(g.Runs, func(a, b int) bool { return g.Runs[a].Seed < g.Runs[b].Seed })
	}
	return out, nil
}

// problemNames returns the names of the plan's problems.
func (p *Plan) problemNames() []string {
	var s []string
	for _, q := range p.Problems {
		s = append(s, q.Name)
	}
	return s
}

// reachedBy reports whether r reached target i by iteration c, and the
// evaluations it had spent then (at the hit, or at min(c, end)).
func reachedBy(r *Record, i, c int) (bool, float64) {
	if h := r.Hits[i]; h.Iter >= 0 && h.Iter <= c {
		return true, float64(h.Evals)
	}
	return false, float64(r.At(c).Evals)
}

// Ladder returns the checkpoints shared by a group: those of its largest
// budget.
func (g *Group) Ladder() []int {
	b := 0
	for _, r := range g.Runs {
		b = max(b, r.Budget)
	}
	return Checkpoints(b)
}

// applicable says which of AllTargets apply to p.
func applicable(p *optim.Problem) []bool {
	ts := AllTargets()
	ok := make([]bool, len(ts))
	for i, t := range ts {
		ok[i] = t.Applies(p)
	}
	return ok
}

func column(runs []*Record, f func(*Record) float64) []float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	return v
}

func finiteOnly(xs []float64) []float64 {
	var out []float64
	for _, v := range xs {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

// SummaryHeader returns the columns of summary.csv.
func SummaryHeader() []string {
	h := []string{"problem", "optimizer", "precision", "iteration", "runs", "loss_median", "loss_q1", "loss_q3",
		"loss_ci_lo", "loss_ci_hi", "best_median", "best_q1", "best_q3", "evals_median", "seconds_median",
		"param_error_median"}
	for _, t := range AllTargets() {
		n := t.Name
		h = append(h, "success_"+n, "success_"+n+"_lo", "success_"+n+"_hi", "ert_"+n, "ert_"+n+"_restart_lo", "ert_"+n+"_restart_hi")
	}
	return h
}

// TargetsHeader returns the columns of targets.csv.
func TargetsHeader() []string {
	return []string{"problem", "optimizer", "precision", "target", "runs", "successes", "success_rate", "success_lo",
		"success_hi", "iters_median", "evals_median", "seconds_median", "ert", "ert_ci_lo", "ert_ci_hi", "ert_restart_lo", "ert_restart_hi"}
}

// CompareHeader returns the columns of compare.csv.
func CompareHeader() []string {
	return []string{"problem", "precision", "metric", "optimizer_a", "optimizer_b", "n_a", "n_b", "median_a", "median_b",
		"mannwhitney_p", "mannwhitney_p_holm", "a12", "pairs", "wilcoxon_log10_p", "wilcoxon_log10_p_holm",
		"sign_a_lower", "sign_untied", "sign_p", "sign_p_holm"}
}

func seedFor(parts ...string) *rand.Rand {
	return rand.New(rand.NewPCG(0x5eed, stream(parts...)))
}

// summaryRows computes summary.csv rows for one group.
func summaryRows(g *Group) [][]string {
	ok := g.applies
	ts := AllTargets()
	n := len(g.Runs)
	var rows [][]string
	for _, c := range g.Ladder() {
		pts := make([]Point, n)
		for i, r := range g.Runs {
			pts[i] = r.At(c)
		}
		loss := make([]float64, n)
		best := make([]float64, n)
		evals := make([]float64, n)
		secs := make([]float64, n)
		perr := make([]float64, n)
		for i, p := range pts {
			loss[i], best[i], evals[i], secs[i], perr[i] = p.Loss, p.Best, float64(p.Evals), p.Seconds, p.ParamErr
		}
		lq1, lm, lq3 := stats.Quartiles(finiteOnly(loss))
		clo, chi, cok := stats.MedianCI(finiteOnly(loss), Confidence)
		if !cok {
			clo, chi = math.NaN(), math.NaN()
		}
		bq1, bm, bq3 := stats.Quartiles(finiteOnly(best))
		_, em, _ := stats.Quartiles(evals)
		_, sm, _ := stats.Quartiles(secs)
		_, pm, _ := stats.Quartiles(finiteOnly(perr))
		row := []string{g.Problem, g.Optimizer, g.Precision, strconv.Itoa(c), strconv.Itoa(n), fmtFloat(lm), fmtFloat(lq1),
			fmtFloat(lq3), fmtFloat(clo), fmtFloat(chi), fmtFloat(bm), fmtFloat(bq1), fmtFloat(bq3),
			fmtFloat(em), fmtFloat(sm), fmtFloat(pm)}
		for ti, t := range ts {
			if !ok[ti] {
				row = append(row, "", "", "", "", "", "")
				continue
			}
			succ := make([]bool, n)
			cost := make([]float64, n)
			k := 0
			for i, r := range g.Runs {
				succ[i], cost[i] = reachedBy(r, ti, c)
				if succ[i] {
					k++
				}
			}
			lo, hi := stats.Wilson(k, n, Confidence)
			ert := stats.ART(cost, succ)
			elo, ehi := stats.RestartSpread(cost, succ, seedFor(g.seedParts(strconv.Itoa(c), t.Name)...),
				restartReps, (1-Confidence)/2, (1+Confidence)/2)
			row = append(row, fmtFloat(float64(k)/float64(n)), fmtFloat(lo), fmtFloat(hi), fmtFloat(ert),
				fmtFloat(elo), fmtFloat(ehi))
		}
		rows = append(rows, row)
	}
	return rows
}

// TargetStat summarizes one optimizer's runs on one problem for one target
// at the end of the budget.
type TargetStat struct {
	Problem, Optimizer, Target string
	Precision                  string
	Runs, Successes            int
	Rate, Lo, Hi               float64 // success rate with its Wilson interval
	ItersMedian, EvalsMedian   float64 // medians over successful runs, NaN if none
	SecondsMedian              float64
	// ERT is COCO's aRT in loss evaluations: the evaluations of every run
	// (a successful one's until it reached the target, a failed one's
	// until it stopped, by budget, plateau or divergence) divided by the
	// successes; +Inf when none succeeded.
	ERT float64
	// ERTLo and ERTHi are a 95% percentile bootstrap confidence interval
	// for aRT, resampling the runs (stats.ARTCI).
	ERTLo, ERTHi float64
	// RestartLo and RestartHi are the 2.5% and 97.5% quantiles of the
	// total cost of one success under simulated restarts
	// (stats.RestartSpread): a spread of runtimes, not an interval for aRT.
	RestartLo, RestartHi float64
}

// Costs returns, for each run of g, whether it reached the target and the
// loss evaluations aRT charges it (until the hit, or until the run
// stopped), for the target named target at the end of the budget. ok is
// false if the target does not apply to g's problem or does not exist.
func (g *Group) Costs(target string) (cost []float64, success []bool, ok bool) {
	ladder := g.Ladder()
	end := ladder[len(ladder)-1]
	for ti, t := range AllTargets() {
		if t.Name != target || !g.applies[ti] {
			continue
		}
		cost = make([]float64, len(g.Runs))
		success = make([]bool, len(g.Runs))
		for i, r := range g.Runs {
			success[i], cost[i] = reachedBy(r, ti, end)
		}
		return cost, success, true
	}
	return nil, nil, false
}

// CostsAtBudget is Costs with every failed run charged its whole budget
// instead of what it spent until it stopped: evalBudget loss evaluations
// (or what it spent, if more) if evalBudget > 0, else its spent evaluations extrapolated to its
// iteration budget (Evals·Budget/Iters). Under this rule a stopping rule
// (the plateau rule) cannot make an optimizer's failures cheap, so a
// comparison that holds under both charging rules does not depend on it.
func (g *Group) CostsAtBudget(target string, evalBudget int) (cost []float64, success []bool, ok bool) {
	cost, success, ok = g.Costs(target)
	if !ok {
		return nil, nil, false
	}
	for i, r := range g.Runs {
		if success[i] {
			continue
		}
		switch {
		case evalBudget > 0:
			// A GA generation can end a little past the budget.
			cost[i] = math.Max(cost[i], float64(evalBudget))
		case r.Iters > 0:
			cost[i] = math.Max(cost[i], math.Round(float64(r.Evals)*float64(r.Budget)/float64(r.Iters)))
		}
	}
	return cost, success, true
}

// ARTRatioCI returns a 95% bootstrap confidence interval for the ratio
// aRT(a)/aRT(b) on target (stats.ARTRatioCI, resampling each group's
// runs), or NaNs if the target does not apply.
func ARTRatioCI(a, b *Group, target string) (lo, hi float64) {
	ca, sa, oka := a.Costs(target)
	cb, sb, okb := b.Costs(target)
	if !oka || !okb {
		return math.NaN(), math.NaN()
	}
	rnd := seedFor(append(a.seedParts("ratio", target), b.seedParts()...)...)
	return stats.ARTRatioCI(ca, sa, cb, sb, rnd, ciReps, Confidence)
}

// TargetStats computes TargetStat for every applicable target of g.
func TargetStats(g *Group) []TargetStat {
	ok := g.applies
	var out []TargetStat
	ladder := g.Ladder()
	end := ladder[len(ladder)-1]
	for ti, t := range AllTargets() {
		if !ok[ti] {
			continue
		}
		n := len(g.Runs)
		succ := make([]bool, n)
		cost := make([]float64, n)
		var its, evs, secs []float64
		k := 0
		for i, r := range g.Runs {
			succ[i], cost[i] = reachedBy(r, ti, end)
			if succ[i] {
				k++
				its = append(its, float64(r.Hits[ti].Iter))
				evs = append(evs, float64(r.Hits[ti].Evals))
				secs = append(secs, r.Hits[ti].Seconds)
			}
		}
		s := TargetStat{Problem: g.Problem, Optimizer: g.Optimizer, Precision: g.Precision, Target: t.Name, Runs: n, Successes: k,
			Rate: float64(k) / float64(n)}
		s.Lo, s.Hi = stats.Wilson(k, n, Confidence)
		_, s.ItersMedian, _ = stats.Quartiles(its)
		_, s.EvalsMedian, _ = stats.Quartiles(evs)
		_, s.SecondsMedian, _ = stats.Quartiles(secs)
		s.ERT = stats.ART(cost, succ)
		s.RestartLo, s.RestartHi = stats.RestartSpread(cost, succ, seedFor(g.seedParts("end", t.Name)...),
			restartReps, (1-Confidence)/2, (1+Confidence)/2)
		s.ERTLo, s.ERTHi = stats.ARTCI(cost, succ, seedFor(g.seedParts("end", t.Name, "ci")...), ciReps, Confidence)
		out = append(out, s)
	}
	return out
}

// Comparison is one row of compare.csv: two optimizers on one problem and
// one metric (lower is better).
type Comparison struct {
	Problem, Metric, A, B string
	Precision             string // both optimizers ran in it
	NA, NB                int
	MedianA, MedianB      float64
	P, PHolm              float64 // Mann–Whitney U, two-sided
	A12                   float64 // Vargha–Delaney A12 = P(a > b) + ½P(a = b); < 0.5 means a tends lower
	Pairs                 int     // runs paired by seed
	// PW and PWHolm are the two-sided Wilcoxon signed-rank test on the
	// pairs' log10 values (see LogPairs), so that a few values many
	// decades away cannot outweigh the rest.
	PW, PWHolm float64
	// SignLower of the SignN pairs that differ have a lower for a; PS and
	// PSHolm are the two-sided exact sign test.
	SignLower, SignN int
	PS, PSHolm       float64
}

// LogPairs returns log10 of the paired values for the signed-rank test:
// a pair of equal values (two exact zeros, two failures) becomes (0, 0),
// a tie that the test drops; 0 maps to −Inf and a failure to +Inf, so
// they rank beyond every finite difference. If any value is negative the
// pairs are returned unchanged (log10 is not defined).
func LogPairs(xa, xb []float64) (la, lb []float64) {
	for i := range xa {
		if xa[i] < 0 || xb[i] < 0 {
			return xa, xb
		}
	}
	lg := func(v float64) float64 {
		if v == failed {
			return math.Inf(1)
		}
		return math.Log10(v)
	}
	la, lb = make([]float64, len(xa)), make([]float64, len(xb))
	for i := range xa {
		if xa[i] != xb[i] {
			la[i], lb[i] = lg(xa[i]), lg(xb[i])
		}
	}
	return la, lb
}

// failed stands in for "never reached" in rank tests: larger than any
// count, and equal to itself so that two failures tie.
const failed = math.MaxFloat64 / 4

// Compare runs the pairwise tests of every two optimizers on each problem,
// on the final loss and on the evaluations to each applicable target
// (failures rank last): Mann–Whitney U and A12 on the runs, and on the
// runs paired by seed (same start) the Wilcoxon signed-rank test on log10
// values and the sign test. Holm's correction runs over the family of
// the k(k−1)/2 pairs of one problem, precision and metric: the question
// a row answers is "do these two differ on this problem?", asked once per
// pair; the question across problems is answered by the Friedman test.
func Compare(groups []*Group) []Comparison {
	// Optimizers are compared within one problem and one precision.
	byProblem := map[[2]string][]*Group{}
	var problems [][2]string
	for _, g := range groups {
		k := [2]string{g.Problem, precisionOr64(g.Precision)}
		if _, ok := byProblem[k]; !ok {
			problems = append(problems, k)
		}
		byProblem[k] = append(byProblem[k], g)
	}
	var out []Comparison
	for _, pk := range problems {
		prob, prec := pk[0], pk[1]
		gs := byProblem[pk]
		ok := gs[0].applies
		metrics := []string{"final_loss"}
		for ti, t := range AllTargets() {
			if ok[ti] {
				metrics = append(metrics, "evals_to_"+t.Name)
			}
		}
		for mi, metric := range metrics {
			ti := -1 // found once per metric, not per record
			if mi > 0 {
				ti = indexOfTarget(strings.TrimPrefix(metric, "evals_to_"))
			}
			value := func(r *Record) float64 {
				if mi == 0 {
					if math.IsNaN(r.FinalLoss) || math.IsInf(r.FinalLoss, 1) {
						return failed
					}
					return r.FinalLoss
				}
				if h := r.Hits[ti]; h.Iter >= 0 {
					return float64(h.Evals)
				}
				return failed
			}
			var rows []Comparison
			anyReached := false
			for a := 0; a < len(gs); a++ {
				for b := a + 1; b < len(gs); b++ {
					xa, xb := column(gs[a].Runs, value), column(gs[b].Runs, value)
					for _, v := range append(append([]float64(nil), xa...), xb...) {
						if v != failed {
							anyReached = true
						}
					}
					c := Comparison{Problem: prob, Precision: prec, Metric: metric, A: gs[a].Optimizer, B: gs[b].Optimizer,
						NA: len(xa), NB: len(xb), PW: math.NaN(), PS: math.NaN()}
					_, c.MedianA, _ = stats.Quartiles(xa)
					_, c.MedianB, _ = stats.Quartiles(xb)
					var err error
					if c.P, err = stats.MannWhitney(xa, xb); err != nil {
						c.P = math.NaN()
					}
					c.A12 = stats.A12(xa, xb)
					pa, pb := paired(gs[a].Runs, gs[b].Runs, value)
					c.Pairs = len(pa)
					if len(pa) > 0 {
						la, lb := LogPairs(pa, pb)
						if c.PW, err = stats.WilcoxonSignedRank(la, lb); err != nil {
							c.PW = math.NaN()
						}
						c.SignLower, c.SignN, c.PS = stats.SignTest(pa, pb)
					}
					rows = append(rows, c)
				}
			}
			if !anyReached {
				continue
			}
			ps, pws, pss := make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows))
			for i, c := range rows {
				ps[i], pws[i], pss[i] = c.P, c.PW, c.PS
			}
			h, hw, hs := stats.Holm(ps), stats.Holm(pws), stats.Holm(pss)
			for i := range rows {
				rows[i].PHolm, rows[i].PWHolm, rows[i].PSHolm = h[i], hw[i], hs[i]
			}
			out = append(out, rows...)
		}
	}
	return out
}

func indexOfTarget(name string) int {
	for i, t := range allTargets {
		if t.Name == name {
			return i
		}
	}
	panic("bench: unknown target " + name)
}

// paired returns the values of the runs of a and b that share a seed.
func paired(a, b []*Record, value func(*Record) float64) (xa, xb []float64) {
	bySeed := map[uint64]*Record{}
	for _, r := range b {
		bySeed[r.Seed] = r
	}
	for _, r := range a {
		if s, ok := bySeed[r.Seed]; ok {
			xa = append(xa, value(r))
			xb = append(xb, value(s))
		}
	}
	return xa, xb
}

func fmtMetric(metric string, v float64) string {
	if v == failed {
		return "+Inf"
	}
	return fmtFloat(v)
}

// WriteSummaries writes summary.csv, targets.csv, compare.csv and
// results.bench for recs into dir, atomically.
func WriteSummaries(dir string, plan *Plan, recs []*Record) error {
	groups, err := Groups(plan, recs)
	if err != nil {
		return err
	}
	// Groups are independent (each bootstrap has its own seeded stream), so
	// they are summarized in parallel and concatenated in order.
	sums := make([][][]string, len(groups))
	tgts := make([][][]string, len(groups))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			sums[i] = summaryRows(g)
			for _, s := range TargetStats(g) {
				tgts[i] = append(tgts[i], []string{s.Problem, s.Optimizer, s.Precision, s.Target, strconv.Itoa(s.Runs),
					strconv.Itoa(s.Successes), fmtFloat(s.Rate), fmtFloat(s.Lo), fmtFloat(s.Hi),
					fmtFloat(s.ItersMedian), fmtFloat(s.EvalsMedian), fmtFloat(s.SecondsMedian),
					fmtFloat(s.ERT), fmtFloat(s.ERTLo), fmtFloat(s.ERTHi), fmtFloat(s.RestartLo), fmtFloat(s.RestartHi)})
			}
		}()
	}
	wg.Wait()
	var sum, tgt, cmp [][]string
	for i := range groups {
		sum = append(sum, sums[i]...)
		tgt = append(tgt, tgts[i]...)
	}
	for _, c := range Compare(groups) {
		cmp = append(cmp, []string{c.Problem, c.Precision, c.Metric, c.A, c.B, strconv.Itoa(c.NA), strconv.Itoa(c.NB),
			fmtMetric(c.Metric, c.MedianA), fmtMetric(c.Metric, c.MedianB), fmtFloat(c.P), fmtFloat(c.PHolm),
			fmtFloat(c.A12), strconv.Itoa(c.Pairs), fmtFloat(c.PW), fmtFloat(c.PWHolm),
			strconv.Itoa(c.SignLower), strconv.Itoa(c.SignN), fmtFloat(c.PS), fmtFloat(c.PSHolm)})
	}
	files := []struct {
		name string
		data []byte
	}{
		{SummaryFile, encodeCSV(SummaryHeader(), sum)},
		{TargetsFile, encodeCSV(TargetsHeader(), tgt)},
		{CompareFile, encodeCSV(CompareHeader(), cmp)},
		{BenchFile, benchfmt(plan, recs)},
	}
	for _, f := range files {
		if err := WriteFileAtomic(filepath.Join(dir, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// Benchmark-format units (results.bench). Each is chosen so that
// benchstat's scaling, comparison and geomean are meaningful.
const (
	// UnitDigits is −log10 of the final loss: the loss's correct decimal
	// digits against 0, which benchstat compares without SI scaling
	// losses that span hundreds of decades. A loss of exactly 0 counts
	// as float64's smallest subnormal (323.3 digits); a diverged run has
	// no digits value.
	UnitDigits = "digits"
	// unitEvalsTo prefixes the evaluations to the problem's headline
	// target ("evals-to-classified"), reported only by runs that
	// reached it (so a run that stopped early does not look cheap), and
	// only on a problem and precision where every optimizer reached it at
	// least once (otherwise benchstat's table and geomean would compare
	// different sets of problems).
	unitEvalsTo = "evals-to-"
	// UnitNsPerEval is the wall-clock time per loss evaluation.
	UnitNsPerEval = "ns/eval"
)

// digits returns −log10(loss), with 0 counted as the smallest subnormal;
// ok is false for a NaN or infinite loss.
func digits(loss float64) (float64, bool) {
	if math.IsNaN(loss) || math.IsInf(loss, 0) || loss < 0 {
		return 0, false
	}
	return -math.Log10(max(loss, math.SmallestNonzeroFloat64)), true
}

// benchfmt renders each run's final figures in the Go benchmark format,
// one line per run (seeds are the repetitions), so that
// `benchstat -col /optimizer results.bench` compares optimizers: ns/op
// (time per iteration), ns/eval, digits of the final loss, and the
// evaluations to the headline target for the runs that reached it.
func benchfmt(plan *Plan, recs []*Record) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "goos: %s\ngoarch: %s\ncpu: %s\npkg: github.com/optbench/optbench\n", runtime.GOOS, runtime.GOARCH, cpuModel())
	fmt.Fprintf(&b, "optbench-config: %.12s\n", plan.Config.Hash())
	fmt.Fprintf(&b, "Unit %s better=higher\n", UnitDigits)
	headline := map[string]int{} // problem → index into AllTargets
	var units []string
	for _, p := range plan.Problems {
		name := HeadlineTarget(p)
		headline[p.Name] = indexOfTarget(name)
		if u := unitEvalsTo + name; !slices.Contains(units, u) {
			units = append(units, u)
		}
	}
	for _, u := range units {
		fmt.Fprintf(&b, "Unit %s better=lower\n", u)
	}
	fmt.Fprintf(&b, "Unit %s better=lower\n", UnitNsPerEval)
	// Which (problem, precision) every optimizer reached the headline
	// target of at least once.
	type pp struct{ problem, precision string }
	reached := map[pp]map[string]bool{}
	for _, r := range recs {
		k := pp{r.Problem, precisionOr64(r.Precision)}
		if reached[k] == nil {
			reached[k] = map[string]bool{}
		}
		if ti, ok := headline[r.Problem]; ok && r.Hits[ti].Iter >= 0 {
			reached[k][r.Optimizer] = true
		} else if !reached[k][r.Optimizer] {
			reached[k][r.Optimizer] = false
		}
	}
	complete := func(k pp) bool {
		for _, ok := range reached[k] {
			if !ok {
				return false
			}
		}
		return true
	}
	for _, r := range recs {
		fmt.Fprintf(&b, "BenchmarkTrain/problem=%s/optimizer=%s/precision=%s %d", r.Problem, r.Optimizer, precisionOr64(r.Precision), max(r.Iters, 1))
		if r.Iters > 0 {
			fmt.Fprintf(&b, " %.6g ns/op", r.Seconds*1e9/float64(r.Iters))
		}
		if r.Evals > 0 {
			fmt.Fprintf(&b, " %.6g %s", r.Seconds*1e9/float64(r.Evals), UnitNsPerEval)
		}
		if d, ok := digits(r.FinalLoss); ok {
			fmt.Fprintf(&b, " %.6g %s", d, UnitDigits)
		}
		if ti, ok := headline[r.Problem]; ok && complete(pp{r.Problem, precisionOr64(r.Precision)}) {
			if h := r.Hits[ti]; h.Iter >= 0 {
				fmt.Fprintf(&b, " %d %s%s", h.Evals, unitEvalsTo, AllTargets()[ti].Name)
			}
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}
