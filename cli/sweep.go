package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/report"
)

// The default sweeps (optbench sweep --default), one per classic method on
// xor; `make report` runs them next to the default experiment so that its
// report has a "Hyperparameter sensitivity" section. `optbench sweep -h`
// prints them.
const (
	// defaultSweepOut is the parent folder of the default sweeps, each in
	// a subfolder named after it: results/sweeps/<name>, where the report
	// of results/default looks for them.
	defaultSweepOut     = "results/sweeps"
	defaultSweepProblem = "xor"
	// defaultSweepSeeds and defaultSweepBudget: as many seeds as the
	// default experiment, a fifth of its iteration budget on xor; the three
	// sweeps (1560 runs) take about 10 s on two cores.
	defaultSweepSeeds  = 30
	defaultSweepBudget = 20000
)

// defaultSweeps are the grids of the default sweeps, on defaultSweepProblem
// unless problem is set: the backprop learning rate; Rprop's initial step
// Δ0 and step increase η+ (iRprop−, the variant of torch.optim.Rprop); the
// GA's population and mutation σ; and iRprop−'s smallest step Δmin on
// celsius, which measures the floor that Δmin sets there (the report cites
// it where a run ends at its step-size bound). Each grid holds the
// optimizer's default setting.
var defaultSweeps = []struct{ name, problem, optimizer, grid string }{
	{"backprop", "", "backprop", "lr=0.03,0.1,0.3,1,3,10,30"},
	{"irprop-", "", "irprop-", "delta0=0.0125,0.05,0.1,0.5,2:eta+=1.05,1.1,1.2,1.5,2"},
	{"ga", "", "ga", "population=10,20,50,100,200:sigma=0.03,0.1,0.3,1"},
	{"irprop--celsius", "celsius", "irprop-", "delta-min=0.000001,1e-09,1e-12,0"},
}

// sweepOptions are sweep's flags.
type sweepOptions struct {
	def                                    bool
	out, problem, optimizer, grid, target  string
	data, net                              string
	seeds, budget, evals, set, plateau, wk string
	force, quiet                           bool
}

func sweepSetup(w io.Writer) (*flag.FlagSet, runFunc) {
	fs, o := newSweepFlags(w)
	return fs, func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		specs, err := parseSweep(fs, o, args)
		if err != nil {
			return err
		}
		for _, s := range specs {
			if err := outFolder("--out", s.out); err != nil {
				return err
			}
		}
		for i, s := range specs {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			if err := runSweep(ctx, s, stdout, stderr); err != nil {
				return err
			}
		}
		return nil
	}
}

func newSweepFlags(w io.Writer) (*flag.FlagSet, *sweepOptions) {
	var defs strings.Builder
	for _, d := range defaultSweeps {
		problem := d.problem
		if problem == "" {
			problem = defaultSweepProblem
		}
		fmt.Fprintf(&defs, "  %-15s --problem %s --optimizer %s --grid %s\n", d.name, problem, d.optimizer, d.grid)
	}
	fs := newFlagSet("sweep", fmt.Sprintf(`usage: optbench sweep --out DIR --problem NAME --optimizer NAME --grid GRID [flags]
       optbench sweep --default [flags]

Run one optimizer on one problem over a grid of one or two of its settings
× seeds: each grid point is a complete experiment in DIR/point-<k>/ (as
written by 'optbench run'), with the same seeds and budget at every point.
DIR/sweep.json records the grid and the point folders; DIR/sweep.csv has one
row per point (settings, success rate on the target with its Wilson 95%%
interval, median iterations and evaluations to the target, aRT); and
DIR/SWEEP.md embeds heat maps of the success rate and of the median
evaluations to the target (heatmap-success.png, heatmap-evals.png). If
interrupted (^C), rerun the same command to resume. 'optbench report R'
includes every sweep in R/../sweeps/ in R/REPORT.md.

GRID is one or two settings separated by ":", each setting=v1,v2,… with
distinct numbers, e.g.
  lr=0.1,0.3,1,3
  delta0=0.0125,0.05,0.1:eta+=1.1,1.2,1.5
The first setting runs along the heat map's x axis, the second along y, in
the order given. A setting may carry its optimizer ("irprop-.delta0"); the
settings are listed by 'optbench list'. At most %d grid points.

Tuneability score, printed at the end and in the reports:
  T = mean success rate over the grid / best grid point's success rate,
in [1/points, 1]: 1 means every setting on the grid does as well as the
best; near 1/points, a single setting works. Undefined (–) when no point
reached the target.

The default sweeps (--default), each into --out/<name> (default
--out %s), with --seeds %d --budget %d:
%sFlags given with --default override its seeds, budgets, plateau, workers
and folder; --problem, --optimizer, --grid, --set and --target are refused.
`, bench.MaxSweepPoints, defaultSweepOut, defaultSweepSeeds, defaultSweepBudget, defs.String()), w)
	o := &sweepOptions{}
	fs.BoolVar(&o.def, "default", false, "run the default sweeps (see above)")
	fs.StringVar(&o.out, "out", "", "sweep `folder` (required without --default; with it, the parent of the sweeps' folders)")
	fs.StringVar(&o.problem, "problem", "", "the `problem` (see 'optbench list')")
	fs.StringVar(&o.data, "data", "", "sweep on the CSV `file` instead of --problem (see 'optbench help run' for the format)")
	fs.StringVar(&o.net, "net", "", "network `spec` of --data, e.g. 8tanh-3sigmoid (default 8tanh- then one unit per class or target)")
	fs.StringVar(&o.optimizer, "optimizer", "", "the `optimizer` (see 'optbench list')")
	fs.StringVar(&o.grid, "grid", "", "the swept settings and their values, `GRID` (see above)")
	fs.StringVar(&o.target, "target", "", "the `target` summarized (see 'optbench list'; default: param_1e-07 where the optimum is known, else classified, else loss_1e-07)")
	fs.StringVar(&o.seeds, "seeds", "", fmt.Sprintf("seeds 1…`N` at every grid point (default %d)", bench.DefaultSweepSeeds))
	fs.StringVar(&o.budget, "budget", "", fmt.Sprintf("iterations per run, `N` (default %d)", bench.DefaultSweepBudget))
	fs.StringVar(&o.evals, "eval-budget", "", "loss evaluations per run, `N`; 0: no limit (default: the iteration budget + 1, so the GA gets as many evaluations as a gradient method gets iterations)")
	fs.StringVar(&o.set, "set", "", "other settings of the optimizer, fixed at every point, `optimizer.setting=value[,…]`")
	fs.StringVar(&o.plateau, "plateau", "", "end a run on a plateau of `N` loss evaluations without improvement, as in 'optbench run'; 0: never (default 1000)")
	fs.StringVar(&o.wk, "workers", "", workersHelp)
	fs.BoolVar(&o.force, "force", false, "start over in a folder holding another sweep or experiment, or a damaged one, after moving its files into DIR/.old-<time>/")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar (it is shown only when stderr is a terminal)")
	return fs, o
}

// sweepSpec is one validated sweep to run.
type sweepSpec struct {
	plan  *bench.SweepPlan
	out   string
	opt   bench.Options
	quiet bool
}

// parseSweep validates sweep's flags into the sweeps to run. Every error is
// a *usageError naming the flag at fault and what it allows.
func parseSweep(fs *flag.FlagSet, o *sweepOptions, args []string) ([]*sweepSpec, error) {
	if len(args) > 0 {
		return nil, usagef("sweep: unexpected argument %q (flags start with --)", args[0])
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var base bench.SweepConfig
	// Sweeps use the same loss arithmetic as every run (see --loss-eval).
	base.LossEval = defaultLossEval
	opt := bench.Options{Force: o.force}
	if o.def {
		for _, f := range []string{"problem", "optimizer", "grid", "set", "target", "data", "net"} {
			if given[f] {
				return nil, usagef("--%s: not allowed with --default, which sets it per sweep (see 'optbench sweep -h')", f)
			}
		}
		base.Seeds, base.Budget = defaultSweepSeeds, defaultSweepBudget
	}
	var err error
	if given["seeds"] {
		if base.Seeds, err = sweepInt("--seeds", o.seeds, 1, maxSeeds); err != nil {
			return nil, err
		}
	}
	if given["budget"] {
		if base.Budget, err = sweepInt("--budget", o.budget, 1, maxBudget); err != nil {
			return nil, err
		}
	}
	budget := base.Budget
	if budget == 0 {
		budget = bench.DefaultSweepBudget
	}
	base.EvalBudget = budget + initEvals
	if given["eval-budget"] {
		if base.EvalBudget, err = sweepInt("--eval-budget", o.evals, 0, maxBudget); err != nil {
			return nil, err
		}
	}
	if given["plateau"] {
		if base.PlateauMin, err = parsePlateau(o.plateau); err != nil {
			return nil, err
		}
	}
	if given["workers"] {
		if opt.Workers, err = sweepInt("--workers", o.wk, 1, maxWorkers); err != nil {
			return nil, err
		}
	}

	type job struct{ out, problem, optimizer, grid string }
	var jobs []job
	if o.def {
		parent := defaultSweepOut
		if given["out"] {
			parent = o.out
		}
		for _, d := range defaultSweeps {
			problem := d.problem
			if problem == "" {
				problem = defaultSweepProblem
			}
			jobs = append(jobs, job{filepath.Join(parent, d.name), problem, d.optimizer, d.grid})
		}
	} else {
		if given["data"] && given["problem"] {
			return nil, usagef("--data: give --problem or --data, not both")
		}
		if given["net"] && !given["data"] {
			return nil, usagef("--net: applies to --data, and none is given")
		}
		problem := o.problem
		if given["data"] {
			problem = "--data" // checked below
		}
		for _, f := range []struct{ name, val, want string }{
			{"out", o.out, "the sweep folder (or --default)"},
			{"problem", problem, "a problem (see 'optbench list') or --data FILE"},
			{"optimizer", o.optimizer, "an optimizer (see 'optbench list')"},
			{"grid", o.grid, "setting=v1,v2,…[:setting=v1,v2,…]"},
		} {
			if strings.TrimSpace(f.val) == "" {
				return nil, usagef("--%s: want %s", f.name, f.want)
			}
		}
		jobs = append(jobs, job{o.out, strings.TrimSpace(o.problem), strings.TrimSpace(o.optimizer), o.grid})
	}

	var specs []*sweepSpec
	for _, j := range jobs {
		c := base
		c.Problem, c.Optimizer = j.problem, j.optimizer
		var p *optim.Problem
		var err error
		if given["data"] && !o.def {
			d := &bench.DataSource{Path: filepath.Clean(strings.TrimSpace(o.data)), Net: strings.TrimSpace(o.net)}
			if p, err = d.Problem(); err != nil {
				return nil, usagef("--data: %s", strings.TrimPrefix(err.Error(), "optim: "))
			}
			c.Problem, c.Data = p.Name, d
		} else if p, err = optim.LookupProblem(c.Problem); err != nil {
			return nil, usagef("--problem: %s", strings.TrimPrefix(err.Error(), "optim: "))
		}
		m, err := optim.LookupMethod(c.Optimizer)
		if err != nil {
			return nil, usagef("--optimizer: %s", strings.TrimPrefix(err.Error(), "optim: "))
		}
		axes, err := bench.ParseGrid(j.grid)
		if err == nil {
			axes, err = bench.StripOptimizer(axes, m.Name)
		}
		if err != nil {
			return nil, usagef("--grid: %v", err)
		}
		for _, a := range axes {
			if !contains(m.ParamNames(), a.Setting) {
				return nil, usagef("--grid: %s has no setting %q; settings: %s", m.Name, a.Setting, strings.Join(m.ParamNames(), ", "))
			}
		}
		c.Axes = axes
		if given["target"] {
			c.Target = strings.TrimSpace(o.target)
			var names []string
			okTarget := false
			for _, t := range bench.AllTargets() {
				if t.Applies(p) {
					names = append(names, t.Name)
					okTarget = okTarget || t.Name == c.Target
				}
			}
			if !okTarget {
				return nil, usagef("--target: %q is not a target of %s; targets: %s", o.target, p.Name, strings.Join(names, ", "))
			}
		}
		if given["set"] {
			if c.Set, err = parseSweepSet(o.set, m, axes); err != nil {
				return nil, err
			}
		}
		plan, err := bench.NewSweep(c)
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "bench: ")
			return nil, usagef("--grid: %s", strings.TrimPrefix(msg, "sweep "))
		}
		specs = append(specs, &sweepSpec{plan: plan, out: j.out, opt: opt, quiet: o.quiet})
	}
	return specs, nil
}

// sweepInt parses a decimal integer in [lo, hi].
func sweepInt(flagName, s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		return 0, usagef("%s: want an integer in [%d, %d], got %q", flagName, lo, hi, s)
	}
	return n, nil
}

// parseSweepSet parses --set: settings of m other than the swept ones.
func parseSweepSet(s string, m optim.Method, axes []bench.Axis) (map[string]float64, error) {
	set := map[string]float64{}
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		key, v, err := bench.ParseSetting(item)
		if err != nil {
			return nil, usagef("--set: %v", err)
		}
		mname, pname, _ := strings.Cut(key, ".")
		if mname != m.Name {
			return nil, usagef("--set: %s: want settings of the swept optimizer, %s.setting=value", key, m.Name)
		}
		if !contains(m.ParamNames(), pname) {
			return nil, usagef("--set: %s: %s has no setting %q; settings: %s", key, m.Name, pname, strings.Join(m.ParamNames(), ", "))
		}
		for _, a := range axes {
			if a.Setting == pname {
				return nil, usagef("--set: %s: %s is swept by --grid", key, pname)
			}
		}
		if _, dup := set[key]; dup {
			return nil, usagef("--set: %s set twice", key)
		}
		set[key] = v
	}
	if len(set) == 0 {
		return nil, usagef("--set: want optimizer.setting=value[,…], got %q", s)
	}
	return set, nil
}

// runSweep runs one sweep, draws its heat maps and prints its grids.
func runSweep(ctx context.Context, s *sweepSpec, stdout, stderr io.Writer) error {
	c := s.plan.Config
	fmt.Fprintf(stdout, "sweep of %s on %s over %s: %d grid points × %d seeds = %d runs into %s\n",
		c.Optimizer, c.Problem, sweepAxesText(c.Axes), len(s.plan.Points), c.Seeds, s.plan.Runs(), s.out)
	p := newProgress(stderr, s.quiet)
	opt := s.opt
	opt.Progress = p.update
	err := bench.RunSweep(ctx, s.plan, s.out, opt)
	p.finish()
	if err != nil {
		return err
	}
	res, err := bench.LoadSweep(s.out)
	if err != nil {
		return err
	}
	if err := report.WriteSweep(s.out, stdout, report.Options{}); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	printSweep(stdout, res)
	return nil
}

func sweepAxesText(axes []bench.Axis) string {
	var names []string
	for _, a := range axes {
		names = append(names, a.Setting)
	}
	return strings.Join(names, " × ")
}

// printSweep prints the success rates and median evaluations to the target
// as grids (rows: the second setting; columns: the first), the best point
// and the tuneability score.
func printSweep(w io.Writer, r *bench.SweepResult) {
	m := r.Manifest
	x := m.Axes[0]
	grids := []struct {
		title string
		f     func(bench.TargetStat) string
	}{
		{fmt.Sprintf("success rate on %s (%d seeds per point)", m.Target, m.Seeds), func(s bench.TargetStat) string {
			return fmt.Sprintf("%.0f%%", 100*s.Rate)
		}},
		{fmt.Sprintf("median evaluations to %s (runs that reached it)", m.Target), func(s bench.TargetStat) string {
			if math.IsNaN(s.EvalsMedian) {
				return "–"
			}
			return strconv.FormatFloat(s.EvalsMedian, 'f', -1, 64)
		}},
	}
	for _, g := range grids {
		fmt.Fprintf(w, "%s:\n", g.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		cells := map[[2]int]string{}
		for k, pt := range m.Points {
			row := 0
			if len(pt.Coord) > 1 {
				row = pt.Coord[1]
			}
			cells[[2]int{row, pt.Coord[0]}] = g.f(r.Stats[k])
		}
		rows, corner := []string{""}, x.Setting
		if len(m.Axes) > 1 {
			rows = m.Axes[1].Labels()
			corner = m.Axes[1].Setting + " \\ " + x.Setting
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", corner, strings.Join(x.Labels(), "\t"))
		// The second setting's largest value on top, as in the heat map.
		for ri := len(rows) - 1; ri >= 0; ri-- {
			line := []string{rows[ri]}
			for ci := range x.Values {
				line = append(line, cells[[2]int{ri, ci}])
			}
			fmt.Fprintf(tw, "%s\t\n", strings.Join(line, "\t"))
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	if b := r.Best(); b >= 0 && r.Stats[b].Successes > 0 {
		s := r.Stats[b]
		fmt.Fprintf(w, "best point: %s, %d/%d = %.0f%% (95%% CI %.0f–%.0f%%), aRT %s evaluations\n", m.Points[b].Label(m.Axes),
			s.Successes, s.Runs, 100*s.Rate, 100*s.Lo, 100*s.Hi, strconv.FormatFloat(math.Round(s.ERT), 'f', -1, 64))
	} else {
		fmt.Fprintf(w, "no grid point reached %s\n", m.Target)
	}
	t := r.Tuneability()
	ts := "– (no point reached the target)"
	if !math.IsNaN(t) {
		ts = fmt.Sprintf("%.2f", t)
	}
	fmt.Fprintf(w, "tuneability T = mean success / best success = %s\n", ts)
}
