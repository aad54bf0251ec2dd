// Package report turns an experiment's results folder into charts (PNG,
// optionally SVG) and a REPORT.md for research notes. Every number and
// every sentence in the report is computed from the folder's runs.csv,
// trace.csv and manifest.json.
package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
)

// Options control Write. The zero value draws PNG charts only.
type Options struct {
	// SVG also saves every chart as SVG.
	SVG bool
	// Sweeps are sweep folders (optbench sweep) whose heat maps and
	// tuneability scores the report includes; nil means every
	// DIR/../sweeps/*/ holding a sweep.json (see SweepsDir).
	Sweeps []string
}

// ReportFile is the name of the Markdown report within a results folder.
const ReportFile = "REPORT.md"

type writer struct {
	ctx    context.Context // checked before each chart
	e      *experiment
	log    io.Writer
	opt    Options
	charts map[string][]chart // by section: problem name, "all", "verdict" or "pairs"
	cur    string
	cmp    []bench.Comparison // bench.Compare of the main precision, once
	// sweepResults are the report's sweeps that load (loadSweeps), once.
	sweepResults []*bench.SweepResult
}

// load reads a results folder.
func load(dir string) (*experiment, error) {
	man, plan, err := bench.LoadPlan(dir)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if !man.Complete {
		return nil, fmt.Errorf("report: %s holds an unfinished experiment (%d runs planned); rerun `optbench run` with the same flags to finish it", dir, man.Runs)
	}
	recs, err := bench.LoadRuns(dir)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("report: %s has no finished runs", dir)
	}
	e := &experiment{dir: dir, manifest: man, plan: plan, methods: plan.Config.Optimizers,
		groups: map[[2]string]*bench.Group{}, others: map[[2]string]*bench.Group{},
		precision: optim.Float32, otherPrecision: optim.Float64}
	groups, err := bench.Groups(plan, recs)
	if err != nil {
		return nil, fmt.Errorf("report: %s: %w", dir, err)
	}
	for _, g := range groups {
		if g.Precision == optim.Float64 {
			e.precision, e.otherPrecision = optim.Float64, optim.Float32
		}
	}
	e.causes = map[*bench.Record]bench.EndCause{}
	for i, c := range bench.EndCauses(plan, recs) {
		e.causes[recs[i]] = c
	}
	for _, g := range groups {
		if g.Precision == e.precision {
			e.groups[[2]string{g.Problem, g.Optimizer}] = g
		} else {
			e.others[[2]string{g.Problem, g.Optimizer}] = g
		}
	}
	for _, p := range plan.Problems {
		name := p.Name
		for _, m := range e.methods {
			if e.group(name, m) != nil {
				e.problems = append(e.problems, p)
				break
			}
		}
	}
	return e, nil
}

// Write draws every chart of the results in dir into dir and writes
// dir/REPORT.md, printing a line per file written to log. It is
// WriteContext with a context that is never cancelled.
func Write(dir string, log io.Writer, opt Options) error {
	return WriteContext(context.Background(), dir, log, opt)
}

// WriteContext is Write, stopping before the next chart once ctx is done:
// it then returns an error wrapping ctx.Err(), the charts already written
// are complete files (each is written atomically), and REPORT.md is left
// as it was.
func WriteContext(ctx context.Context, dir string, log io.Writer, opt Options) error {
	_, err := write(ctx, dir, log, opt)
	return err
}

// write is WriteContext, returning the writer with its charts for tests.
func write(ctx context.Context, dir string, log io.Writer, opt Options) (*writer, error) {
	e, err := load(dir)
	if err != nil {
		return nil, err
	}
	w := &writer{ctx: ctx, e: e, log: log, opt: opt, charts: map[string][]chart{}}
	for _, p := range e.problems {
		w.cur = p.Name
		for _, draw := range []func(*optim.Problem) error{w.convergence, w.outcomes, w.precision, w.ecdf, w.finalBoxes, w.landscape, w.speed} {
			if err := draw(p); err != nil {
				return nil, fmt.Errorf("report: %s: %w", p.Name, err)
			}
		}
	}
	w.cur = "all"
	if err := w.ecdf(nil); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := w.dataProfile(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	w.cur = "verdict"
	if err := w.verdictCharts(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	w.cur = "pairs"
	if err := w.pairCharts(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("report: interrupted before writing %s: %w", ReportFile, err)
	}
	md := w.markdown()
	path := filepath.Join(dir, ReportFile)
	if err := bench.WriteFileAtomic(path, md); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(log, "wrote %s\n", path)
	return w, nil
}

func (w *writer) markdown() []byte {
	var b bytes.Buffer
	e := w.e
	m := e.manifest
	fmt.Fprintf(&b, "# optbench report\n\n")
	fmt.Fprintf(&b, "Which optimizer trains these networks best — how fast, how reliably, and down to what precision? ")
	fmt.Fprintf(&b, "Everything below is computed by `optbench report` from `runs.csv`, `trace.csv` and `manifest.json` in this folder; no sentence is written by hand.\n\n")
	w.verdict(&b)

	b.WriteString("## What was run\n\n")
	cfg := e.plan.Config
	fmt.Fprintf(&b, "- **Runs:** %d = %d problems × %d optimizers × %d seeds%s, each one run to its budget with its trajectory logged at checkpoints 1, 2, 5, 10, 20, 50, …\n",
		len(e.plan.Tasks), len(e.plan.Problems), len(cfg.Optimizers), cfg.Seeds, e.precisionRuns())
	fmt.Fprintf(&b, "- **Arithmetic:** %s\n", e.arithmeticText())
	fmt.Fprintf(&b, "- **Budget:** %s iterations%s%s.\n", budgetText(cfg.Budget, cfg.Budgets), evalBudgetText(cfg), keepGoingText(cfg))
	fmt.Fprintf(&b, "- **Start:** every optimizer starts from the same weights per seed: %s.\n", e.startText())
	fmt.Fprintf(&b, "- **Plateau rule:** a run stops with status `plateau` once its Steps have spent e ≥ e₀ + max(%d, e₀) loss evaluations, where e₀ is what they had spent when its best loss last improved (by more than a relative 1e-15); its floor is that best loss. The rule counts evaluations, not iterations, so it stops a GA (a population of evaluations per generation) after the same work without improvement as a gradient method (one per epoch).\n", cfg.PlateauMin)
	fmt.Fprintf(&b, "- **Machine:** %s, %s/%s, GOMAXPROCS %d, %d workers; %s.\n", m.CPU, m.GOOS, m.GOARCH, m.GOMAXPROCS, m.Workers, m.GoVersion)
	fmt.Fprintf(&b, "- **Code:** %s at revision `%s`; configuration hash `%.12s`.\n", m.Module, m.Revision, m.ConfigHash)
	if !m.End.IsZero() {
		fmt.Fprintf(&b, "- **When:** %s to %s (%s wall clock).\n", m.Start.Format(time.RFC3339), m.End.Format(time.RFC3339), m.End.Sub(m.Start).Round(time.Second))
	}
	b.WriteString("\n| problem | network | parameters | description |\n|---|---|---:|---|\n")
	for _, p := range e.problems {
		fmt.Fprintf(&b, "| `%s` | %s | %d | %s |\n", p.Name, p.Net, p.Dim(), p.Description)
	}
	b.WriteString("\n| optimizer | settings (per problem where they differ) |\n|---|---|\n")
	for _, name := range e.methods {
		seen := map[string][]string{}
		var order []string
		for _, p := range e.problems {
			if g := e.group(p.Name, name); g != nil {
				s := g.Runs[0].Settings
				if _, ok := seen[s]; !ok {
					order = append(order, s)
				}
				seen[s] = append(seen[s], p.Name)
			}
		}
		var parts []string
		for _, s := range order {
			if len(order) == 1 {
				parts = append(parts, "`"+s+"`")
			} else {
				parts = append(parts, fmt.Sprintf("`%s` (%s)", s, strings.Join(seen[s], ", ")))
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", name, strings.Join(parts, "; "))
	}

	b.WriteString("\n## What the data shows\n\n")
	for _, s := range w.findings() {
		fmt.Fprintf(&b, "- %s\n", s)
	}

	b.WriteString("\n## Headline results\n\n")
	b.WriteString("Per problem and optimizer: the success rate on the problem's headline target with its 95% Wilson interval, " +
		"median iterations and loss evaluations to that target (over the runs that reached it), COCO's average runtime aRT with a 95% bootstrap confidence interval " +
		"(resampling the runs, B = 2000), the share of runs reaching loss ≤ 1e-7, " +
		"the runs by the cause of their end with the median best loss of each cause (never a median across causes; see “Why the runs end” above), the median final loss and the median time per iteration. " +
		w.artChargesText() + "\n\n")
	for _, p := range e.problems {
		w.headline(&b, p)
	}

	w.pairwise(&b)

	b.WriteString("## Charts\n\n")
	for _, p := range e.problems {
		fmt.Fprintf(&b, "### `%s`\n\n", p.Name)
		for _, c := range w.charts[p.Name] {
			writeChart(&b, c)
		}
	}
	b.WriteString("### All problems\n\n")
	for _, c := range w.charts["all"] {
		writeChart(&b, c)
	}
	w.sweeps(&b)
	b.WriteString(PeersSection(e.dir))
	b.WriteString(methodsText)
	b.WriteString("## Files\n\n`runs.csv` (one row per run), `trace.csv` (one row per checkpoint), `summary.csv` (per checkpoint: loss quartiles and CI, success rates with Wilson intervals, aRT with its simulated-restart spread), " +
		"`targets.csv` (per target at the end of the budget: aRT with its bootstrap confidence interval and its simulated-restart spread), `compare.csv` (pairwise tests), `results.bench` (Go benchmark format: `benchstat -col /optimizer results.bench`), `manifest.json` (how this was made).\n")
	return b.Bytes()
}

// methodsText states each statistical choice of the report with its
// reference.
const methodsText = `## Statistical methods

- **Success rate:** Wilson's score interval at 95% (Wilson 1927; Newcombe 1998, method 3), which keeps its coverage for small n and rates near 0 or 1.
- **aRT:** COCO's average runtime (Hansen et al. 2021): the loss evaluations of all runs, a failed run charged what it spent until it stopped, divided by the successes.
  Its 95% confidence interval is the percentile bootstrap over runs (B = 2000; Efron & Tibshirani 1993); a resample without a success has aRT ∞.
  A ratio of two aRTs gets the same interval, resampling both groups, and is also given with every failure charged its whole budget (so that a stopping rule cannot decide it). The simulated-restart spread (COCO's dispersion) is in ` + "`targets.csv`" + ` as ` + "`ert_restart_lo/hi`" + `: a spread of runtimes, not a confidence interval.
- **Overall ranking:** per problem, the optimizers are ranked by aRT to the problem's headline target (ties averaged); Friedman's test of equal mean ranks, with Iman and Davenport's F form,
  and Nemenyi's critical difference for all pairs (Demšar 2006, JMLR 7:1–30; q_α from the Studentized range at infinite degrees of freedom, for any number of optimizers). The critical-difference diagram joins optimizers whose mean ranks differ by less than CD.
- **Performance and data profiles:** Dolan and Moré (2002, Math. Program. 91:201–213) on aRT ratios to the best per problem; Moré and Wild (2009, SIAM J. Optim. 20:172–191) on aRT in units of (n + 1) loss evaluations.
- **Per-problem winners by success:** Fisher's exact test of the two success rates and Newcombe's hybrid score interval for their difference (Newcombe 1998, method 10), Holm-corrected over the problems.
- **Pairs of optimizers:** the Vargha–Delaney A12 effect size (Vargha & Delaney 2000); on the runs paired by seed (same starting weights) the exact sign test and the Wilcoxon signed-rank test on log10 values
  (so that a few differences many decades larger cannot decide it); the Mann–Whitney U test in ` + "`compare.csv`" + `. Holm's correction (Holm 1979) runs over the pairs of one problem, precision and metric.
- **Why a run ends** (` + "`bench.Classify`" + `; a floor is always reported per cause, never as a median across causes), tried in this order:
  *diverged*; *saturated* — sigmoid outputs with a loss below 2^(−2p)/(N·K) (p = 53 significand bits in float64, 24 in float32), 0 included: every output within the spacing below 1 of its 0/1 target, so a lower loss only says the weights grew while the residuals underflowed;
  *optimum* — a parameter error within 1000 spacings of the known optimum's largest coordinate, or a loss of exactly 0 on other outputs;
  *budget* — still improving when the budget ended; *target* — stopped after every target;
  *step-bound* — a plateau of an optimizer with a delta-min setting at a parameter error within 1000 × delta-min of a known optimum;
  *local minimum* — a plateau 1000 times or more above the best loss any run reached on the problem in that arithmetic (never on a linear network, whose MSE is convex);
  *plateau* — any other plateau.
- **Quartiles and medians:** R's type 7 (Hyndman & Fan 1996); median confidence intervals are order-statistic (binomial) intervals.

`

func writeChart(b *bytes.Buffer, c chart) {
	fmt.Fprintf(b, "![%s](%s)\n\n*%s*\n\n", c.Title, c.File, c.Caption)
}

func (w *writer) groupsInOrder() []*bench.Group {
	var gs []*bench.Group
	for _, p := range w.e.problems {
		for _, m := range w.e.methods {
			if g := w.e.group(p.Name, m); g != nil {
				gs = append(gs, g)
			}
		}
	}
	return gs
}

func (w *writer) headline(b *bytes.Buffer, p *optim.Problem) {
	target := bench.HeadlineTarget(p)
	fmt.Fprintf(b, "### `%s` — headline target `%s`\n\n", p.Name, target)
	b.WriteString("| optimizer | success [95% CI] | median iters | median evals | aRT (evals) [95% CI] | loss ≤ 1e-7 | runs by end cause: median best loss | median final loss | time/iter |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, m := range w.e.methods {
		g := w.e.group(p.Name, m)
		if g == nil {
			continue
		}
		s, _ := w.e.targetStat(g, target)
		l7, _ := w.e.targetStat(g, "loss_1e-07")
		var ends []string
		for _, c := range w.e.byCause(g, false) {
			ends = append(ends, fmt.Sprintf("%s %d: %s", c.cause, c.n, fmtLoss(c.median)))
		}
		floorS := strings.Join(ends, "; ")
		var final []float64
		for _, r := range g.Runs {
			final = append(final, r.FinalLoss)
		}
		ti, _ := perIter(g)
		fmt.Fprintf(b, "| `%s` | %d/%d = %.0f%% [%.0f, %.0f] | %s | %s | %s | %d/%d | %s | %s | %s |\n", m, s.Successes, s.Runs, 100*s.Rate,
			100*s.Lo, 100*s.Hi, fmtCount(s.ItersMedian), fmtCount(s.EvalsMedian), fmtART(s), l7.Successes, l7.Runs,
			floorS, fmtLoss(median(final)), fmtDuration(ti))
	}
	b.WriteString("\n")
}

// fmtART formats aRT with its bootstrap confidence interval.
func fmtART(s bench.TargetStat) string {
	if math.IsInf(s.ERT, 1) || math.IsNaN(s.ERT) {
		return fmtCount(s.ERT)
	}
	return fmt.Sprintf("%s [%s, %s]", fmtCount(s.ERT), fmtCount(s.ERTLo), fmtCount(s.ERTHi))
}

// artChargesText says exactly what aRT charges a failed run, with how the
// failures on the headline targets ended and the cheapest stop of each
// kind per optimizer, so that a reader sees when a stopping rule, not the
// optimizer, sets a cost.
func (w *writer) artChargesText() string {
	count := map[bench.Status]int{}
	total := 0
	cheapest := map[string]int{} // optimizer → fewest evaluations of a plateau-stopped failure
	for _, p := range w.e.problems {
		ti := targetIndex(bench.HeadlineTarget(p))
		for _, m := range w.e.methods {
			g := w.e.group(p.Name, m)
			if g == nil || ti < 0 {
				continue
			}
			for _, r := range g.Runs {
				if r.Hits[ti].Iter >= 0 {
					continue
				}
				total++
				count[r.Status]++
				if r.Status == bench.StatusPlateau {
					if c, ok := cheapest[m]; !ok || r.Evals < c {
						cheapest[m] = r.Evals
					}
				}
			}
		}
	}
	s := "aRT (COCO; Hansen et al. 2021) is the sum of the loss evaluations of all runs divided by the number that reached the target: " +
		"a successful run is charged its evaluations until the hit, a failed run those it spent until it stopped — its budget only if it ran to the budget, " +
		"fewer if the plateau rule stopped it, the evaluations until it diverged if it diverged. "
	if total == 0 {
		return s + "No run failed its headline target here."
	}
	s += fmt.Sprintf("Of the %d runs here that failed their headline target, %d ran to the budget, %d were stopped by the plateau rule and %d diverged.",
		total, count[bench.StatusBudget], count[bench.StatusPlateau], count[bench.StatusDiverged])
	var parts []string
	for _, m := range w.e.methods {
		if c, ok := cheapest[m]; ok {
			parts = append(parts, fmt.Sprintf("`%s` %d", m, c))
		}
	}
	if len(parts) > 0 {
		s += " The plateau rule counts iterations, so a plateau stop costs optimizers differently: the cheapest plateau-stopped failure was charged " +
			strings.Join(parts, ", ") + " loss evaluations; every ratio sentence therefore also gives the ratio with each failure charged its whole budget, and says when the order flips."
	}
	return s
}

func budgetText(b int, per map[string]int) string {
	s := fmt.Sprint(b)
	for _, k := range sortedKeys(per) {
		s += fmt.Sprintf(", %s %d", k, per[k])
	}
	return s
}

func evalBudgetText(c bench.Config) string {
	if c.EvalBudget == 0 && len(c.EvalBudgets) == 0 {
		return ""
	}
	return "; runs also end after " + budgetText(c.EvalBudget, c.EvalBudgets) + " loss evaluations (so the GA, which spends about one evaluation per individual per generation, gets a comparable budget)"
}

func keepGoingText(c bench.Config) string {
	if c.KeepGoing {
		return "; runs go on after reaching every target, to measure precision floors"
	}
	return "; a run stops once it reaches every target"
}

func fmtLoss(v float64) string {
	if v >= math.MaxFloat64/8 {
		return "∞"
	}
	return fmtG(v)
}

func fmtP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "–"
	case p < 1e-4:
		return fmt.Sprintf("%.1e", p)
	}
	return fmt.Sprintf("%.3g", p)
}

func fmtCount(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	case v >= 1e6:
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtDuration(sec float64) string {
	if math.IsNaN(sec) {
		return "–"
	}
	return time.Duration(sec * 1e9).String()
}

func sortedKeys(m map[string]int) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	for i := range k {
		for j := i + 1; j < len(k); j++ {
			if k[j] < k[i] {
				k[i], k[j] = k[j], k[i]
			}
		}
	}
	return k
}

// precisionRuns says which problems also ran in the other precision, for
// the run count: "" when none did.
func (e *experiment) precisionRuns() string {
	var ps []string
	for _, p := range e.problems {
		for _, m := range e.methods {
			if e.other(p.Name, m) != nil {
				ps = append(ps, "`"+p.Name+"`")
				break
			}
		}
	}
	if len(ps) == 0 {
		return ""
	}
	return fmt.Sprintf(", plus the same in %s on %s", e.otherPrecision, strings.Join(ps, " and "))
}

// arithmeticText describes the precisions of the runs.
func (e *experiment) arithmeticText() string {
	s := fmt.Sprintf("network, loss, gradient and optimizer in %s", e.precision)
	if e.precision == optim.Float32 {
		s += " (the starting weights rounded to float32, every operation in float32 except exp and tanh, computed in float64 and rounded once)"
	}
	if len(e.others) > 0 {
		s += fmt.Sprintf(" (and in %s where stated: the same starting weights rounded to %[1]s, every operation in %[1]s except exp and tanh, computed in float64 and rounded once)", e.otherPrecision)
	}
	return s + "."
}

// startText says how the problems draw their starting weights.
func (e *experiment) startText() string {
	var custom []string
	for _, p := range e.problems {
		if p.Init != nil {
			custom = append(custom, "`"+p.Name+"`")
		}
	}
	switch {
	case len(custom) == 0:
		return "uniform in [-1, 1]"
	case len(custom) == len(e.problems):
		return "drawn by each problem's own rule (optim.Problem.Init)"
	}
	return "uniform in [-1, 1], except on " + strings.Join(custom, ", ") + " (the problem's own rule, optim.Problem.Init)"
}
