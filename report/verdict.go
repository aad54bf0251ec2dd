package report

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/plots"
	"github.com/optbench/optbench/stats"
)

// alpha is the significance level of every test the report names.
const alpha = 0.05

// overall is the ranking of the optimizers over the problems: Friedman's
// test on per-problem aRT ranks with Nemenyi's post-hoc test (Demšar 2006).
type overall struct {
	problems []*optim.Problem
	methods  []string
	// art[p][m] is aRT to problem p's headline target, +Inf if no run
	// reached it.
	art    [][]float64
	res    stats.FriedmanResult
	cd     float64
	groups [][]int
	err    error // why there is no ranking (fewer than two problems …)
}

// overallRanking ranks the optimizers run on every problem (main
// precision) by aRT to each problem's headline target.
func (e *experiment) overallRanking() *overall {
	if e.ranking != nil {
		return e.ranking
	}
	o := &overall{}
	e.ranking = o
	for _, m := range e.methods {
		all := true
		for _, p := range e.problems {
			all = all && e.group(p.Name, m) != nil
		}
		if all {
			o.methods = append(o.methods, m)
		}
	}
	for _, p := range e.problems {
		target := bench.HeadlineTarget(p)
		row := make([]float64, len(o.methods))
		for j, m := range o.methods {
			s, _ := e.targetStat(e.group(p.Name, m), target)
			row[j] = s.ERT
		}
		o.problems = append(o.problems, p)
		o.art = append(o.art, row)
	}
	o.rank()
	return o
}

// rank runs Friedman's test and Nemenyi's post-hoc test on o.art.
func (o *overall) rank() {
	o.res, o.err = stats.Friedman(o.art)
	if o.err != nil {
		return
	}
	o.cd = stats.NemenyiCD(len(o.methods), o.res.N, alpha)
	o.groups = stats.CDGroups(o.res.MeanRanks, o.cd)
}

// byRank returns the method indexes, best mean rank first.
func (o *overall) byRank() []int {
	idx := make([]int, len(o.methods))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return o.res.MeanRanks[idx[a]] < o.res.MeanRanks[idx[b]] })
	return idx
}

// sentence states the verdict: a winner when Friedman's test rejects and
// the best optimizer's mean rank beats others by at least CD, otherwise
// plainly that none is supported.
func (o *overall) sentence() string {
	if o.err != nil {
		return fmt.Sprintf("No overall ranking: %d problem(s) × %d optimizer(s) run on every problem — Friedman's test needs at least two of each.",
			len(o.art), len(o.methods))
	}
	idx := o.byRank()
	var ranks []string
	for _, i := range idx {
		ranks = append(ranks, fmt.Sprintf("`%s` %.2f", o.methods[i], o.res.MeanRanks[i]))
	}
	r := o.res
	spread := r.MeanRanks[idx[len(idx)-1]] - r.MeanRanks[idx[0]]
	test := fmt.Sprintf("Friedman χ²_F = %.2f with %d degrees of freedom, p = %s; Iman–Davenport F_F = %.2f, p = %s",
		r.ChiSq, r.K-1, fmtP(r.P), r.FF, fmtP(r.PF))
	cdText := fmt.Sprintf("Nemenyi critical difference CD = %.2f at α = %.2g", o.cd, alpha)
	head := fmt.Sprintf("Ranked by aRT to each problem's headline target on %d problems (1 = fewest loss evaluations; ties, e.g. two optimizers that never reach it, share their rank), the mean ranks are %s.",
		r.N, strings.Join(ranks, ", "))
	best := idx[0]
	var beaten []string
	for _, i := range idx[1:] {
		if r.MeanRanks[i]-r.MeanRanks[best] >= o.cd {
			beaten = append(beaten, "`"+o.methods[i]+"`")
		}
	}
	switch {
	case r.P >= alpha:
		return fmt.Sprintf("**No overall winner is supported.** %s Friedman's test does not reject equal ranks (%s), and the whole spread of mean ranks, %.2f, is %s the %s.",
			head, test, spread, map[bool]string{true: "less than", false: "not less than"}[spread < o.cd], cdText)
	case len(beaten) == 0:
		return fmt.Sprintf("**No overall winner is supported.** %s Friedman's test rejects equal ranks (%s), but no optimizer's mean rank is ahead of another's by the %s.",
			head, test, cdText)
	}
	var tied []string
	for _, i := range idx[1:] {
		if r.MeanRanks[i]-r.MeanRanks[best] < o.cd {
			tied = append(tied, "`"+o.methods[i]+"`")
		}
	}
	s := fmt.Sprintf("**`%s` ranks best overall.** %s Friedman's test rejects equal ranks (%s); `%s` is ahead by at least the %s of %s",
		o.methods[best], head, test, o.methods[best], cdText, strings.Join(beaten, ", "))
	if len(tied) > 0 {
		s += fmt.Sprintf(", but not of %s", strings.Join(tied, ", "))
	}
	return s + "."
}

// verdict writes the report's first section: the overall ranking with its
// critical-difference diagram and a performance profile, then the
// per-problem winners by success rate.
func (w *writer) verdict(b *bytes.Buffer) {
	o := w.e.overallRanking()
	b.WriteString("## Verdict\n\n")
	b.WriteString(o.sentence() + w.e.budgetRankingText(o) + "\n\n")
	for _, c := range w.charts["verdict"] {
		writeChart(b, c)
	}
	w.winners(b)
}

// verdictCharts draws the critical-difference diagram and the
// performance profile of the overall ranking.
func (w *writer) verdictCharts() error {
	o := w.e.overallRanking()
	if o.err != nil {
		return nil
	}
	title := fmt.Sprintf("Mean rank by aRT over %d problems", len(o.problems))
	pl, err := plots.CDDiagram(title, o.methods, o.res.MeanRanks, o.cd, o.groups)
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("Critical-difference diagram (Demšar 2006): each optimizer's mean rank by aRT to the problem's headline target (1 = best). "+
		"The bar at the top is Nemenyi's critical difference at α = 0.05; optimizers joined by a grey line below the axis do not differ significantly. "+
		"Friedman p = %s.", fmtP(o.res.P))
	if err := w.save(pl, "verdict-cd", title, caption, plots.Note{}); err != nil {
		return err
	}
	ratios := stats.PerformanceRatios(o.art)
	var curves []plots.ECDFCurve
	maxR := 1.0
	for _, row := range ratios {
		for _, v := range row {
			if !math.IsInf(v, 1) {
				maxR = math.Max(maxR, v)
			}
		}
	}
	for j, m := range o.methods {
		c := plots.ECDFCurve{Name: m, Total: len(o.problems), Budget: maxR * 2}
		for _, row := range ratios {
			if !math.IsInf(row[j], 1) {
				c.Reached = append(c.Reached, row[j])
			}
		}
		curves = append(curves, c)
	}
	title = "Performance profile: aRT to the headline target"
	pl, note, err := plots.ECDF(title, "τ: aRT ÷ the best optimizer's aRT on the problem", "share of problems with ratio ≤ τ", curves)
	if err != nil {
		return err
	}
	caption = fmt.Sprintf("Dolan–Moré performance profile over the %d problems: ρ(τ) is the share of problems on which the optimizer's aRT is within a factor τ of the best; "+
		"ρ(1) is the share it wins, the right end the share it solves at all.", len(o.problems))
	return w.save(pl, "verdict-profile", title, caption, note)
}

// dataProfile draws the Moré–Wild data profile of aRT to the headline
// target in units of (n+1) loss evaluations.
func (w *writer) dataProfile() error {
	o := w.e.overallRanking()
	if o.err != nil {
		return nil
	}
	var curves []plots.ECDFCurve
	maxA := 1.0
	for j, m := range o.methods {
		c := plots.ECDFCurve{Name: m, Total: len(o.problems)}
		for pi, p := range o.problems {
			if v := o.art[pi][j]; !math.IsInf(v, 1) {
				a := v / float64(p.Dim()+1)
				c.Reached = append(c.Reached, a)
				maxA = math.Max(maxA, a)
			}
		}
		curves = append(curves, c)
	}
	for i := range curves {
		curves[i].Budget = maxA * 2
	}
	title := "Data profile: aRT to the headline target"
	pl, note, err := plots.ECDF(title, "α: aRT ÷ (parameters + 1), in loss evaluations", "share of problems with aRT ≤ α(n+1)", curves)
	if err != nil {
		return err
	}
	caption := "Moré–Wild data profile: the share of problems whose headline target an optimizer reaches (by aRT) within α·(n+1) loss evaluations, n the problem's number of parameters — α counts simplex gradients, so problems of different size share one axis."
	return w.save(pl, "profile-data", title, caption, note)
}

// winners writes, per problem, the optimizer with the highest success
// rate on the headline target against the runner-up: Fisher's exact test
// and Newcombe's interval for the difference, Holm-corrected over the
// problems.
func (w *writer) winners(b *bytes.Buffer) {
	type row struct {
		p            *optim.Problem
		target       string
		first, other ranked
		fisher       float64
	}
	var rows []row
	for _, p := range w.e.problems {
		target := bench.HeadlineTarget(p)
		var rs []ranked
		for _, m := range w.e.methods {
			if g := w.e.group(p.Name, m); g != nil {
				s, _ := w.e.targetStat(g, target)
				rs = append(rs, ranked{m, s})
			}
		}
		if len(rs) < 2 {
			continue
		}
		sort.SliceStable(rs, func(i, j int) bool {
			if rs[i].s.Rate != rs[j].s.Rate {
				return rs[i].s.Rate > rs[j].s.Rate
			}
			return rs[i].s.ERT < rs[j].s.ERT
		})
		a, c := rs[0], rs[1]
		rows = append(rows, row{p: p, target: target, first: a, other: c,
			fisher: stats.FisherExact(a.s.Successes, a.s.Runs, c.s.Successes, c.s.Runs)})
	}
	if len(rows) == 0 {
		return
	}
	ps := make([]float64, len(rows))
	for i, r := range rows {
		ps[i] = r.fisher
	}
	holm := stats.Holm(ps)
	b.WriteString("Per problem, the most reliable optimizer on the headline target against the runner-up (ties in success broken by aRT): " +
		"the difference of success rates with Newcombe's hybrid score 95% interval and Fisher's exact test, Holm-corrected over the problems (one test per problem).\n\n")
	b.WriteString("| problem | target | most successful | runner-up | difference [95% CI] | Fisher p (Holm) | supported |\n|---|---|---|---|---:|---:|---|\n")
	for i, r := range rows {
		a, c := r.first.s, r.other.s
		lo, hi := stats.NewcombeDiff(a.Successes, a.Runs, c.Successes, c.Runs, bench.Confidence)
		sup := "no"
		if holm[i] < alpha {
			sup = "yes"
		}
		fmt.Fprintf(b, "| `%s` | `%s` | `%s` %d/%d | `%s` %d/%d | %+.0f pts [%+.0f, %+.0f] | %s | %s |\n", r.p.Name, r.target,
			r.first.name, a.Successes, a.Runs, r.other.name, c.Successes, c.Runs, 100*(a.Rate-c.Rate), 100*lo, 100*hi, fmtP(holm[i]), sup)
	}
	b.WriteString("\n")
}

// budgetRankingText repeats the ranking with every failed run charged its
// whole budget (bench.Group.CostsAtBudget), so that a reader sees whether
// the stopping rule moves it; "" when there is no ranking.
func (e *experiment) budgetRankingText(o *overall) string {
	if o.err != nil {
		return ""
	}
	b := &overall{problems: o.problems, methods: o.methods}
	for _, p := range o.problems {
		target := bench.HeadlineTarget(p)
		row := make([]float64, len(o.methods))
		for j, m := range o.methods {
			row[j] = e.artAtBudget(e.group(p.Name, m), target)
		}
		b.art = append(b.art, row)
	}
	b.rank()
	if b.err != nil {
		return ""
	}
	var ranks []string
	for _, i := range b.byRank() {
		ranks = append(ranks, fmt.Sprintf("`%s` %.2f", b.methods[i], b.res.MeanRanks[i]))
	}
	verdict := "the verdict stands"
	if (o.res.P < alpha) != (b.res.P < alpha) {
		verdict = "the verdict changes, so it depends on the stopping rule"
	}
	return fmt.Sprintf(" Charging every failed run its whole budget instead of what it spent (so that the plateau rule cannot make failures cheap), the mean ranks are %s (Friedman p = %s): %s.",
		strings.Join(ranks, ", "), fmtP(b.res.P), verdict)
}
