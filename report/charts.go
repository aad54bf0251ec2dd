package report

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/plots"
)

// chart is one drawn figure with its caption.
type chart struct {
	File    string // file name within the folder, PNG
	Title   string
	Caption string
	Hidden  []string // series with no visible point (plots.Note.Hidden)
}

// Chart sizes: legible when pasted into notes at column width.
const (
	chartW = 16 * vg.Centimeter
	chartH = 10 * vg.Centimeter
)

// save writes p as PNG (and SVG if asked) and returns the chart entry.
func (w *writer) save(p *plot.Plot, name, title, caption string, note plots.Note) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("interrupted before %s.png (the charts written so far are complete; %s is not written): %w", name, ReportFile, err)
	}
	if note.Text != "" {
		caption += " Not drawn: " + note.Text + "."
	}
	file := name + ".png"
	if err := plots.Save(p, chartW, chartH, filepath.Join(w.e.dir, file)); err != nil {
		return err
	}
	fmt.Fprintf(w.log, "wrote %s\n", filepath.Join(w.e.dir, file))
	if w.opt.SVG {
		if err := plots.Save(p, chartW, chartH, filepath.Join(w.e.dir, name+".svg")); err != nil {
			return err
		}
	}
	w.charts[w.cur] = append(w.charts[w.cur], chart{File: file, Title: title, Caption: caption, Hidden: note.Hidden})
	return nil
}

// divergedNote describes diverged runs of a problem, which the charts show
// as +∞ (and so leave out on log axes).
func (w *writer) divergedNote(p *optim.Problem) string {
	var parts []string
	for _, m := range w.e.methods {
		if g := w.e.group(p.Name, m); g != nil {
			if n := countStatus(g, bench.StatusDiverged); n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d of %d", m, n, len(g.Runs)))
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " Diverged runs (loss +∞ from their divergence on): " + strings.Join(parts, ", ") + "."
}

// convergence draws loss against iterations, evaluations and seconds.
func (w *writer) convergence(p *optim.Problem) error {
	axes := []struct{ key, label, what string }{
		{"iters", "iterations (epochs or generations)", "iterations"},
		{"evals", "loss evaluations", "loss evaluations"},
		{"seconds", "seconds (wall clock, one run)", "seconds"},
	}
	eStar, lossLabel, lossWhat := excessOf(p)
	for _, ax := range axes {
		var bands []plots.Band
		for _, m := range w.e.methods {
			g := w.e.group(p.Name, m)
			if g == nil {
				continue
			}
			b := plots.Band{Name: m}
			for _, c := range g.Ladder() {
				var loss, xs []float64
				for _, r := range g.Runs {
					pt := r.At(c)
					loss = append(loss, max(pt.Loss-eStar, 0))
					switch ax.key {
					case "iters":
						xs = append(xs, float64(c))
					case "evals":
						xs = append(xs, float64(pt.Evals))
					default:
						xs = append(xs, pt.Seconds)
					}
				}
				q1, med, q3 := quartiles(loss)
				b.X = append(b.X, median(xs))
				b.Median, b.Q1, b.Q3 = append(b.Median, med), append(b.Q1, q1), append(b.Q3, q3)
			}
			bands = append(bands, b)
		}
		title := fmt.Sprintf("%s: %s vs %s", p.Name, lossWhat, ax.what)
		ly, stripText := w.lossStrip(p, false, func(r *bench.Record) float64 { return max(r.At(r.Iters).Loss-eStar, 0) })
		pl, note, err := plots.ConvergenceWith(title, ax.label, lossLabel, bands, ly)
		if err != nil {
			return err
		}
		caption := fmt.Sprintf("Median loss across seeds (line) and interquartile range (band) against %s, on `%s`. "+
			"A run that ended early (target or plateau) keeps its final loss at later checkpoints.", ax.what, p.Name)
		if ax.key != "iters" {
			caption += fmt.Sprintf(" The x value of a checkpoint is the median %s spent by then.", ax.what)
		}
		caption += stripText + excessNote(p, eStar) + w.divergedNote(p)
		if err := w.save(pl, fmt.Sprintf("convergence-%s-%s", p.Name, ax.key), title, caption, note); err != nil {
			return err
		}
	}
	return nil
}

// lossQuantum is the smallest nonzero squared residual of a target-1
// output computed as 1 − σ(z) in float64: σ rounds to 1 within 2⁻⁵³, so a
// residual is 0 or at least 2⁻⁵³. Divided by N·K it is the loss quantum of
// one such sample.
func lossQuantum(p *optim.Problem) float64 {
	r := math.Ldexp(1, -53)
	return r * r / float64(p.Data.N*p.Net.Out())
}

// lossCut is where a loss axis of p is clipped: on a problem with sigmoid
// outputs, the loss quantum of the main precision (below it a loss only
// says that the weights grew until residuals underflowed); otherwise 0,
// so that only exact zeros leave the axis.
func (w *writer) lossCut(p *optim.Problem) (cut float64, why string) {
	if p.Net.Layers[len(p.Net.Layers)-1].Act != optim.Sigmoid {
		return 0, ""
	}
	q, pow := lossQuantum(p), "2⁻¹⁰⁶"
	if w.e.precision == optim.Float32 {
		r := math.Ldexp(1, -24)
		q, pow = r*r/float64(p.Data.N*p.Net.Out()), "2⁻⁴⁸"
	}
	return q, fmt.Sprintf("%s/(N·K) = %s: below it every output is within the %s spacing below 1 of its target, so a lower loss only says how far the weights grew", pow, fmtG(q), w.e.precision)
}

// lossStrip returns the y-axis strip of a loss chart of p and the caption
// sentence that explains it, with how many runs of each optimizer end in
// it (value says what a run ends with).
func (w *writer) lossStrip(p *optim.Problem, both bool, value func(*bench.Record) float64) (plots.LogY, string) {
	cut, why := w.lossCut(p)
	ly := plots.LogY{Cut: cut}
	var parts []string
	in, total := 0, 0
	for _, m := range w.e.methods {
		gs := []*bench.Group{w.e.group(p.Name, m)}
		if both {
			gs = append(gs, w.e.other(p.Name, m))
		}
		for _, g := range gs {
			if g == nil {
				continue
			}
			n := 0
			for _, r := range g.Runs {
				if v := value(r); v == 0 || v < cut {
					n++
				}
			}
			in, total = in+n, total+len(g.Runs)
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d/%d", seriesLabel(m, g.Precision), n, len(g.Runs)))
			}
		}
	}
	if len(parts) == 0 {
		return ly, ""
	}
	ly.Counts = fmt.Sprintf("%d of %d runs end here", in, total)
	s := " Values a log axis cannot show are drawn in the shaded strip below it: exact zeros"
	if cut > 0 {
		s += fmt.Sprintf(" and losses below %s", why)
	}
	return ly, s + "; runs ending there: " + strings.Join(parts, ", ") + "."
}

// precision draws the best error reached against the budget.
func (w *writer) precision(p *optim.Problem) error {
	ylabel, paramErr := errorMetric(p)
	var series []plots.Series
	var floors []plots.Floor
	var floorText []string
	// One series per optimizer and precision: the other precision's
	// (float32's) right after its optimizer's main one, dashed.
	add := func(name string, g *bench.Group) {
		s := plots.Series{Name: name}
		for _, c := range g.Ladder() {
			var errs []float64
			for _, r := range g.Runs {
				errs = append(errs, bestErrBy(r, c, paramErr))
			}
			s.X = append(s.X, float64(c))
			s.Y = append(s.Y, median(errs))
		}
		series = append(series, s)
		if v, at, n, cause := w.e.floorOf(g, paramErr); n > 0 {
			floors = append(floors, plots.Floor{Name: name, X: at, Value: v})
			floorText = append(floorText, fmt.Sprintf("%s %s (%d of %d runs, %s)", name, fmtG(v), n, len(g.Runs), cause))
		}
	}
	both := false
	for _, m := range w.e.methods {
		if g := w.e.group(p.Name, m); g != nil {
			add(seriesLabel(m, w.e.precision), g)
		}
		if g := w.e.other(p.Name, m); g != nil {
			add(seriesLabel(m, w.e.otherPrecision), g)
			both = true
		}
	}
	refs := []plots.RefLine{{Value: bench.ParamTolerance, Label: "tutorial tolerance 1e-7"}}
	var resolution string
	if paramErr {
		// The float64 spacing at the largest optimum coordinate.
		big := 0.0
		for _, v := range p.Optimum {
			big = max(big, math.Abs(v))
		}
		ulp := math.Nextafter(big, math.Inf(1)) - big
		refs = append(refs, plots.RefLine{Value: ulp, Label: fmt.Sprintf("float64 spacing at %.4g: %s", big, fmtG(ulp))})
		resolution = fmt.Sprintf("the float64 spacing of the largest optimal parameter (%s)", fmtG(ulp))
		if both {
			f := float32(big)
			ulp32 := float64(math.Nextafter32(f, float32(math.Inf(1))) - f)
			refs = append(refs, plots.RefLine{Value: ulp32, Label: fmt.Sprintf("float32 spacing at %.4g: %s", big, fmtG(ulp32))})
			resolution += fmt.Sprintf(" and its float32 spacing (%s)", fmtG(ulp32))
		}
	} else if p.Net.Layers[len(p.Net.Layers)-1].Act == optim.Sigmoid {
		q := lossQuantum(p)
		refs = append(refs, plots.RefLine{Value: q, Label: fmt.Sprintf("1−σ resolution: 2^-106/NK = %s", fmtG(q))})
		resolution = fmt.Sprintf("2⁻¹⁰⁶/(N·K) = %s, the loss of one target-1 sample whose sigmoid output is the float64 just below 1 (below it, every target-1 output has rounded to exactly 1)", fmtG(q))
		if both {
			r := math.Ldexp(1, -24)
			q32 := r * r / float64(p.Data.N*p.Net.Out())
			refs = append(refs, plots.RefLine{Value: q32, Label: fmt.Sprintf("float32 1−σ resolution: 2^-48/NK = %s", fmtG(q32))})
			resolution += fmt.Sprintf("; in float32, 2⁻⁴⁸/(N·K) = %s", fmtG(q32))
		}
	}
	title := fmt.Sprintf("%s: precision limit", p.Name)
	ly, stripText := plots.LogY{}, ""
	if paramErr {
		ly, stripText = w.paramStrip(p)
	} else {
		ly, stripText = w.lossStrip(p, true, func(r *bench.Record) float64 { return r.BestLoss })
	}
	pl, note, err := plots.PrecisionLimitWith(title, "iteration budget", ylabel, series, refs, floors, ly)
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("Median across seeds of the best %s reached within each iteration budget, on `%s`. "+
		"Dashed lines: the tutorial's equality tolerance 1e-7", strings.TrimPrefix(strings.SplitN(ylabel, " (", 2)[0], "best "), p.Name)
	if resolution != "" {
		caption += " and " + resolution
	}
	caption += "."
	if both {
		caption += fmt.Sprintf(" Dashed curves (“%s”): the same runs in %[2]s arithmetic, from the same starting weights rounded to %[2]s, so the gap between an optimizer's two curves is what the arithmetic alone changes.", plots.Float32Suffix[1:], w.e.otherPrecision)
	}
	if len(floorText) > 0 {
		caption += " Circles mark the median floor of the plateaued runs of each optimizer's most common end cause (the findings list every cause): " + strings.Join(floorText, "; ") + "."
	} else {
		caption += " No run plateaued within its budget."
	}
	caption += stripText
	return w.save(pl, "precision-"+p.Name, title, caption, note)
}

// ecdfCurves returns the runtime ECDF data of every optimizer over the
// given problems.
func (w *writer) ecdfCurves(problems []*optim.Problem) []plots.ECDFCurve {
	var curves []plots.ECDFCurve
	ts := bench.AllTargets()
	for _, m := range w.e.methods {
		c := plots.ECDFCurve{Name: m}
		for _, p := range problems {
			g := w.e.group(p.Name, m)
			if g == nil {
				continue
			}
			for _, r := range g.Runs {
				for i, t := range ts {
					if !t.Applies(p) {
						continue
					}
					c.Total++
					if h := r.Hits[i]; h.Iter >= 0 {
						c.Reached = append(c.Reached, float64(h.Evals))
					}
				}
			}
		}
		if c.Total > 0 {
			curves = append(curves, c)
		}
	}
	return curves
}

// ecdf draws the runtime ECDF of one problem (or all when p is nil).
func (w *writer) ecdf(p *optim.Problem) error {
	probs, name, what := w.e.problems, "ecdf-all", "all problems"
	if p != nil {
		probs, name, what = []*optim.Problem{p}, "ecdf-"+p.Name, "`"+p.Name+"`"
	}
	title := "runtime ECDF: " + strings.Trim(what, "`")
	pl, note, err := plots.ECDF(title, "loss evaluations", "fraction of (run, target) pairs reached", w.ecdfCurves(probs))
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("COCO-style runtime distribution on %s: the fraction of (run, target) pairs reached within a number of loss evaluations. "+
		"Targets: loss ≤ 1e-1 … 1e-12, plus the parameter tolerance 1e-7 where the optimum is known and \"every output on the right side of 0.5\" on classification problems.", what)
	return w.save(pl, name, title, caption, note)
}

// excessOf returns p's optimum loss E* (bench.OptimumLoss) and how charts
// name what they draw: the excess loss E − E* when E* > 0, else the loss.
func excessOf(p *optim.Problem) (eStar float64, label, what string) {
	if e := bench.OptimumLoss(p); e > 0 {
		return e, "excess loss E − E* (MSE)", "excess loss"
	}
	return 0, "loss (MSE)", "loss"
}

// excessNote explains an excess-loss chart.
func excessNote(p *optim.Problem, eStar float64) string {
	if eStar == 0 {
		return ""
	}
	return fmt.Sprintf(" The loss of `%s` cannot reach 0 (its optimum's loss is E* = %s), so the chart draws the excess E − E* over the loss at the known optimum; runs at or below E* (the optimum rounded to float64 is not the exact minimizer) are drawn at 0.", p.Name, fmtG(eStar))
}

// finalBoxes draws the distribution of final losses.
func (w *writer) finalBoxes(p *optim.Problem) error {
	eStar, lossLabel, lossWhat := excessOf(p)
	var groups []plots.Group
	for _, m := range w.e.methods {
		if g := w.e.group(p.Name, m); g != nil {
			var v []float64
			for _, r := range g.Runs {
				v = append(v, max(r.FinalLoss-eStar, 0))
			}
			groups = append(groups, plots.Group{Name: m, Values: v})
		}
	}
	title := fmt.Sprintf("%s: final %s across seeds", p.Name, lossWhat)
	pl, note, err := plots.Boxes(title, "final "+lossLabel, groups, true)
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("Box plots of the final loss of every seed on `%s` (log scale: boxes are computed on log10 of the loss). "+
		"Final losses of exactly 0 are counted in the shaded \"= 0\" strip below the axis (the boxes are of the other runs).", p.Name)
	caption += excessNote(p, eStar) + w.divergedNote(p)
	return w.save(pl, "final-"+p.Name, title, caption, note)
}

// speed draws time per iteration and per evaluation.
func (w *writer) speed(p *optim.Problem) error {
	var it, ev []plots.Bar
	for _, m := range w.e.methods {
		if g := w.e.group(p.Name, m); g != nil {
			a, b := perIter(g)
			it = append(it, plots.Bar{Name: m, Value: a * 1e9})
			ev = append(ev, plots.Bar{Name: m, Value: b * 1e9})
		}
	}
	for _, v := range []struct {
		key, what string
		bars      []plots.Bar
	}{{"iter", "iteration", it}, {"eval", "loss evaluation", ev}} {
		title := fmt.Sprintf("%s: time per %s", p.Name, v.what)
		pl, note, err := plots.Bars(title, "nanoseconds per "+v.what, v.bars, true)
		if err != nil {
			return err
		}
		caption := fmt.Sprintf("Median over seeds of a run's wall-clock seconds divided by its %ss, on `%s`, measured by the runner "+
			"(%d workers on %d cores; Go benchmarks in `optim` give the noise-controlled figures).", v.what, p.Name,
			w.e.manifest.Workers, w.e.manifest.GOMAXPROCS)
		if err := w.save(pl, fmt.Sprintf("speed-%s-%s", p.Name, v.key), title, caption, note); err != nil {
			return err
		}
	}
	return nil
}

// landscapeMax is the number of trajectories a landscape chart draws.
const landscapeMax = 3

// landscape draws the loss of a two-parameter problem as a contour map with
// the trajectories for seed 1 of up to landscapeMax of the experiment's
// optimizers: the first of each kind (gradient, population, direct, then
// unstated) in the experiment's order, then the next ones.
func (w *writer) landscape(p *optim.Problem) error {
	if p.Dim() != 2 {
		return nil
	}
	var chosen []string
	seen := map[string]bool{}
	for _, kind := range []string{optim.KindGradient, optim.KindPopulation, optim.KindDirect, ""} {
		for _, m := range w.e.methods {
			if w.e.kind(m) == kind && !seen[kind] && w.e.group(p.Name, m) != nil && len(chosen) < landscapeMax {
				chosen, seen[kind] = append(chosen, m), true
			}
		}
	}
	for _, m := range w.e.methods {
		if !slices.Contains(chosen, m) && w.e.group(p.Name, m) != nil && len(chosen) < landscapeMax {
			chosen = append(chosen, m)
		}
	}
	if len(chosen) == 0 {
		return nil
	}
	var paths []plots.Path
	xr := [2]float64{math.Inf(1), math.Inf(-1)}
	yr := xr
	grow := func(x, y float64) {
		xr[0], xr[1] = min(xr[0], x), max(xr[1], x)
		yr[0], yr[1] = min(yr[0], y), max(yr[1], y)
	}
	if p.Optimum != nil {
		grow(p.Optimum[0], p.Optimum[1])
	}
	var seed uint64
	for _, m := range chosen {
		g := w.e.group(p.Name, m)
		r := g.Runs[0]
		seed = r.Seed
		task, err := w.task(p, m, r.Seed)
		if err != nil {
			return err
		}
		path := plots.Path{Name: m}
		next := 0
		err = bench.Replay(task, r.Iters, func(it int, x []float64) {
			// Every iteration up to 100, then about 20 per decade.
			if it < next {
				return
			}
			next = it + 1 + it/10
			if finite(x[0]) && finite(x[1]) {
				path.X, path.Y = append(path.X, x[0]), append(path.Y, x[1])
				grow(x[0], x[1])
			}
		})
		if err != nil {
			return err
		}
		paths = append(paths, path)
	}
	dx, dy := 0.08*(xr[1]-xr[0])+1e-3, 0.08*(yr[1]-yr[0])+1e-3
	xr, yr = [2]float64{xr[0] - dx, xr[1] + dx}, [2]float64{yr[0] - dy, yr[1] + dy}
	obj := p.Objective()
	f := func(a, b float64) float64 { return obj.Loss([]float64{a, b}) }
	title := fmt.Sprintf("%s: loss landscape and trajectories (seed %d)", p.Name, seed)
	pl, note, err := plots.Contour(title, "w (weight)", "b (bias)", f, xr, yr, paths)
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("Contours of log10 of the loss of `%s` over its two parameters, with the trajectories of %s from the same start (seed %d); "+
		"for the GA, the best individual of each generation (so its line starts at the best of its initial population, which contains the shared start). The narrow valley is the ill-conditioning of unscaled inputs "+
		"(Hessian eigenvalues about 1119 and 1.9).", p.Name, strings.Join(chosen, ", "), seed)
	return w.save(pl, "landscape-"+p.Name, title, caption, note)
}

// task rebuilds the bench.Task of a run for replay.
func (w *writer) task(p *optim.Problem, m string, seed uint64) (bench.Task, error) {
	for _, t := range w.e.plan.Tasks {
		if t.Problem.Name == p.Name && t.Method.Name == m && t.Seed == seed {
			return t, nil
		}
	}
	return bench.Task{}, fmt.Errorf("report: run %s/%s/seed %d is not in the experiment's plan", p.Name, m, seed)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// fmtG formats a figure for text: two significant digits.
func fmtG(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞"
	case v == 0:
		return "0"
	}
	return fmt.Sprintf("%.2g", v)
}

// seriesLabel names an optimizer's series in a chart: the optimizer for
// float64, with plots.Float32Suffix for float32 (drawn dashed).
func seriesLabel(m, precision string) string {
	if precision == optim.Float32 {
		return m + plots.Float32Suffix
	}
	return m
}

// paramStrip is lossStrip for a parameter-error chart: only exact zeros
// leave the axis.
func (w *writer) paramStrip(p *optim.Problem) (plots.LogY, string) {
	var parts []string
	in, total := 0, 0
	for _, m := range w.e.methods {
		for _, g := range []*bench.Group{w.e.group(p.Name, m), w.e.other(p.Name, m)} {
			if g == nil {
				continue
			}
			n := 0
			for _, r := range g.Runs {
				if bestErrBy(r, r.Iters, true) == 0 {
					n++
				}
			}
			in, total = in+n, total+len(g.Runs)
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d/%d", seriesLabel(m, g.Precision), n, len(g.Runs)))
			}
		}
	}
	if len(parts) == 0 {
		return plots.LogY{}, ""
	}
	list := strings.Join(parts, ", ")
	return plots.LogY{Counts: fmt.Sprintf("%d of %d runs end here", in, total)},
		" A parameter error of exactly 0 is drawn in the shaded strip below the axis; runs ending there: " + list + "."
}

// outcomes draws, for problems where some optimizer's runs split into
// those that reached the headline target and those that did not, the loss
// against evaluations of each part apart: the median and interquartile
// band of the solved runs (solid) and of the failed ones (dotted,
// plots.FailedSuffix), so that a bimodal outcome (xor: half the runs
// solve it, half sit at a local minimum) reads as two curves, not as one
// band spanning both.
func (w *writer) outcomes(p *optim.Problem) error {
	target := bench.HeadlineTarget(p)
	ti := -1
	for i, t := range bench.AllTargets() {
		if t.Name == target {
			ti = i
		}
	}
	eStar, lossLabel, _ := excessOf(p)
	var bands []plots.Band
	var split []string
	for _, m := range w.e.methods {
		g := w.e.group(p.Name, m)
		if g == nil || ti < 0 {
			continue
		}
		var solved, failed []*bench.Record
		for _, r := range g.Runs {
			if r.Hits[ti].Iter >= 0 {
				solved = append(solved, r)
			} else {
				failed = append(failed, r)
			}
		}
		if len(solved) == 0 || len(failed) == 0 {
			continue
		}
		split = append(split, fmt.Sprintf("%s %d/%d", m, len(solved), len(g.Runs)))
		for _, part := range []struct {
			name string
			runs []*bench.Record
		}{{m, solved}, {m + plots.FailedSuffix, failed}} {
			b := plots.Band{Name: part.name}
			for _, c := range g.Ladder() {
				var loss, xs []float64
				for _, r := range part.runs {
					pt := r.At(c)
					loss = append(loss, max(pt.Loss-eStar, 0))
					xs = append(xs, float64(pt.Evals))
				}
				q1, med, q3 := quartiles(loss)
				b.X = append(b.X, median(xs))
				b.Median, b.Q1, b.Q3 = append(b.Median, med), append(b.Q1, q1), append(b.Q3, q3)
			}
			bands = append(bands, b)
		}
	}
	if len(split) == 0 {
		return nil
	}
	title := fmt.Sprintf("%s: solved and failed runs apart", p.Name)
	ly, stripText := w.lossStrip(p, false, func(r *bench.Record) float64 { return max(r.At(r.Iters).Loss-eStar, 0) })
	pl, note, err := plots.ConvergenceWith(title, "loss evaluations", lossLabel, bands, ly)
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("The runs of each optimizer whose outcome splits on `%s`'s headline target `%s`, drawn apart: median and "+
		"interquartile range of the runs that reached it (solid) and of those that did not (dotted, \"(failed)\"), against loss "+
		"evaluations. Solved/all: %s.", p.Name, target, strings.Join(split, ", "))
	caption += stripText + excessNote(p, eStar)
	return w.save(pl, "outcomes-"+p.Name, title, caption, note)
}
