package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/optim/catalog"
	"github.com/optbench/optbench/optim/dataset"
)

// The default experiment (optbench run --default). Change these to change
// it; `optbench run -h` prints them.
const (
	// defaultOut is the results folder of the default experiment.
	defaultOut = "results/default"
	// defaultSeeds is the number of seeds of every problem × optimizer.
	defaultSeeds = 30
	// defaultLossEval is --loss-eval's default, for every experiment, with
	// --default or not: careful arithmetic, so that precision floors
	// measure the optimizer rather than the rounding of σ (bench.Config's
	// zero value is plain, the arithmetic of results made before).
	defaultLossEval = "careful"
	// defaultBudget is the iteration budget of problems without an entry
	// in defaultBudgets.
	defaultBudget = 100000
	// initEvals is the number of loss evaluations an optimizer's Init
	// spends (the starting point's) that the evaluation budget also counts.
	// The default evaluation budget is the iteration budget plus initEvals,
	// so that gradient methods (one evaluation per iteration) run their
	// whole iteration budget, while the GA (about population evaluations
	// per generation) gets a comparable number of evaluations.
	initEvals = 1
)

// defaultFloat32 and defaultBudgets are the default experiment's
// per-problem choices, declared with its problems in package catalog.
var (
	defaultFloat32 = catalog.DefaultFloat32
	defaultBudgets = catalog.DefaultBudgets
)

// defaultConfig returns the default experiment: every built-in problem, the
// default optimizers (bench.DefaultOptimizers), defaultSeeds seeds, runs
// that keep going after the targets to measure the precision floor, an
// iteration budget of defaultBudget with the per-problem defaultBudgets,
// and an evaluation budget of the iteration budget plus initEvals.
func defaultConfig() bench.Config {
	c := bench.Config{Seeds: defaultSeeds, Budget: defaultBudget, Budgets: maps.Clone(defaultBudgets), KeepGoing: true,
		Precisions: map[string][]string{}}
	for _, p := range defaultFloat32 {
		c.Precisions[p] = []string{optim.Float64, optim.Float32}
	}
	matchEvalBudgets(&c)
	return c
}

// matchEvalBudgets sets c's evaluation budgets to its iteration budgets
// plus initEvals.
func matchEvalBudgets(c *bench.Config) {
	c.EvalBudget = c.Budget + initEvals
	c.EvalBudgets = nil
	for p, b := range c.Budgets {
		if c.EvalBudgets == nil {
			c.EvalBudgets = map[string]int{}
		}
		c.EvalBudgets[p] = b + initEvals
	}
}

// runOptions are run's flags.
type runOptions struct {
	def                                        bool
	problems, optimizers, seeds, budget, evals string
	out, plateau, workers, shard, set          string
	lossEval, precision                        string
	keepGoing, force, quiet                    bool
	data, nets                                 listFlag
	target, scale                              string
	classes                                    bool
}

// listFlag is a flag that may be given several times; each value is kept.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func runSetup(w io.Writer) (*flag.FlagSet, runFunc) {
	fs, o := newRunFlags(w)
	return fs, func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return runCmd(ctx, fs, o, args, stdout, stderr)
	}
}

// newRunFlags returns run's flags, whose help goes to w.
func newRunFlags(w io.Writer) (*flag.FlagSet, *runOptions) {
	var budgets []string
	for _, p := range slices.Sorted(maps.Keys(defaultBudgets)) {
		budgets = append(budgets, fmt.Sprintf("%s=%d", p, defaultBudgets[p]))
	}
	fs := newFlagSet("run", fmt.Sprintf(`usage: optbench run --default [flags]
       optbench run --out DIR [flags]

Run every problem × optimizer × seed of an experiment into a results folder:
manifest.json, runs.csv and trace.csv as runs finish, then summary.csv,
targets.csv, compare.csv and results.bench; then print the headline table
(see 'optbench help summarize'). The results do not depend on --workers or
--shard. If interrupted (^C), finished runs stay on disk, and running the
same command again resumes.

The default experiment (--default):
  --out          %s
  --problems     %s
  --optimizers   %s
  --seeds        %d
  --keep-going   yes: run to the budget or a plateau, to measure precision floors
  --budget       %d,%s
  --eval-budget  each problem's iteration budget + %d (the starting point's
                 evaluation): the GA, which spends about a population of
                 evaluations per generation, gets as many evaluations as a
                 gradient method gets iterations
  --loss-eval    %s
  --precision    float64; float64,float32 on %s
Flags given with --default override these; with --budget but no
--eval-budget, the evaluation budgets follow the new iteration budgets.
--data with --default runs the --data files only, with the default
experiment's settings (add --problems to keep built-in problems).

Without --default, --out is required and the flags' defaults below apply.

--budget and --eval-budget take a global value, per-problem values, or both:
"100000", "spirals=500", "100000,spirals=500". A global value replaces all
per-problem values (of --default too); per-problem values alone change only
those problems.
`, defaultOut, strings.Join(catalog.DefaultProblems, ","), strings.Join(catalog.DefaultOptimizers, ","), defaultSeeds, defaultBudget,
		strings.Join(budgets, ","), initEvals, defaultLossEval, strings.Join(defaultFloat32, " and ")), w)
	o := &runOptions{}
	fs.BoolVar(&o.def, "default", false, "run the default experiment (see above)")
	fs.StringVar(&o.out, "out", "", "results `folder` (required without --default)")
	fs.StringVar(&o.problems, "problems", "", "comma-separated `problems` (see 'optbench list'; default "+strings.Join(catalog.DefaultProblems, ",")+", or none with --data)")
	fs.Var(&o.data, "data", "train on the CSV `file` too (header row; the last column is the target); may be repeated; the problem is named after the file")
	fs.Var(&o.nets, "net", "network `spec` of the --data problems: hidden and output layers as units+activation joined by -, e.g. 8tanh-3sigmoid or 1linear; add :nobias to a layer for no biases; one for every --data, or one per --data in order (default 8tanh- then one sigmoid unit per class, or one linear unit per target)")
	fs.StringVar(&o.target, "target", "", "target `columns` of the --data files, comma-separated names or 0-based indices (default the last column)")
	fs.BoolVar(&o.classes, "classes", false, "read a numeric --data target as class labels (one output per class); a non-numeric target always is")
	fs.StringVar(&o.scale, "scale", "zscore", "scaling of the --data inputs, `zscore|minmax|none`")
	fs.StringVar(&o.optimizers, "optimizers", "", "comma-separated `optimizers` (default "+strings.Join(catalog.DefaultOptimizers, ",")+")")
	fs.StringVar(&o.seeds, "seeds", "", "seeds 1…`N` are run (default 30)")
	fs.StringVar(&o.budget, "budget", "", "iterations per run, `N[,problem=N…]` (default 10000)")
	fs.StringVar(&o.evals, "eval-budget", "", "loss evaluations per run, `N[,problem=N…]`; 0: no limit (default 0)")
	fs.BoolVar(&o.keepGoing, "keep-going", false, "run on after the last target, to the budget or a plateau, to measure the precision floor")
	fs.StringVar(&o.plateau, "plateau", "", "end a run on a plateau: no improvement for `N` loss evaluations and for at least as many as it took to get there (evaluations, so that a GA and a gradient method are stopped after the same work); 0: never (default 1000)")
	fs.StringVar(&o.lossEval, "loss-eval", defaultLossEval, "loss arithmetic, `careful|plain`: careful computes 1 − σ(z) of sigmoid units as σ(−z), without cancellation; plain (the tutorial's) rounds σ(z) to 1 for z > 36.7")
	fs.StringVar(&o.precision, "precision", "", "arithmetic of the network, loss, gradient and optimizer, `float32,float64` (one or both, every problem; the gonum optimizers run only in float64) (default float64)")
	fs.StringVar(&o.set, "set", "", "optimizer settings on every problem, `optimizer.setting=value[,…]` (see 'optbench list')")
	fs.StringVar(&o.workers, "workers", "", workersHelp)
	fs.StringVar(&o.shard, "shard", "", "run only shard `i/n` of the runs (0 ≤ i < n), for 'optbench merge'")
	fs.BoolVar(&o.force, "force", false, "start over in a folder holding results of another configuration, or damaged ones, after moving its files into DIR/.old-<time>/")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar (it is shown only when stderr is a terminal)")
	return fs, o
}

// parsePlateau parses --plateau (run's and sweep's): an integer in
// [0, maxBudget], 0 meaning never, as bench.Config.PlateauMin spells it
// (negative; 0 there is the default).
func parsePlateau(s string) (int, error) {
	n, err := sweepInt("--plateau", s, 0, maxBudget)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		n = -1
	}
	return n, nil
}

// workersHelp is the help of run's and sweep's --workers.
const workersHelp = "runs in parallel, `N` ≥ 1 (default the CPUs this process may use: GOMAXPROCS, its affinity mask, SLURM_CPUS_PER_TASK)"

// runSpec is a validated run command.
type runSpec struct {
	plan  *bench.Plan
	out   string
	opt   bench.Options
	quiet bool
}

func runCmd(ctx context.Context, fs *flag.FlagSet, o *runOptions, args []string, stdout, stderr io.Writer) error {
	spec, err := parseRun(fs, o, args)
	if err != nil {
		return err
	}
	if err := outFolder("--out", spec.out); err != nil {
		return err
	}
	estimate(stderr, spec.plan)
	p := newProgress(stderr, spec.quiet)
	spec.opt.Progress, spec.opt.Phase = p.update, p.phase
	err = bench.Run(ctx, spec.plan, spec.out, spec.opt)
	p.finish()
	if err != nil {
		return err
	}
	if spec.opt.Shards > 1 {
		fmt.Fprintf(stdout, "shard %d/%d done: results in %s\nWhen every shard is done, combine them with: optbench merge --out DIR SHARD_DIR...\n",
			spec.opt.Shard, spec.opt.Shards, spec.out)
		return nil
	}
	recs, err := bench.LoadRuns(spec.out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "results in %s (charts: optbench report %[1]s)\n\n", spec.out)
	return headline(stdout, spec.plan, recs)
}

// largeIterations is the total iteration budget above which run prints
// an estimate before it starts (the default experiment has 1.8e8).
const largeIterations = 1e10

// estimate prints a one-line note to w before a very large experiment:
// its runs and their total iteration budget, the work it may take.
func estimate(w io.Writer, plan *bench.Plan) {
	total, most := 0.0, 0
	for _, t := range plan.Tasks {
		total += float64(t.Budget)
		most = max(most, t.Budget)
	}
	if total >= largeIterations {
		fmt.Fprintf(w, "optbench: note: a large experiment: %d runs × up to %d iterations, %.3g iterations at most; "+
			"^C stops it with the finished runs kept, and the same command resumes\n", len(plan.Tasks), most, total)
	}
}

// parseRun validates run's flags into a runSpec. Every error is a
// *usageError naming the flag at fault and what it allows.
func parseRun(fs *flag.FlagSet, o *runOptions, args []string) (*runSpec, error) {
	if len(args) > 0 {
		return nil, usagef("run: unexpected argument %q (flags start with --)", args[0])
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	var cfg bench.Config
	spec := &runSpec{out: o.out, quiet: o.quiet, opt: bench.Options{Force: o.force}}
	if o.def {
		cfg = defaultConfig()
		if !given["out"] {
			spec.out = defaultOut
		}
	}
	if spec.out == "" {
		return nil, usagef("--out: want the results folder (or --default)")
	}

	if given["problems"] {
		names, err := parseNames("--problems", o.problems, func(name string) error {
			_, err := optim.LookupProblem(name)
			return err
		})
		if err != nil {
			return nil, err
		}
		cfg.Problems = names
	}
	data, err := parseData(o, given)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 && !given["problems"] {
		cfg.Problems = nil // --data alone runs the data sets only
	}
	cfg.Data = data
	problems := cfg.Problems
	if len(problems) == 0 && len(data) == 0 {
		problems = catalog.DefaultProblems
	}
	for _, d := range data {
		if contains(problems, d.Name()) {
			return nil, usagef("--data %s: its problem name %q is already in the experiment (rename the file)", d.Path, d.Name())
		}
		problems = append(problems, d.Name())
	}
	if given["optimizers"] {
		names, err := parseNames("--optimizers", o.optimizers, func(name string) error {
			_, err := optim.LookupMethod(name)
			return err
		})
		if err != nil {
			return nil, err
		}
		cfg.Optimizers = names
	}
	optimizers := cfg.Optimizers
	if len(optimizers) == 0 {
		optimizers = catalog.DefaultOptimizers
	}

	if given["seeds"] {
		n, err := sweepInt("--seeds", o.seeds, 1, maxSeeds)
		if err != nil {
			return nil, err
		}
		cfg.Seeds = n
	}

	if given["budget"] {
		global, per, err := parseBudget("--budget", o.budget, 1, maxBudget, problems)
		if err != nil {
			return nil, err
		}
		if global > 0 {
			cfg.Budget, cfg.Budgets = global, per
		} else {
			cfg.Budgets = merge(cfg.Budgets, per)
		}
	}
	if given["eval-budget"] {
		global, per, err := parseBudget("--eval-budget", o.evals, 0, maxBudget, problems)
		if err != nil {
			return nil, err
		}
		if global >= 0 {
			cfg.EvalBudget, cfg.EvalBudgets = global, per
		} else {
			cfg.EvalBudgets = merge(cfg.EvalBudgets, per)
		}
	} else if o.def && given["budget"] {
		matchEvalBudgets(&cfg)
	}
	// Per-problem budgets of --default for problems left out by --problems.
	for p := range cfg.Budgets {
		if !contains(problems, p) {
			delete(cfg.Budgets, p)
		}
	}
	for p := range cfg.EvalBudgets {
		if !contains(problems, p) {
			delete(cfg.EvalBudgets, p)
		}
	}
	for p := range cfg.Precisions {
		if !contains(problems, p) {
			delete(cfg.Precisions, p)
		}
	}

	e, err := optim.ParseEvalMode(o.lossEval)
	if err != nil {
		return nil, usagef("--loss-eval: want %s, got %q", strings.Join(optim.EvalModeNames(), " or "), o.lossEval)
	}
	cfg.LossEval = e.String()

	if given["precision"] {
		names, err := parsePrecision(o.precision)
		if err != nil {
			return nil, err
		}
		// Like a global budget, --precision replaces every per-problem value.
		cfg.Precision, cfg.Precisions = names, nil
	}

	if given["keep-going"] {
		cfg.KeepGoing = o.keepGoing
	}
	if given["plateau"] {
		n, err := parsePlateau(o.plateau)
		if err != nil {
			return nil, err
		}
		cfg.PlateauMin = n
	}
	if given["set"] {
		set, err := parseSet(o.set, optimizers)
		if err != nil {
			return nil, err
		}
		cfg.Set = set
	}
	if given["workers"] {
		n, err := sweepInt("--workers", o.workers, 1, maxWorkers)
		if err != nil {
			return nil, err
		}
		spec.opt.Workers = n
	}
	if given["shard"] {
		i, n, err := parseShard(o.shard)
		if err != nil {
			return nil, err
		}
		spec.opt.Shard, spec.opt.Shards = i, n
	}

	plan, err := bench.NewPlan(cfg)
	if err != nil {
		return nil, usagef("run: %s", strings.TrimPrefix(err.Error(), "bench: "))
	}
	spec.plan = plan
	return spec, nil
}

// parseData validates --data, --net, --target, --classes and --scale into
// data sources, reading each file so that a bad one is reported (with its
// line) before anything is written.
func parseData(o *runOptions, given map[string]bool) ([]bench.DataSource, error) {
	if len(o.data) == 0 {
		for _, f := range []string{"net", "target", "classes", "scale"} {
			if given[f] {
				return nil, usagef("--%s: applies to --data files, and none is given", f)
			}
		}
		return nil, nil
	}
	if len(o.nets) > 1 && len(o.nets) != len(o.data) {
		return nil, usagef("--net: given %d times for %d --data files; want one for all, or one per --data in order", len(o.nets), len(o.data))
	}
	if _, err := dataset.ParseScaling(o.scale); err != nil {
		return nil, usagef("--scale: want %s, got %q", strings.Join(dataset.ScalingNames(), ", "), o.scale)
	}
	var targets []string
	if given["target"] {
		for _, t := range strings.Split(o.target, ",") {
			if t = strings.TrimSpace(t); t == "" {
				return nil, usagef("--target: want comma-separated column names or 0-based indices, got %q", o.target)
			}
			targets = append(targets, t)
		}
	}
	var out []bench.DataSource
	for i, path := range o.data {
		if strings.TrimSpace(path) == "" {
			return nil, usagef("--data: want a CSV file, got an empty name")
		}
		// Cleaned, so that "./x.csv" and "x.csv" are the same source.
		d := bench.DataSource{Path: filepath.Clean(path), Targets: targets, Classes: o.classes}
		if o.scale != dataset.ZScore.String() {
			d.Scale = o.scale
		}
		switch len(o.nets) {
		case 1:
			d.Net = o.nets[0]
		case len(o.data):
			d.Net = o.nets[i]
		}
		if _, err := d.Problem(); err != nil {
			return nil, usagef("--data: %s", strings.TrimPrefix(err.Error(), "optim: "))
		}
		out = append(out, d)
	}
	return out, nil
}

// merge returns a copy of dst with the entries of src added.
func merge(dst, src map[string]int) map[string]int {
	out := maps.Clone(dst)
	if out == nil {
		out = map[string]int{}
	}
	maps.Copy(out, src)
	return out
}

// parseNames parses a comma-separated list of distinct names, each checked
// by lookup, whose error ("optim: unknown …; known: …") is reported.
func parseNames(flagName, s string, lookup func(string) error) ([]string, error) {
	var names []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if err := lookup(name); err != nil {
			return nil, usagef("%s: %s", flagName, strings.TrimPrefix(err.Error(), "optim: "))
		}
		if contains(names, name) {
			return nil, usagef("%s: %q listed twice", flagName, name)
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, usagef("%s: want a comma-separated list of names (see 'optbench list'), got %q", flagName, s)
	}
	return names, nil
}

// parsePrecision parses --precision: float32 and/or float64.
func parsePrecision(s string) ([]string, error) {
	want := strings.Join(optim.PrecisionNames(), " and/or ")
	var names []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if _, err := optim.ParsePrecision(name); err != nil {
			return nil, usagef("--precision: want %s, comma-separated, got %q", want, s)
		}
		if contains(names, name) {
			return nil, usagef("--precision: %q listed twice", name)
		}
		names = append(names, name)
	}
	return names, nil
}

// Caps of the flags of run and sweep.
const (
	maxSeeds   = 1_000_000
	maxBudget  = math.MaxInt32 // iterations or evaluations per run
	maxWorkers = 1 << 20
)

// parseBudget parses "N", "problem=N,…" or "N,problem=N,…". global is -1
// when s has no global value. The global value must be in [min, max],
// per-problem values in [1, max], and the problems among problems.
func parseBudget(flagName, s string, min, max int, problems []string) (global int, per map[string]int, err error) {
	global = -1
	per = map[string]int{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		name, val, ok := strings.Cut(item, "=")
		if !ok {
			if global >= 0 {
				return 0, nil, usagef("%s: two global values in %q; want N[,problem=N…]", flagName, s)
			}
			n, err := strconv.Atoi(item)
			if err != nil || n < min || n > max {
				return 0, nil, usagef("%s: want N[,problem=N…] with N an integer in [%d, %d], got %q", flagName, min, max, s)
			}
			global = n
			continue
		}
		name = strings.TrimSpace(name)
		if !contains(problems, name) {
			return 0, nil, usagef("%s: problem %q is not in the experiment (%s)", flagName, name, strings.Join(problems, ", "))
		}
		if _, dup := per[name]; dup {
			return 0, nil, usagef("%s: problem %q listed twice", flagName, name)
		}
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 1 || n > max {
			return 0, nil, usagef("%s: %s: want an integer in [1, %d], got %q", flagName, name, max, val)
		}
		per[name] = n
	}
	return global, per, nil
}

// parseShard parses "i/n" with 0 ≤ i < n.
func parseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || i < 0 || i >= n {
		return 0, 0, usagef("--shard: want i/n with 0 ≤ i < n, got %q", s)
	}
	return i, n, nil
}

// parseSet parses "optimizer.setting=value,…" and checks the settings of
// each optimizer together (ga.elite must stay below ga.population); the
// optimizers must be among optimizers.
func parseSet(s string, optimizers []string) (map[string]float64, error) {
	set := map[string]float64{}
	byMethod := map[string]map[string]float64{}
	var methods []optim.Method
	for _, item := range strings.Split(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		key, v, err := bench.ParseSetting(item)
		if err != nil {
			return nil, usagef("--set: %v", err)
		}
		mname, pname, _ := strings.Cut(key, ".")
		m, err := optim.LookupMethod(mname)
		if err != nil {
			return nil, usagef("--set: %s: %s", key, strings.TrimPrefix(err.Error(), "optim: "))
		}
		if !contains(optimizers, mname) {
			return nil, usagef("--set: %s: optimizer %s is not in the experiment (%s)", key, mname, strings.Join(optimizers, ", "))
		}
		if !contains(m.ParamNames(), pname) {
			return nil, usagef("--set: %s: %s has no setting %q; settings: %s", key, mname, pname, strings.Join(m.ParamNames(), ", "))
		}
		if _, dup := set[key]; dup {
			return nil, usagef("--set: %s set twice", key)
		}
		set[key] = v
		if byMethod[mname] == nil {
			byMethod[mname] = map[string]float64{}
			methods = append(methods, m)
		}
		byMethod[mname][pname] = v
	}
	if len(set) == 0 {
		return nil, usagef("--set: want optimizer.setting=value[,…], got %q", s)
	}
	for _, m := range methods {
		if _, err := m.New(byMethod[m.Name]); err != nil {
			return nil, usagef("--set: %s", strings.TrimPrefix(err.Error(), "optim: "))
		}
	}
	return set, nil
}
