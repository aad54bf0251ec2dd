package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim/catalog"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// golden compares got with testdata/name.golden, or rewrites the file
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "output differs from %s (go test -update rewrites it)", path)
}

// execute runs the command line args with ctx, returning what it printed.
func execute(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	var o, e bytes.Buffer
	err = dispatch(ctx, args, &o, &e)
	return o.String(), e.String(), err
}

func TestGoldenHelp(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"help", []string{"help"}},
		{"help-run", []string{"help", "run"}},
		{"help-summarize", []string{"help", "summarize"}},
		{"help-merge", []string{"help", "merge"}},
		{"help-report", []string{"help", "report"}},
		{"help-verify", []string{"help", "verify"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := execute(context.Background(), tt.args...)
			require.NoError(t, err)
			assert.Empty(t, errOut)
			golden(t, tt.name, []byte(out))
		})
	}
	// -h and --help print the command's help to stdout and succeed.
	for _, h := range []string{"-h", "--help"} {
		out, errOut, err := execute(context.Background(), "run", h)
		require.NoError(t, err)
		assert.Empty(t, errOut)
		help, _, _ := execute(context.Background(), "help", "run")
		assert.Equal(t, help, out)
	}
}

func TestGoldenList(t *testing.T) {
	out, errOut, err := execute(context.Background(), "list")
	require.NoError(t, err)
	assert.Empty(t, errOut)
	golden(t, "list", []byte(out))
}

// TestCLIUsageErrors checks that bad command lines fail at once, before any
// work, with a *usageError (exit status 2) naming the flag at fault.
func TestCLIUsageErrors(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	file := filepath.Join(tmp, "file")
	require.NoError(t, os.WriteFile(file, []byte("not a folder\n"), 0o644))
	base := []string{"run", "--out", out, "--problems", "xor", "--optimizers", "backprop,ga"}
	tests := []struct {
		name string
		args []string
	}{
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
		{"help unknown", []string{"help", "frobnicate"}},
		{"list argument", []string{"list", "x"}},
		{"unknown flag", append(base, "--bogus")},
		{"bad bool", append(base, "--force=maybe")},
		{"flag missing value", append(base, "--seeds")},
		{"positional", append(base, "extra")},
		{"no out", []string{"run", "--problems", "xor"}},
		{"unknown optimizer", []string{"run", "--out", out, "--optimizers", "backprop,foo"}},
		{"unknown problem", []string{"run", "--out", out, "--problems", "xor,nand"}},
		{"bad linsep", []string{"run", "--out", out, "--problems", "linsep-3"}},
		{"duplicate problem", []string{"run", "--out", out, "--problems", "xor,xor"}},
		{"empty optimizers", []string{"run", "--out", out, "--optimizers", ","}},
		{"seeds not a number", append(base, "--seeds", "x")},
		{"seeds zero", append(base, "--seeds", "0")},
		{"seeds too many", append(base, "--seeds", "2000000")},
		{"budget zero", append(base, "--budget", "0")},
		{"budget junk", append(base, "--budget", "1e5")},
		{"budget two globals", append(base, "--budget", "100,200")},
		{"budget unknown problem", append(base, "--budget", "100,nand=5")},
		{"budget problem not run", append(base, "--budget", "100,spirals=5")},
		{"budget bad per-problem", append(base, "--budget", "xor=0")},
		{"default budget problem not run", []string{"run", "--default", "--problems", "xor", "--budget", "spirals=300"}},
		{"eval budget negative", append(base, "--eval-budget", "-1")},
		{"plateau negative", append(base, "--plateau", "-5")},
		{"workers zero", append(base, "--workers", "0")},
		{"shard out of range", append(base, "--shard", "3/2")},
		{"shard junk", append(base, "--shard", "1")},
		{"set syntax", append(base, "--set", "population=3")},
		{"set not a number", append(base, "--set", "ga.population=lots")},
		{"set unknown optimizer", append(base, "--set", "adam.lr=1")},
		{"set optimizer not run", append(base, "--set", "rprop+.eta+=2")},
		{"set unknown setting", append(base, "--set", "ga.populaton=3")},
		{"set out of range", append(base, "--set", "ga.population=1")},
		{"set not an integer", append(base, "--set", "ga.population=2.5")},
		{"set inconsistent", append(base, "--set", "ga.population=10,ga.elite=10")},
		{"set twice", append(base, "--set", "ga.sigma=1,ga.sigma=2")},
		{"loss-eval unknown", append(base, "--loss-eval", "exact")},
		{"precision unknown", append(base, "--precision", "float16")},
		{"precision empty", append(base, "--precision", "")},
		{"precision twice", append(base, "--precision", "float32,float32")},
		{"precision float32 with gonum", []string{"run", "--out", out, "--problems", "xor", "--optimizers", "lbfgs", "--precision", "float32"}},
		{"seeds twice", append(base, "--seeds", "3", "--seeds", "4")},
		{"bool flag twice", append(base, "--quiet", "--quiet=false")},
		{"budget over the cap", append(base, "--budget", "1000000000000000000")},
		{"eval budget over the cap", append(base, "--eval-budget", "xor=3000000000")},
		{"workers over the cap", append(base, "--workers", "2000000")},
		{"out is a file", []string{"run", "--out", file, "--problems", "xor", "--optimizers", "backprop", "--seeds", "1", "--budget", "5"}},
		{"out is /dev/null", []string{"run", "--out", "/dev/null", "--problems", "xor", "--optimizers", "backprop", "--seeds", "1", "--budget", "5"}},
		{"out under /proc", []string{"run", "--out", "/proc/x", "--problems", "xor", "--optimizers", "backprop", "--seeds", "1", "--budget", "5"}},
		{"sweep out is a file", []string{"sweep", "--out", file, "--problem", "xor", "--optimizer", "backprop", "--grid", "lr=1,2", "--seeds", "1", "--budget", "5"}},
		{"merge out is a file", []string{"merge", "--out", file, "a", "b"}},
		{"summarize no dir", []string{"summarize"}},
		{"summarize empty dir", []string{"summarize", ""}},
		{"report empty dir", []string{"report", ""}},
		{"verify empty dir", []string{"verify", ""}},
		{"verify no dir", []string{"verify"}},
		{"merge no out", []string{"merge", "a", "b"}},
		{"merge no shards", []string{"merge", "--out", out}},
		{"report two dirs", []string{"report", "a", "b"}},
	}
	var log bytes.Buffer
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := execute(context.Background(), tt.args...)
			require.Error(t, err)
			var uerr *usageError
			require.True(t, errors.As(err, &uerr), "error %q (%T) is not a usage error", err, err)
			assert.Equal(t, 2, exitCode(err))
			assert.Empty(t, stdout)
			assert.NoDirExists(t, out, "a usage error started work")
			shown := slices.Clone(tt.args)
			for i, a := range shown {
				if a == "" {
					shown[i] = "''"
				}
			}
			entry := fmt.Sprintf("# %s\n$ %s\noptbench: %v\n\n", tt.name, strings.TrimSpace("optbench "+strings.Join(shown, " ")), err)
			fmt.Fprint(&log, strings.ReplaceAll(strings.ReplaceAll(entry, out, "$OUT"), tmp, "$TMP"))
		})
	}
	golden(t, "usage-errors", log.Bytes())
}

func TestCLIExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("disk full"), 1},
		{usagef("--seeds: bad"), 2},
		{fmt.Errorf("wrapped: %w", usagef("bad")), 2},
		{fmt.Errorf("bench: interrupted: %w", context.Canceled), 130},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, exitCode(tt.err), "exitCode(%v)", tt.err)
	}
}

// TestCLIDefaultConfig checks --default and the flags that override it.
func TestCLIDefaultConfig(t *testing.T) {
	all := catalog.DefaultProblems
	tests := []struct {
		name        string
		args        []string
		out         string
		budget      int
		budgets     map[string]int
		evalBudget  int
		evalBudgets map[string]int
		keepGoing   bool
		problems    []string
	}{
		{name: "default", args: []string{"--default"}, out: defaultOut, budget: 100000,
			budgets:    map[string]int{"parity4": 20000, "spirals": 1000, "linsep-128x8": 3000, "iris": 2000, "teacher": 20000},
			evalBudget: 100001, evalBudgets: map[string]int{"parity4": 20001, "spirals": 1001, "linsep-128x8": 3001, "iris": 2001, "teacher": 20001},
			keepGoing: true, problems: all},
		{name: "fewer problems", args: []string{"--default", "--problems", "xor,spirals", "--out", "x"}, out: "x", budget: 100000,
			budgets: map[string]int{"spirals": 1000}, evalBudget: 100001, evalBudgets: map[string]int{"spirals": 1001},
			keepGoing: true, problems: []string{"xor", "spirals"}},
		{name: "global budget", args: []string{"--default", "--budget", "5000", "--keep-going=false"}, out: defaultOut,
			budget: 5000, evalBudget: 5001, problems: all},
		{name: "per-problem budget", args: []string{"--default", "--budget", "spirals=300"}, out: defaultOut, budget: 100000,
			budgets:    map[string]int{"parity4": 20000, "spirals": 300, "linsep-128x8": 3000, "iris": 2000, "teacher": 20000},
			evalBudget: 100001, evalBudgets: map[string]int{"parity4": 20001, "spirals": 301, "linsep-128x8": 3001, "iris": 2001, "teacher": 20001},
			keepGoing: true, problems: all},
		{name: "explicit eval budget", args: []string{"--default", "--eval-budget", "0,spirals=9000"}, out: defaultOut,
			budget: 100000, budgets: map[string]int{"parity4": 20000, "spirals": 1000, "linsep-128x8": 3000, "iris": 2000, "teacher": 20000},
			evalBudgets: map[string]int{"spirals": 9000}, keepGoing: true, problems: all},
		{name: "no default", args: []string{"--out", "y", "--budget", "100000,spirals=500"}, out: "y", budget: 100000,
			budgets: map[string]int{"spirals": 500}, problems: all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, o := newRunFlags(io.Discard)
			pos, err := parseArgs(fs, tt.args)
			require.NoError(t, err)
			spec, err := parseRun(fs, o, pos)
			require.NoError(t, err)
			c := spec.plan.Config
			assert.Equal(t, tt.out, spec.out)
			assert.Equal(t, tt.problems, c.Problems)
			assert.Equal(t, tt.budget, c.Budget)
			assert.Equal(t, tt.evalBudget, c.EvalBudget)
			assert.Equal(t, tt.keepGoing, c.KeepGoing)
			if len(tt.budgets) > 0 || len(c.Budgets) > 0 {
				assert.Equal(t, tt.budgets, c.Budgets)
			}
			if len(tt.evalBudgets) > 0 || len(c.EvalBudgets) > 0 {
				assert.Equal(t, tt.evalBudgets, c.EvalBudgets)
			}
		})
	}
	c := defaultConfig()
	assert.Empty(t, c.Problems, "the default experiment runs catalog.DefaultProblems")
	assert.Empty(t, c.Optimizers, "the default experiment runs catalog.DefaultOptimizers")
	assert.Equal(t, 30, c.Seeds)
}

// TestCLILossEval checks --loss-eval: careful unless plain is asked for,
// with or without --default, and part of the configuration's hash.
func TestCLILossEval(t *testing.T) {
	hashes := map[string]string{}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", "x"}, "careful"},
		{[]string{"--default"}, "careful"},
		{[]string{"--out", "x", "--loss-eval", "careful"}, "careful"},
		{[]string{"--out", "x", "--loss-eval", "plain"}, "plain"},
		{[]string{"--default", "--loss-eval=plain"}, "plain"},
	} {
		fs, o := newRunFlags(io.Discard)
		pos, err := parseArgs(fs, tt.args)
		require.NoError(t, err)
		spec, err := parseRun(fs, o, pos)
		require.NoError(t, err)
		assert.Equal(t, tt.want, spec.plan.Config.LossEval, "%v", tt.args)
		for _, task := range spec.plan.Tasks {
			require.Equal(t, tt.want, task.LossEval.String(), "%v", tt.args)
		}
		if tt.args[0] == "--out" {
			hashes[tt.want] = spec.plan.Config.Hash()
		}
	}
	assert.NotEqual(t, hashes["careful"], hashes["plain"], "the loss arithmetic is part of the configuration")
}

// TestCLIPrecision checks --precision: float64 unless asked, float32 too on
// celsius and seed3 in the default experiment, and --precision replacing
// the default's per-problem precisions.
func TestCLIPrecision(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want map[string][]string // problem → precisions of its tasks
	}{
		{[]string{"--out", "x", "--problems", "xor,seed3"}, map[string][]string{"xor": {"float64"}, "seed3": {"float64"}}},
		{[]string{"--out", "x", "--problems", "xor,seed3", "--precision", "float32"}, map[string][]string{"xor": {"float32"}, "seed3": {"float32"}}},
		{[]string{"--out", "x", "--problems", "xor", "--precision", "float32,float64"}, map[string][]string{"xor": {"float32", "float64"}}},
		{[]string{"--default", "--problems", "xor,seed3,celsius"}, map[string][]string{"xor": {"float64"}, "seed3": {"float64", "float32"}, "celsius": {"float64", "float32"}}},
		{[]string{"--default", "--problems", "xor,seed3", "--precision", "float64"}, map[string][]string{"xor": {"float64"}, "seed3": {"float64"}}},
	} {
		fs, o := newRunFlags(io.Discard)
		pos, err := parseArgs(fs, tt.args)
		require.NoError(t, err)
		spec, err := parseRun(fs, o, pos)
		require.NoError(t, err, "%v", tt.args)
		got := map[string][]string{}
		for _, task := range spec.plan.Tasks {
			if task.Seed == 1 && task.Method.Name == "backprop" {
				got[task.Problem.Name] = append(got[task.Problem.Name], task.Precision)
			}
		}
		assert.Equal(t, tt.want, got, "%v", tt.args)
	}
}

var (
	timingRE = regexp.MustCompile(`\d[\d.e+-]*(ns|µs|ms|s)\n`)
	tmpRE    = regexp.MustCompile(`\S*/(unsharded|merged)\b`)
)

// maskRun hides what depends on the machine (time per iteration) and the
// temporary folder in the output of run, merge and summarize.
func maskRun(out string) string {
	out = tmpRE.ReplaceAllString(out, "$$DIR/$1")
	return timingRE.ReplaceAllString(out, "T\n")
}

// tableOf returns the headline table in out: from its header to the
// blank line before the legend.
func tableOf(t *testing.T, out string) string {
	t.Helper()
	i := strings.Index(out, "problem ")
	require.GreaterOrEqual(t, i, 0, "no headline table in\n%s", out)
	j := strings.Index(out[i:], "\n\n")
	require.Greater(t, j, 0)
	return out[i : i+j+1]
}

// TestRunEndToEnd runs a tiny experiment, then the same as two shards that
// it merges, and summarizes the result: the headline tables must agree.
func TestRunEndToEnd(t *testing.T) {
	root := t.TempDir()
	ctx := context.Background()
	args := []string{"--problems", "seed3,xor", "--optimizers", "backprop,irprop+", "--seeds", "3", "--budget", "200", "--quiet"}
	dir := filepath.Join(root, "unsharded")
	out, errOut, err := execute(ctx, append([]string{"run", "--out", dir, "--workers", "2"}, args...)...)
	require.NoError(t, err)
	assert.Empty(t, errOut, "--quiet, and stderr is not a terminal")
	for _, f := range []string{bench.ManifestFile, bench.RunsFile, bench.TraceFile, bench.SummaryFile,
		bench.TargetsFile, bench.CompareFile, bench.BenchFile} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	table := tableOf(t, out)
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	require.Len(t, lines, 1+2*2, "a header and a row per problem × optimizer:\n%s", table)
	assert.Equal(t, []string{"problem", "optimizer", "target", "solved", "rate", "(95%", "CI)", "iters", "evals",
		"final", "loss", "ends", "(runs,", "median", "best", "loss)", "time/iter"}, strings.Fields(lines[0]))
	for _, l := range lines[1:] {
		assert.Regexp(t, `^(seed3|xor) +(backprop|irprop\+) +(loss_1e-\d\d|classified) +\d/3 +\d+% \(\d+–\d+%\) `, l)
	}
	// The numbers are bit-identical across runs on one architecture; others
	// may fuse multiply-adds and differ in the last bits.
	if runtime.GOARCH == "amd64" {
		golden(t, "run", []byte(maskRun(out)))
	}

	// Shards, in any order, merged: the same table.
	var shards []string
	for _, i := range []int{1, 0} {
		d := filepath.Join(root, fmt.Sprintf("shard%d", i))
		sout, _, err := execute(ctx, append([]string{"run", "--out", d, "--shard", fmt.Sprintf("%d/2", i)}, args...)...)
		require.NoError(t, err)
		assert.Contains(t, sout, fmt.Sprintf("shard %d/2 done", i))
		shards = append(shards, d)
	}
	merged := filepath.Join(root, "merged")
	mout, _, err := execute(ctx, append([]string{"merge", "--out", merged}, shards...)...)
	require.NoError(t, err)
	assert.Contains(t, mout, "merged 2 shards into "+merged)
	assert.Equal(t, maskRun(table), maskRun(tableOf(t, mout)))

	// summarize recomputes the same table and the summaries.
	require.NoError(t, os.Remove(filepath.Join(merged, bench.SummaryFile)))
	sout, serr, err := execute(ctx, "summarize", merged)
	require.NoError(t, err)
	assert.Empty(t, serr)
	assert.Equal(t, maskRun(table), maskRun(tableOf(t, sout)))
	assert.FileExists(t, filepath.Join(merged, bench.SummaryFile))

	// Merging into a shard folder is refused (exit status 1, not 2).
	_, _, err = execute(ctx, append([]string{"merge", "--out", shards[0]}, shards...)...)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
}

// TestRunInterrupted checks that a cancelled run exits with status 130 and
// says how to resume, and that rerunning completes it.
func TestRunInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	args := []string{"run", "--out", dir, "--problems", "xor", "--optimizers", "backprop", "--seeds", "2", "--budget", "100", "--quiet"}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := execute(ctx, args...)
	require.Error(t, err)
	assert.Equal(t, 130, exitCode(err))
	assert.Contains(t, err.Error(), "rerun the same command to resume")

	out, _, err := execute(context.Background(), args...)
	require.NoError(t, err)
	assert.Contains(t, out, "results in "+dir)
	m, err := bench.ReadManifest(dir)
	require.NoError(t, err)
	assert.True(t, m.Complete)
}

// TestRunSummarizeIncomplete checks that summarize warns about a folder
// with unfinished runs.
func TestRunSummarizeIncomplete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	_, _, err := execute(context.Background(), "run", "--out", dir, "--problems", "xor", "--optimizers", "backprop",
		"--seeds", "2", "--budget", "100", "--quiet")
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(dir, bench.RunsFile))
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), []byte(strings.Join(lines[:len(lines)-2], "")), 0o644))
	// In a finished folder, a missing row is damage: refused.
	_, _, err = execute(context.Background(), "summarize", dir)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, err.Error(), "runs.csv: no row for run xor/backprop/seed 2")
	// In an unfinished one (as left by an interrupted append), a warning.
	m, err := bench.ReadManifest(dir)
	require.NoError(t, err)
	m.Complete = false
	data, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, bench.ManifestFile), data, 0o644))
	out, errOut, err := execute(context.Background(), "summarize", dir)
	require.NoError(t, err)
	assert.Contains(t, errOut, "incomplete (1 of 2 runs)")
	assert.Contains(t, out, "summaries of 1 runs")

	_, _, err = execute(context.Background(), "summarize", filepath.Join(dir, "nope"))
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
}
