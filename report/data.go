package report

import (
	"math"
	"sort"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/stats"
)

// experiment is a results folder loaded for reporting.
type experiment struct {
	dir      string
	manifest *bench.Manifest
	plan     *bench.Plan
	problems []*optim.Problem
	methods  []string
	// groups are the runs in the main precision (float64, unless the
	// experiment ran only float32), which every chart and table shows;
	// others are the runs in the other precision (float32), which the
	// precision-limit charts and the floors findings add.
	groups, others map[[2]string]*bench.Group
	// precision and otherPrecision name the arithmetic of groups and
	// others.
	precision, otherPrecision string
	// stats caches bench.TargetStats per group (see targetStat).
	stats map[*bench.Group][]bench.TargetStat
	// ranking caches overallRanking.
	ranking *overall
	// causes holds every run's end cause (bench.EndCauses).
	causes map[*bench.Record]bench.EndCause
}

// causeOrder is the order in which end causes are listed.
var causeOrder = []bench.EndCause{bench.EndOptimum, bench.EndSaturated, bench.EndStepBound, bench.EndLocalMin,
	bench.EndPlateau, bench.EndBudget, bench.EndTarget, bench.EndDiverged}

// causeGroup is the runs of a group that ended for one cause, with the
// median of their best error.
type causeGroup struct {
	cause  bench.EndCause
	n      int
	median float64 // median best error (loss or parameter error)
	at     float64 // median iteration the plateau began at, NaN if none plateaued
}

// byCause splits g's runs by end cause, in causeOrder.
func (e *experiment) byCause(g *bench.Group, paramErr bool) []causeGroup {
	vals := map[bench.EndCause][]float64{}
	its := map[bench.EndCause][]float64{}
	for _, r := range g.Runs {
		c := e.causes[r]
		vals[c] = append(vals[c], bestErrBy(r, r.Iters, paramErr))
		if r.Status == bench.StatusPlateau {
			its[c] = append(its[c], float64(r.FloorIter))
		}
	}
	var out []causeGroup
	for _, c := range causeOrder {
		if v := vals[c]; len(v) > 0 {
			out = append(out, causeGroup{cause: c, n: len(v), median: median(v), at: median(its[c])})
		}
	}
	return out
}

// kind returns the Kind of the experiment's optimizer called name
// (optim.KindGradient, …), or "" when unstated.
func (e *experiment) kind(name string) string {
	for _, m := range e.plan.Methods {
		if m.Name == name {
			return m.Kind
		}
	}
	return ""
}

// group returns the runs of optimizer m on problem p in the main
// precision, or nil.
func (e *experiment) group(p, m string) *bench.Group { return e.groups[[2]string{p, m}] }

// other returns the runs of optimizer m on problem p in the other
// precision, or nil.
func (e *experiment) other(p, m string) *bench.Group { return e.others[[2]string{p, m}] }

// median returns the R-7 median of the non-NaN values of xs (±Inf kept).
func median(xs []float64) float64 {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	_, m, _ := stats.Quartiles(v)
	return m
}

func quartiles(xs []float64) (q1, med, q3 float64) {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	return stats.Quartiles(v)
}

// errorMetric says what "error" means on a problem's precision chart: the
// distance of the parameters from the known optimum where there is one,
// otherwise the loss.
func errorMetric(p *optim.Problem) (label string, paramErr bool) {
	if p.Optimum != nil {
		return "max |θ − θ*| (parameter error)", true
	}
	return "best loss (MSE)", false
}

// bestErrBy returns the best error of r up to checkpoint c: best loss, or
// the smallest parameter error seen at checkpoints ≤ c.
func bestErrBy(r *bench.Record, c int, paramErr bool) float64 {
	if !paramErr {
		return r.At(c).Best
	}
	best := math.NaN()
	for _, q := range r.Trace {
		if q.Iter > c {
			break
		}
		if math.IsNaN(best) || q.ParamErr < best {
			best = q.ParamErr
		}
	}
	return best
}

// floorOf returns the median precision floor of the group's plateaued
// runs of their most common end cause (in the chart's error metric), the
// median iteration it began at, how many runs that is, and the cause: a
// median is never taken across causes.
func (e *experiment) floorOf(g *bench.Group, paramErr bool) (value, at float64, n int, cause bench.EndCause) {
	count := map[bench.EndCause]int{}
	for _, r := range g.Runs {
		if r.Status == bench.StatusPlateau {
			count[e.causes[r]]++
		}
	}
	for _, c := range causeOrder {
		if count[c] > n {
			n, cause = count[c], c
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0, ""
	}
	var vs, its []float64
	for _, r := range g.Runs {
		if r.Status != bench.StatusPlateau || e.causes[r] != cause {
			continue
		}
		if paramErr {
			vs = append(vs, bestErrBy(r, r.Iters, true))
		} else {
			vs = append(vs, r.Floor)
		}
		its = append(its, float64(r.FloorIter))
	}
	return median(vs), median(its), len(vs), cause
}

// targetStat returns g's TargetStat for the target called name, with the
// group's TargetStats (bootstraps included) computed once per report.
func (e *experiment) targetStat(g *bench.Group, name string) (bench.TargetStat, bool) {
	if e.stats == nil {
		e.stats = map[*bench.Group][]bench.TargetStat{}
	}
	ss, ok := e.stats[g]
	if !ok {
		ss = bench.TargetStats(g)
		e.stats[g] = ss
	}
	for _, s := range ss {
		if s.Target == name {
			return s, true
		}
	}
	return bench.TargetStat{}, false
}

func targetIndex(name string) int {
	for i, t := range bench.AllTargets() {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// perIter returns the median seconds per iteration and per evaluation.
func perIter(g *bench.Group) (iter, eval float64) {
	var a, b []float64
	for _, r := range g.Runs {
		if r.Iters > 0 {
			a = append(a, r.Seconds/float64(r.Iters))
		}
		if r.Evals > 0 {
			b = append(b, r.Seconds/float64(r.Evals))
		}
	}
	return median(a), median(b)
}

func countStatus(g *bench.Group, s bench.Status) int {
	n := 0
	for _, r := range g.Runs {
		if r.Status == s {
			n++
		}
	}
	return n
}

func sortedFloats(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s
}

// evalBudget returns the loss-evaluation budget of problem p's runs, 0 if
// none.
func (e *experiment) evalBudget(p string) int {
	for _, t := range e.plan.Tasks {
		if t.Problem.Name == p {
			return t.EvalBudget
		}
	}
	return 0
}

// artAtBudget returns g's aRT on target with every failure charged its
// whole budget (bench.Group.CostsAtBudget).
func (e *experiment) artAtBudget(g *bench.Group, target string) float64 {
	c, s, ok := g.CostsAtBudget(target, e.evalBudget(g.Problem))
	if !ok {
		return math.NaN()
	}
	return stats.ART(c, s)
}
