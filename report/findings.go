package report

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
)

// findings returns the report's generated sentences, each computed from
// the runs.
func (w *writer) findings() []string {
	var out []string
	for _, p := range w.e.problems {
		if p.Optimum != nil {
			out = append(out, w.firstToTolerance(p))
		}
	}
	for _, p := range w.e.problems {
		out = append(out, w.floors(p))
		if s := w.floorsOther(p); s != "" {
			out = append(out, s)
		}
	}
	for _, p := range w.e.problems {
		for _, m := range w.e.methods {
			if w.e.kind(m) == optim.KindPopulation {
				if s := w.populationVersusOthers(p, m); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	for _, p := range w.e.problems {
		for _, m := range w.e.methods {
			if g := w.e.group(p.Name, m); g != nil {
				if n := countStatus(g, bench.StatusDiverged); n > 0 {
					out = append(out, fmt.Sprintf("On `%s`, `%s` diverged in %d of %d runs (recorded as status `diverged`; the other runs went on).", p.Name, m, n, len(g.Runs)))
				}
			}
		}
	}
	return out
}

type ranked struct {
	name string
	s    bench.TargetStat
}

// rankBy returns the optimizers' stats for target on p, those that reached
// it in at least half of their runs first, ordered by median iterations.
func (w *writer) rankBy(p *optim.Problem, target string, key func(bench.TargetStat) float64) (good, rest []ranked) {
	for _, m := range w.e.methods {
		g := w.e.group(p.Name, m)
		if g == nil {
			continue
		}
		s, ok := w.e.targetStat(g, target)
		if !ok {
			continue
		}
		if 2*s.Successes >= s.Runs && s.Successes > 0 {
			good = append(good, ranked{m, s})
		} else {
			rest = append(rest, ranked{m, s})
		}
	}
	sort.SliceStable(good, func(i, j int) bool { return key(good[i].s) < key(good[j].s) })
	return good, rest
}

func (w *writer) firstToTolerance(p *optim.Problem) string {
	// Ranked by evaluations, the cost that is comparable across methods
	// (a GA generation evaluates a whole population).
	good, rest := w.rankBy(p, "param_1e-07", func(s bench.TargetStat) float64 { return s.EvalsMedian })
	if len(good) == 0 {
		return fmt.Sprintf("On `%s`, no optimizer brought the parameters within the tutorial's tolerance 1e-7 of the optimum %v in at least half of its runs.", p.Name, p.Optimum)
	}
	f := good[0]
	s := fmt.Sprintf("On `%s`, `%s` reached the tutorial's tolerance (every parameter within 1e-7 of the optimum %v) first, counting loss evaluations: after a median of %s iterations (%s loss evaluations), in %d of %d runs.",
		p.Name, f.name, p.Optimum, fmtCount(f.s.ItersMedian), fmtCount(f.s.EvalsMedian), f.s.Successes, f.s.Runs)
	var others []string
	for _, r := range good[1:] {
		others = append(others, fmt.Sprintf("`%s` %s iterations, %s evaluations (%d/%d runs)", r.name, fmtCount(r.s.ItersMedian),
			fmtCount(r.s.EvalsMedian), r.s.Successes, r.s.Runs))
	}
	if len(others) > 0 {
		s += " Then: " + strings.Join(others, "; ") + "."
	}
	var never, some []string
	for _, r := range rest {
		if r.s.Successes == 0 {
			never = append(never, "`"+r.name+"`")
		} else {
			some = append(some, fmt.Sprintf("`%s` (%d/%d runs)", r.name, r.s.Successes, r.s.Runs))
		}
	}
	if len(some) > 0 {
		s += " Reached it in fewer than half of the runs: " + strings.Join(some, ", ") + "."
	}
	if len(never) > 0 {
		s += " Never reached it within the budget: " + strings.Join(never, ", ") + "."
	}
	return s
}

// floors states each optimizer's precision limit on p.
func (w *writer) floors(p *optim.Problem) string {
	_, paramErr := errorMetric(p)
	what := "loss"
	if paramErr {
		what = "parameter error"
	}
	return fmt.Sprintf("Why the runs on `%s` end, by cause (best %s; causes defined under Statistical methods) in %s: %s.", p.Name, what, w.e.precision,
		strings.Join(w.floorParts(p, w.e.group), "; "))
}

// floorsOther states each optimizer's precision limit on p in the other
// precision, with how far the floor moved from the main precision's; ""
// when p did not run in it.
func (w *writer) floorsOther(p *optim.Problem) string {
	parts := w.floorParts(p, w.e.other)
	if len(parts) == 0 {
		return ""
	}
	_, paramErr := errorMetric(p)
	what := "loss"
	if paramErr {
		what = "parameter error"
	}
	var moves []string
	for _, m := range w.e.methods {
		a, b := w.e.group(p.Name, m), w.e.other(p.Name, m)
		if a == nil || b == nil {
			continue
		}
		va, _, na, ca := w.e.floorOf(a, paramErr)
		vb, _, nb, cb := w.e.floorOf(b, paramErr)
		if na > 0 && nb > 0 && va > 0 && vb > 0 && ca == cb {
			moves = append(moves, fmt.Sprintf("`%s` ×%s", m, fmtG(vb/va)))
		}
	}
	s := fmt.Sprintf("Why the runs on `%s` end (%s) in %s, same runs otherwise: %s.", p.Name, what, w.e.otherPrecision, strings.Join(parts, "; "))
	if len(moves) > 0 {
		s += fmt.Sprintf(" The %s floor over the %s floor, where both end for the same cause: %s.", w.e.otherPrecision, w.e.precision, strings.Join(moves, ", "))
	}
	return s
}

// floorParts states the floor of each optimizer's group on p, as group
// returns them (nil: not run).
func (w *writer) floorParts(p *optim.Problem, group func(p, m string) *bench.Group) []string {
	_, paramErr := errorMetric(p)
	what := "loss"
	if paramErr {
		what = "parameter error"
	}
	var parts []string
	for _, m := range w.e.methods {
		g := group(p.Name, m)
		if g == nil {
			continue
		}
		var ends []string
		for _, c := range w.e.byCause(g, paramErr) {
			ends = append(ends, w.causeText(p, g, c, what))
		}
		parts = append(parts, fmt.Sprintf("`%s` %s", m, strings.Join(ends, ", ")))
	}
	return parts
}

// populationVersusOthers compares the population method pm (optim.
// KindPopulation: the GA, CMA-ES, …), which evaluates many points per
// iteration, with the best of the experiment's other optimizers that are
// not population methods, per evaluation on p's headline target.
func (w *writer) populationVersusOthers(p *optim.Problem, pm string) string {
	ga := w.e.group(p.Name, pm)
	if ga == nil {
		return ""
	}
	name := "`" + pm + "`"
	target := bench.HeadlineTarget(p)
	gs, _ := w.e.targetStat(ga, target)
	best := ranked{s: bench.TargetStat{ERT: math.Inf(1)}}
	var bestGroup *bench.Group
	for _, m := range w.e.methods {
		if w.e.kind(m) == optim.KindPopulation {
			continue
		}
		g := w.e.group(p.Name, m)
		if g == nil {
			continue
		}
		if s, ok := w.e.targetStat(g, target); ok && s.ERT < best.s.ERT {
			best = ranked{m, s}
			bestGroup = g
		}
	}
	if best.name == "" {
		if gs.Successes == 0 {
			return fmt.Sprintf("On `%s`, no optimizer reached `%s`.", p.Name, target)
		}
		return fmt.Sprintf("On `%s`, only %s reached `%s` (aRT %s evaluations, %d/%d runs).", p.Name, name, target, fmtCount(gs.ERT), gs.Successes, gs.Runs)
	}
	switch {
	case gs.Successes == 0:
		return fmt.Sprintf("On `%s`, %s never reached `%s` within its budget, while `%s` did with an aRT of %s loss evaluations (%d/%d runs).",
			p.Name, name, target, best.name, fmtCount(best.s.ERT), best.s.Successes, best.s.Runs)
	}
	lo, hi := bench.ARTRatioCI(ga, bestGroup, target)
	ci := fmt.Sprintf("95%% bootstrap CI of the ratio %s–%s", fmtRatio(lo), fmtRatio(hi))
	charged := chargingText(gs.ERT/best.s.ERT, w.e.artAtBudget(ga, target), w.e.artAtBudget(bestGroup, target))
	if gs.ERT <= best.s.ERT {
		return fmt.Sprintf("On `%s`, %s overtakes the other optimizers per evaluation on `%s`: aRT %s loss evaluations against %s for the best of them, `%s` (ratio %.3g×, %s)%s.%s",
			p.Name, name, target, fmtCount(gs.ERT), fmtCount(best.s.ERT), best.name, gs.ERT/best.s.ERT, ci, ratioCaveat(lo, hi), charged)
	}
	return fmt.Sprintf("On `%s`, %s needs %.3g× the loss evaluations of `%s` to reach `%s` (%s%s; aRT %s against %s; %s %d/%d runs, %s %d/%d).%s",
		p.Name, name, gs.ERT/best.s.ERT, best.name, target, ci, ratioCaveat(lo, hi), fmtCount(gs.ERT), fmtCount(best.s.ERT), pm, gs.Successes, gs.Runs,
		best.name, best.s.Successes, best.s.Runs, charged)
}

// chargingText compares a ratio of aRTs (failures charged what they spent,
// COCO's rule) with the ratio when every failure is charged its whole
// budget (a over b, both under that rule), and says when the order of the
// two flips: then the stopping rule, not the optimizers, decides it.
func chargingText(ratio, budgetA, budgetB float64) string {
	if math.IsNaN(budgetA) || math.IsNaN(budgetB) || math.IsInf(budgetA, 1) || math.IsInf(budgetB, 1) {
		return ""
	}
	r := budgetA / budgetB
	s := fmt.Sprintf(" Charging every failed run its whole budget instead of what it spent, the ratio is %.3g× (aRT %s against %s)", r, fmtCount(budgetA), fmtCount(budgetB))
	if (ratio < 1) != (r < 1) && ratio != 1 && r != 1 {
		return s + ": the order flips, so the stopping rule, not the optimizers, decides this comparison."
	}
	return s + ": the order holds under both rules."
}

// fmtRatio formats a ratio bound: 3 significant digits, ∞, or – (NaN).
func fmtRatio(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	}
	return fmt.Sprintf("%.3g×", v)
}

// ratioCaveat says when a ratio's interval includes 1: the order of the
// two is then not established.
func ratioCaveat(lo, hi float64) string {
	if lo <= 1 && hi >= 1 {
		return ", which includes 1: the order is not established"
	}
	return ""
}

// causeText states one end cause of a group's runs with its median best
// error (the causes are defined in the methods section).
func (w *writer) causeText(p *optim.Problem, g *bench.Group, c causeGroup, what string) string {
	runs := fmt.Sprintf("%d/%d", c.n, len(g.Runs))
	from := ""
	if !math.IsNaN(c.at) {
		from = fmt.Sprintf(", from iteration ~%s", fmtCount(c.at))
	}
	switch c.cause {
	case bench.EndOptimum:
		if c.median == 0 {
			return fmt.Sprintf("%s at the optimum exactly (%s 0)", runs, what)
		}
		return fmt.Sprintf("%s at the optimum to the arithmetic's resolution (median %s)", runs, fmtG(c.median))
	case bench.EndSaturated:
		return fmt.Sprintf("%s saturated (median loss %s, a measure of weight growth, not of fit)", runs, fmtG(c.median))
	case bench.EndStepBound:
		return fmt.Sprintf("%s at its step-size bound delta-min = %s (median %s%s)%s", runs, settingText(g.Runs[0].Settings, "delta-min"),
			fmtG(c.median), from, w.boundSweepText(p.Name, g.Optimizer, "delta-min"))
	case bench.EndLocalMin:
		return fmt.Sprintf("%s at a local minimum (median %s%s)", runs, fmtG(c.median), from)
	case bench.EndPlateau:
		return fmt.Sprintf("%s stopped improving (median %s%s)", runs, fmtG(c.median), from)
	case bench.EndBudget:
		return fmt.Sprintf("%s still improving at the budget (median %s)", runs, fmtG(c.median))
	case bench.EndTarget:
		return fmt.Sprintf("%s stopped after every target (median %s)", runs, fmtG(c.median))
	case bench.EndDiverged:
		return fmt.Sprintf("%s diverged", runs)
	}
	return fmt.Sprintf("%s %s (median %s)", runs, c.cause, fmtG(c.median))
}

// settingText returns the value of key in canonical settings, or "?".
func settingText(settings, key string) string {
	for _, kv := range strings.Split(settings, ";") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return "?"
}

// boundSweepText measures what a step-size bound costs: from a sweep of
// optimizer on problem over setting (e.g. delta-min) among the report's
// sweeps, the success at the sweep's target at each grid value, so that
// "its step cannot go below delta-min" is backed by runs with smaller
// bounds. It returns "" when no such sweep was run.
func (w *writer) boundSweepText(problem, optimizer, setting string) string {
	for _, r := range w.loadSweeps() {
		m := r.Manifest
		if m.Problem != problem || m.Optimizer != optimizer || len(m.Axes) != 1 || m.Axes[0].Setting != setting {
			continue
		}
		var parts []string
		for i, s := range r.Stats {
			v := m.Axes[0].Values[m.Points[i].Coord[0]]
			label := strconv.FormatFloat(v, 'g', -1, 64)
			if v == 0 {
				label = "0 (none)"
			}
			med := ""
			if s.Successes > 0 {
				med = fmt.Sprintf(", median %s evaluations", fmtCount(s.EvalsMedian))
			}
			parts = append(parts, fmt.Sprintf("%s = %s: %d/%d%s", setting, label, s.Successes, s.Runs, med))
		}
		return fmt.Sprintf("; measured in the sweep `%s` (%d seeds, budget %d), runs reaching `%s` by %s: %s",
			filepath.Base(r.Dir), m.Seeds, m.Budget, m.Target, setting, strings.Join(parts, "; "))
	}
	return ""
}

// loadSweeps returns the report's sweeps that load, once.
func (w *writer) loadSweeps() []*bench.SweepResult {
	if w.sweepResults == nil {
		w.sweepResults = []*bench.SweepResult{}
		for _, d := range sweepDirs(w.e.dir, w.opt) {
			if r, err := bench.LoadSweep(d); err == nil {
				w.sweepResults = append(w.sweepResults, r)
			}
		}
	}
	return w.sweepResults
}
