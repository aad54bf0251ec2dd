package cli

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/optbench/optbench/bench"
)

// headlineLegend explains the columns of the headline table.
const headlineLegend = `target: the hardest target any run reached on the problem, ranked
  classified < loss_1e-01 < … < loss_1e-12 < param_1e-07 (the easiest
  applicable one if no run reached any); solved: runs that reached it, with
  the 95% Wilson interval of the rate; iters, evals: medians over those runs;
  final loss: median over all runs; ends: how the runs ended, per cause
  (optimum, saturated: weights growing while residuals underflow,
  step-bound, local-minimum, plateau, budget, target, diverged), with the
  median best loss of the causes that are floors; time/iter: median seconds
  per iteration. Everything is at the end of each run's budget.
`

// targetRank orders targets by difficulty for the headline table:
// classification first (reached at a moderate loss), then the loss levels
// from 1e-1 down, then the parameter tolerance (the tutorial's criterion,
// which on the problems with a known optimum needs the loss far below 1e-12).
func targetRank() []string {
	var class, loss, param []string
	for _, t := range bench.AllTargets() {
		switch t.Kind {
		case bench.ClassTarget:
			class = append(class, t.Name)
		case bench.LossTarget:
			loss = append(loss, t.Name)
		case bench.ParamTarget:
			param = append(param, t.Name)
		}
	}
	return append(append(class, loss...), param...)
}

// headlineTarget returns the hardest target (by targetRank) that some run
// of the problem reached, or the easiest applicable one if none was.
func headlineTarget(stats []map[string]bench.TargetStat) string {
	best, first := "", ""
	for _, name := range targetRank() {
		applies, reached := false, false
		for _, st := range stats {
			if s, ok := st[name]; ok {
				applies = true
				reached = reached || s.Successes > 0
			}
		}
		if applies && first == "" {
			first = name
		}
		if reached {
			best = name
		}
	}
	if best == "" {
		return first
	}
	return best
}

// headline prints, per problem and optimizer, the success at the problem's
// headline target and the medians of the runs (see headlineLegend).
func headline(w io.Writer, plan *bench.Plan, recs []*bench.Record) error {
	groups, err := bench.Groups(plan, recs)
	if err != nil {
		return err
	}
	var problems []string
	byProblem := map[string][]*bench.Group{}
	for _, g := range groups {
		if _, ok := byProblem[g.Problem]; !ok {
			problems = append(problems, g.Problem)
		}
		byProblem[g.Problem] = append(byProblem[g.Problem], g)
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	causes := map[*bench.Record]bench.EndCause{}
	for i, c := range bench.EndCauses(plan, recs) {
		causes[recs[i]] = c
	}
	fmt.Fprintln(tw, "problem\toptimizer\ttarget\tsolved\trate (95% CI)\titers\tevals\tfinal loss\tends (runs, median best loss)\ttime/iter")
	for _, prob := range problems {
		gs := byProblem[prob]
		stats := make([]map[string]bench.TargetStat, len(gs))
		for i, g := range gs {
			stats[i] = map[string]bench.TargetStat{}
			for _, s := range bench.TargetStats(g) {
				stats[i][s.Target] = s
			}
		}
		target := headlineTarget(stats)
		for i, g := range gs {
			s := stats[i][target]
			var final, perIter []float64
			for _, r := range g.Runs {
				final = append(final, r.FinalLoss)
				if r.Iters > 0 {
					perIter = append(perIter, r.Seconds/float64(r.Iters))
				}
			}
			_, finalMed, _ := bench.Quartiles(final)
			_, perIterMed, _ := bench.Quartiles(perIter)
			floor := endsText(g.Runs, causes)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%.0f%% (%.0f–%.0f%%)\t%s\t%s\t%s\t%s\t%s\n",
				prob, optimizerLabel(g), target, s.Successes, s.Runs, 100*s.Rate, 100*s.Lo, 100*s.Hi,
				fmtCount(s.ItersMedian), fmtCount(s.EvalsMedian), fmtLoss(finalMed), floor, fmtSeconds(perIterMed))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "\n%s", headlineLegend)
	return err
}

// fmtCount formats a median count: an integer, or a half for an even
// number of values; "-" for NaN (no values).
func fmtCount(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func fmtLoss(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3g", v)
}

// fmtSeconds formats a duration in seconds with 3 significant digits.
func fmtSeconds(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v < 1e-6:
		return fmt.Sprintf("%.3gns", v*1e9)
	case v < 1e-3:
		return fmt.Sprintf("%.3gµs", v*1e6)
	case v < 1:
		return fmt.Sprintf("%.3gms", v*1e3)
	}
	return fmt.Sprintf("%.3gs", v)
}

// optimizerLabel names a group's optimizer in the headline table, with its
// precision unless it is float64: "irprop- (float32)".
func optimizerLabel(g *bench.Group) string {
	if g.Precision != "" && g.Precision != "float64" {
		return g.Optimizer + " (" + g.Precision + ")"
	}
	return g.Optimizer
}

// endsText says how a group's runs ended, per cause (bench.EndCause), most
// frequent first: "local-minimum 15 at 0.125, saturated 14, budget 1". A
// floor is given per cause, never as a median across causes: the median
// best loss follows the causes whose value is a floor of the optimizer
// (plateau, local minimum, step bound).
func endsText(runs []*bench.Record, causes map[*bench.Record]bench.EndCause) string {
	best := map[bench.EndCause][]float64{}
	var order []bench.EndCause
	for _, r := range runs {
		c := causes[r]
		if _, ok := best[c]; !ok {
			order = append(order, c)
		}
		best[c] = append(best[c], r.BestLoss)
	}
	sort.SliceStable(order, func(i, j int) bool { return len(best[order[i]]) > len(best[order[j]]) })
	var parts []string
	for _, c := range order {
		s := fmt.Sprintf("%s %d", c, len(best[c]))
		switch c {
		case bench.EndPlateau, bench.EndLocalMin, bench.EndStepBound:
			_, med, _ := bench.Quartiles(best[c])
			s += " at " + fmtLoss(med)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
