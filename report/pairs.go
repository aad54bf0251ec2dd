package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/plots"
)

// finalLossComparisons returns compare.csv's final-loss rows of problem p
// in the main precision.
func (w *writer) finalLossComparisons(p string) []bench.Comparison {
	if w.cmp == nil {
		w.cmp = bench.Compare(w.groupsInOrder())
	}
	var out []bench.Comparison
	for _, c := range w.cmp {
		if c.Problem == p && c.Metric == "final_loss" {
			out = append(out, c)
		}
	}
	return out
}

// pairCharts draws one A12 matrix per problem: the final loss of every
// pair of optimizers, with the sign test's Holm-corrected verdict.
func (w *writer) pairCharts() error {
	for _, p := range w.e.problems {
		cmp := w.finalLossComparisons(p.Name)
		if len(cmp) == 0 {
			continue
		}
		var names []string
		idx := map[string]int{}
		for _, m := range w.e.methods {
			if w.e.group(p.Name, m) != nil {
				idx[m] = len(names)
				names = append(names, m)
			}
		}
		k := len(names)
		vals := make([][]float64, k)
		marks := make([][]string, k)
		for r := range vals {
			vals[r] = make([]float64, k)
			marks[r] = make([]string, k)
			for c := range vals[r] {
				vals[r][c] = math.NaN()
			}
		}
		for _, c := range cmp {
			a, b := idx[c.A], idx[c.B]
			vals[a][b], vals[b][a] = c.A12, 1-c.A12
			if c.PSHolm < alpha {
				marks[a][b], marks[b][a] = "*", "*"
			}
		}
		// Row 0 is drawn at the bottom: reverse so the first optimizer is on top.
		rows := make([]string, k)
		for r := range k {
			rows[r] = names[k-1-r]
		}
		rv, rm := make([][]float64, k), make([][]string, k)
		for r := range k {
			rv[r], rm[r] = vals[k-1-r], marks[k-1-r]
		}
		title := fmt.Sprintf("%s: A12 of the final loss, row vs column", p.Name)
		pl, _, err := plots.HeatMapWith(title, "column optimizer", "row optimizer", names, rows, rv,
			plots.HeatOptions{Format: "%.2f", Range: [2]float64{0, 1}, Marks: rm, Legend: "A12 = P(row > column) + ½P(=)"})
		if err != nil {
			return err
		}
		caption := fmt.Sprintf("Vargha–Delaney A12 of the final loss on `%s`: the probability that a run of the row optimizer ends with a higher loss than one of the column optimizer (ties count half). "+
			"Dark (below 0.5): the row tends lower, i.e. better. A star marks pairs whose paired sign test (same seed, same start) is significant at 0.05 after Holm's correction over the problem's %d pairs. "+
			"`compare.csv` has every test for every pair and target.", p.Name, len(cmp))
		// The only cells without a value are the diagonal's.
		if err := w.save(pl, "a12-"+p.Name, title, caption, plots.Note{}); err != nil {
			return err
		}
	}
	return nil
}

// pairwise writes the pairwise-comparisons section: the tests and their
// family, one A12 matrix per problem, and per problem the pairs whose
// order the paired tests establish.
func (w *writer) pairwise(b *bytes.Buffer) {
	b.WriteString("## Pairwise comparisons\n\n")
	b.WriteString("Every two optimizers per problem on the final loss (lower is better; a diverged run counts as +∞). " +
		"The effect size is the Vargha–Delaney A12 (Vargha & Delaney 2000). Runs with the same seed start from the same weights, so they are compared in pairs: " +
		"by the sign test (among the pairs that differ, how often a is lower; Binomial(n, ½) under H₀), which ignores the size of differences, " +
		"and by the Wilcoxon signed-rank test on log10 losses (Wilcoxon 1945), since on raw losses spanning hundreds of decades a few huge differences would decide it. " +
		"The Mann–Whitney U test (unpaired) is in `compare.csv` too. " +
		"Holm's step-down correction (Holm 1979) runs over the family of all pairs of one problem, precision and metric: each row asks whether two optimizers differ on that problem; " +
		"whether one is better across problems is the Friedman test's question in the verdict. " +
		"`compare.csv` has every test on the final loss and on the evaluations to every target.\n\n")
	for _, c := range w.charts["pairs"] {
		writeChart(b, c)
	}
	for _, p := range w.e.problems {
		cmp := w.finalLossComparisons(p.Name)
		if len(cmp) == 0 {
			continue
		}
		nSig := 0
		var differ []string
		for _, c := range cmp {
			sign, wil := c.PSHolm < alpha, c.PWHolm < alpha
			if sign {
				nSig++
			}
			if sign != wil {
				differ = append(differ, fmt.Sprintf("`%s`–`%s` (sign test Holm p = %s, Wilcoxon %s; %d of %d differing pairs lower for `%s`)",
					c.A, c.B, fmtP(c.PSHolm), fmtP(c.PWHolm), c.SignLower, c.SignN, c.A))
			}
		}
		fmt.Fprintf(b, "- `%s`: the sign test orders %d of %d pairs (Holm, α = 0.05, stars in the matrix)", p.Name, nSig, len(cmp))
		if len(differ) == 0 {
			b.WriteString("; the Wilcoxon test on log10 losses agrees on every pair.\n")
			continue
		}
		fmt.Fprintf(b, "; the Wilcoxon test on log10 losses disagrees on %d: %s.\n", len(differ), strings.Join(differ, "; "))
	}
	b.WriteString("\n")
}
