package report

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/plots"
	"github.com/optbench/optbench/stats"
)

// SweepReportFile is the Markdown report WriteSweep writes into a sweep
// folder.
const SweepReportFile = "SWEEP.md"

// stripH is the height of the heat map of a one-setting sweep (one row).
const stripH = 5.5 * vg.Centimeter

// TuneabilityText documents the tuneability score in the reports.
const TuneabilityText = "**Tuneability score** T = (mean success rate over the grid points) / (best grid point's success rate), " +
	"in [1/|G|, 1] for a grid of |G| points: T = 1 means every setting on the grid does as well as the best one (the optimizer " +
	"is insensitive to these settings over this range); T near 1/|G| means a single setting works. T depends on the grid's " +
	"span (a wider grid lowers it) and, since the best rate is a noisy maximum, is biased low with few seeds; " +
	"it is undefined (–) when no grid point reached the target."

// SweepsDir is where Write looks for sweeps when Options.Sweeps is nil:
// the folder "sweeps" next to the results folder, each of whose
// subfolders holding a sweep.json is one sweep (`make report` writes
// results/default and results/sweeps/<name>).
const SweepsDir = "sweeps"

// sweepDirs returns the sweep folders to report for the results folder
// dir: opt.Sweeps, or those found in dir/../sweeps.
func sweepDirs(dir string, opt Options) []string {
	if opt.Sweeps != nil {
		return opt.Sweeps
	}
	found, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Clean(dir)), SweepsDir, "*", bench.SweepFile))
	var out []string
	for _, f := range found {
		out = append(out, filepath.Dir(f))
	}
	// The registered optimizers in registration order (the built-ins'
	// is backprop, the Rprop variants, the GA, …), then the others by
	// folder name.
	names := optim.MethodNames()
	rank := func(d string) int {
		if m, err := bench.ReadSweepManifest(d); err == nil {
			if i := slices.Index(names, m.Optimizer); i >= 0 {
				return i
			}
		}
		return len(names)
	}
	slices.SortStableFunc(out, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	return out
}

// sweeps draws the heat maps of every sweep of the results folder into it
// and writes the "Hyperparameter sensitivity" section into b; nothing when
// there are no sweeps. A sweep that cannot be read or drawn is named in
// the section and in the log, and does not stop the report.
func (w *writer) sweeps(b *bytes.Buffer) {
	dirs := sweepDirs(w.e.dir, w.opt)
	if len(dirs) == 0 {
		return
	}
	b.WriteString("## Hyperparameter sensitivity\n\n")
	b.WriteString("Each sweep runs one optimizer on one problem over a grid of one or two of its settings, every grid point " +
		"with the same seeds (so the same starting weights) and budget, all other settings at their defaults. " +
		"The heat maps show, per grid point, the success rate on the sweep's target and the median loss evaluations " +
		"to it over the runs that reached it; `sweep.csv` in each sweep folder has the numbers with Wilson intervals and aRT. " +
		TuneabilityText + "\n\n")
	var results []*bench.SweepResult
	var failed []string
	for _, d := range dirs {
		r, err := bench.LoadSweep(d)
		if err != nil {
			fmt.Fprintf(w.log, "warning: sweep %s not reported: %v\n", d, err)
			failed = append(failed, fmt.Sprintf("`%s`: %s", d, strings.TrimPrefix(err.Error(), "bench: ")))
			continue
		}
		results = append(results, r)
	}
	if len(results) > 0 {
		sweepTable(b, results)
	}
	used := map[string]bool{}
	for _, r := range results {
		name := chartName(filepath.Base(r.Dir), used)
		charts, err := drawSweep(r, w.e.dir, "sweep-"+name+"-", w.opt.SVG, w.log)
		sweepHeading(b, r, "###")
		if err != nil {
			fmt.Fprintf(w.log, "warning: sweep %s: charts not drawn: %v\n", r.Dir, err)
			fmt.Fprintf(b, "Charts not drawn: %v.\n\n", err)
		}
		sweepText(b, r)
		for _, c := range charts {
			writeChart(b, c)
		}
	}
	for _, f := range failed {
		fmt.Fprintf(b, "- Not included: %s\n", f)
	}
	if len(failed) > 0 {
		b.WriteString("\n")
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9+._-]+`)

// chartName returns a file-name-safe, unused version of name.
func chartName(name string, used map[string]bool) string {
	name = unsafeName.ReplaceAllString(name, "_")
	out := name
	for i := 2; used[out]; i++ {
		out = fmt.Sprintf("%s-%d", name, i)
	}
	used[out] = true
	return out
}

// WriteSweep draws the heat maps of the finished sweep in dir into dir and
// writes dir/SWEEP.md, printing a line per file written to log.
func WriteSweep(dir string, log io.Writer, opt Options) error {
	r, err := bench.LoadSweep(dir)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	charts, err := drawSweep(r, dir, "heatmap-", opt.SVG, log)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var b bytes.Buffer
	m := r.Manifest
	fmt.Fprintf(&b, "# optbench sweep\n\n")
	b.WriteString("Everything below is computed from `sweep.json` and the runs of each grid point's folder.\n\n")
	sweepHeading(&b, r, "##")
	fmt.Fprintf(&b, "- **Grid:** %s.\n", gridText(m.Axes))
	if !m.End.IsZero() {
		fmt.Fprintf(&b, "- **When:** %s to %s (%s wall clock).\n", m.Start.Format(time.RFC3339), m.End.Format(time.RFC3339), m.End.Sub(m.Start).Round(time.Second))
	}
	b.WriteString("\n")
	sweepText(&b, r)
	b.WriteString(TuneabilityText + "\n\n")
	sweepTable(&b, []*bench.SweepResult{r})
	for _, c := range charts {
		writeChart(&b, c)
	}
	b.WriteString("## Files\n\n`sweep.json` (the grid and where each point's results are), `sweep.csv` (one row per grid point: " +
		"settings, success rate with its Wilson interval, median iterations and evaluations to the target, aRT with its bootstrap interval), " +
		"and one results folder per grid point (`point-*`, as written by `optbench run`).\n")
	path := filepath.Join(dir, SweepReportFile)
	if err := bench.WriteFileAtomic(path, b.Bytes()); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(log, "wrote %s\n", path)
	return nil
}

func sweepHeading(b *bytes.Buffer, r *bench.SweepResult, level string) {
	m := r.Manifest
	fmt.Fprintf(b, "%s `%s` on `%s`: %s\n\n", level, m.Optimizer, m.Problem, axesNames(m.Axes))
}

func axesNames(axes []bench.Axis) string {
	var names []string
	for _, a := range axes {
		names = append(names, "`"+a.Setting+"`")
	}
	return strings.Join(names, " × ")
}

func gridText(axes []bench.Axis) string {
	var parts []string
	for _, a := range axes {
		parts = append(parts, fmt.Sprintf("%s ∈ {%s}", a.Setting, strings.Join(a.Labels(), ", ")))
	}
	return strings.Join(parts, " × ")
}

func budgetOf(m *bench.SweepManifest) string {
	s := fmt.Sprintf("%d iterations", m.Budget)
	if m.EvalBudget > 0 {
		s += fmt.Sprintf(" or %d loss evaluations, whichever comes first", m.EvalBudget)
	}
	return s
}

// sweepText writes the generated sentences about a sweep: its size, best
// point, the default setting's result and the tuneability score.
func sweepText(b *bytes.Buffer, r *bench.SweepResult) {
	m := r.Manifest
	fmt.Fprintf(b, "%d grid points × %d seeds, budget %s per run, target `%s`", len(m.Points), m.Seeds, budgetOf(m), m.Target)
	if len(m.Set) > 0 {
		var fixed []string
		for _, k := range slices.Sorted(maps.Keys(m.Set)) {
			fixed = append(fixed, fmt.Sprintf("`%s=%g`", k, m.Set[k]))
		}
		fmt.Fprintf(b, ", with %s at every point", strings.Join(fixed, ", "))
	}
	b.WriteString(". ")
	best := r.Best()
	if best < 0 {
		b.WriteString("\n\n")
		return
	}
	s := r.Stats[best]
	if s.Successes == 0 {
		fmt.Fprintf(b, "No grid point reached `%s` in any run.\n\n", m.Target)
		return
	}
	fmt.Fprintf(b, "The best point is %s with %s, median %s evaluations to the target and aRT %s evaluations",
		m.Points[best].Label(m.Axes), rateText(s), fmtCount(s.EvalsMedian), fmtCount(s.ERT))
	var tied []string
	for i, t := range r.Stats {
		if i != best && t.Successes == s.Successes {
			tied = append(tied, m.Points[i].Label(m.Axes))
		}
	}
	if len(tied) > 0 {
		fmt.Fprintf(b, " (as successful: %d other %s, ranked by aRT)", len(tied), pluralize(len(tied), "point"))
	}
	b.WriteString(". ")
	if d := defaultPoint(r); d >= 0 {
		ds := r.Stats[d]
		fmt.Fprintf(b, "The default setting (%s) reaches %s", m.Points[d].Label(m.Axes), rateText(ds))
		switch {
		case d == best:
			b.WriteString(", the best on the grid")
		case ds.Successes == s.Successes:
			b.WriteString(", as many successes as the best point")
		case ds.Hi < s.Lo:
			b.WriteString("; its Wilson interval lies below the best point's")
		default:
			b.WriteString("; its Wilson interval overlaps the best point's (and the best point is picked after the fact, which flatters it)")
		}
		b.WriteString(". ")
	}
	var mean float64
	for _, t := range r.Stats {
		mean += t.Rate
	}
	mean /= float64(len(r.Stats))
	fmt.Fprintf(b, "Mean success over the grid %.0f%%; tuneability score T = %s.\n\n", 100*mean, fmtScore(r.Tuneability()))
}

func pluralize(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

func rateText(s bench.TargetStat) string {
	return fmt.Sprintf("%d/%d = %.0f%% [%.0f, %.0f]", s.Successes, s.Runs, 100*s.Rate, 100*s.Lo, 100*s.Hi)
}

func fmtScore(t float64) string {
	if math.IsNaN(t) {
		return "–"
	}
	return fmt.Sprintf("%.2f", t)
}

// defaultPoint returns the grid point whose swept settings equal the
// optimizer's defaults on the problem (with the sweep's fixed settings),
// or -1 if the grid does not contain it.
func defaultPoint(r *bench.SweepResult) int {
	m := r.Manifest
	p, err := optim.LookupProblem(m.Problem)
	if err != nil {
		return -1
	}
	meth, err := optim.LookupMethod(m.Optimizer)
	if err != nil {
		return -1
	}
	set, err := bench.ResolveSettings(p, meth, nil)
	if err != nil {
		return -1
	}
	def := map[string]float64{}
	for _, prm := range meth.Params {
		def[prm.Name] = prm.Default
	}
	for k, v := range set {
		def[k] = v
	}
	for i, pt := range m.Points {
		match := true
		for k, v := range pt.Settings {
			if def[k] != v {
				match = false
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// sweepTable writes one row per sweep: grid, best point, mean success and
// tuneability.
func sweepTable(b *bytes.Buffer, rs []*bench.SweepResult) {
	b.WriteString("| optimizer | problem | target | grid | seeds | best point | best success [95% CI] | mean success | tuneability T |\n")
	b.WriteString("|---|---|---|---|---:|---|---:|---:|---:|\n")
	for _, r := range rs {
		m := r.Manifest
		bestText, rate := "–", "–"
		if i := r.Best(); i >= 0 && r.Stats[i].Successes > 0 {
			bestText = m.Points[i].Label(m.Axes)
			rate = rateText(r.Stats[i])
		}
		var mean float64
		for _, t := range r.Stats {
			mean += t.Rate
		}
		mean /= float64(max(len(r.Stats), 1))
		fmt.Fprintf(b, "| `%s` | `%s` | `%s` | %s | %d | %s | %s | %.0f%% | %s |\n", m.Optimizer, m.Problem, m.Target,
			gridText(m.Axes), m.Seeds, bestText, rate, 100*mean, fmtScore(r.Tuneability()))
	}
	b.WriteString("\n")
}

// settingLabel names a setting of optimizer for an axis: the Label its
// registered definition gives it, or its name.
func settingLabel(optimizer, name string) string {
	if m, err := optim.LookupMethod(optimizer); err == nil {
		return m.AxisLabel(name)
	}
	return name
}

// drawSweep draws the success-rate and median-evaluations heat maps of r
// into dir as <prefix>success.png and <prefix>evals.png.
func drawSweep(r *bench.SweepResult, dir, prefix string, svg bool, log io.Writer) ([]chart, error) {
	m := r.Manifest
	xs := m.Axes[0].Labels()
	xLabel := settingLabel(m.Optimizer, m.Axes[0].Setting)
	ys, yLabel := []string{""}, ""
	h := stripH
	if len(m.Axes) > 1 {
		ys, yLabel = m.Axes[1].Labels(), settingLabel(m.Optimizer, m.Axes[1].Setting)
		h = chartH
	}
	what := fmt.Sprintf("%s on %s", m.Optimizer, m.Problem)
	succ := r.Grid(func(s bench.TargetStat) float64 { return 100 * s.Rate })
	evals := r.Grid(func(s bench.TargetStat) float64 { return s.EvalsMedian })
	var charts []chart

	title := fmt.Sprintf("%s: success rate (%s)", what, m.Target)
	p, _, err := plots.HeatMapWith(title, xLabel, yLabel, xs, ys, succ, plots.HeatOptions{
		Format: "%.0f%%", Range: [2]float64{0, 100}, Legend: fmt.Sprintf("success (%d seeds)", m.Seeds)})
	if err != nil {
		return nil, err
	}
	c, err := saveSweepChart(p, dir, prefix+"success", h, svg, log)
	if err != nil {
		return nil, err
	}
	c.Title = title
	c.Caption = fmt.Sprintf("Share of the %d seeds per grid point of `%s` on `%s` that reached `%s` within %s; "+
		"brighter is better, on a fixed 0–100%% scale. Every point starts from the same %d sets of initial weights. "+
		"With %d seeds a Wilson 95%% interval is about ±%.0f points wide at 50%% (`sweep.csv` has each point's).",
		m.Seeds, m.Optimizer, m.Problem, m.Target, budgetOf(m), m.Seeds, m.Seeds, 100*wilsonHalf(m.Seeds))
	charts = append(charts, c)

	title = fmt.Sprintf("%s: median evaluations to %s", what, m.Target)
	p, _, err = plots.HeatMapWith(title, xLabel, yLabel, xs, ys, evals, plots.HeatOptions{
		Format: "%.0f", Log: true, Reverse: true, Legend: "median evaluations (log)"})
	if err != nil {
		return nil, err
	}
	c, err = saveSweepChart(p, dir, prefix+"evals", h, svg, log)
	if err != nil {
		return nil, err
	}
	c.Title = title
	c.Caption = fmt.Sprintf("Median loss evaluations to reach `%s`, over the runs of each grid point that reached it, "+
		"on a log colour scale where brighter is fewer (better). Grey n/a: no run reached the target. "+
		"A median over few successes is noisy: read it with the success map.", m.Target)
	charts = append(charts, c)
	return charts, nil
}

// wilsonHalf is half the width of the Wilson 95% interval at a success
// rate of one half with n runs.
func wilsonHalf(n int) float64 {
	lo, hi := stats.Wilson(n/2, n, bench.Confidence)
	return (hi - lo) / 2
}

// saveSweepChart saves pl as dir/name.png (and .svg if asked) at the
// report's width and height h.
func saveSweepChart(pl *plot.Plot, dir, name string, h vg.Length, svg bool, log io.Writer) (chart, error) {
	file := name + ".png"
	if err := plots.Save(pl, chartW, h, filepath.Join(dir, file)); err != nil {
		return chart{}, err
	}
	fmt.Fprintf(log, "wrote %s\n", filepath.Join(dir, file))
	if svg {
		if err := plots.Save(pl, chartW, h, filepath.Join(dir, name+".svg")); err != nil {
			return chart{}, err
		}
	}
	return chart{File: file}, nil
}
