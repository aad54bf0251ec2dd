package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/report"
)

func TestGoldenHelpSweep(t *testing.T) {
	out, errOut, err := execute(context.Background(), "help", "sweep")
	require.NoError(t, err)
	assert.Empty(t, errOut)
	golden(t, "help-sweep", []byte(out))
	help, _, _ := execute(context.Background(), "help")
	assert.Contains(t, help, "\n  sweep ")
}

// TestSweepUsageErrors checks that bad sweep command lines fail at once,
// before any work, with a *usageError (exit status 2) naming the flag at
// fault and what it allows.
func TestSweepUsageErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	with := func(s []string, more ...string) []string { return append(append([]string(nil), s...), more...) }
	base := []string{"sweep", "--out", out, "--problem", "xor", "--optimizer", "ga"}
	grid := with(base, "--grid", "population=10,20")
	tests := []struct {
		name string
		args []string
	}{
		{"positional", with(grid, "extra")},
		{"no out", []string{"sweep", "--problem", "xor", "--optimizer", "ga", "--grid", "sigma=1"}},
		{"no problem", []string{"sweep", "--out", out, "--optimizer", "ga", "--grid", "sigma=1"}},
		{"no optimizer", []string{"sweep", "--out", out, "--problem", "xor", "--grid", "sigma=1"}},
		{"no grid", base},
		{"unknown problem", []string{"sweep", "--out", out, "--problem", "nand", "--optimizer", "ga", "--grid", "sigma=1"}},
		{"unknown optimizer", []string{"sweep", "--out", out, "--problem", "xor", "--optimizer", "sgd", "--grid", "lr=1"}},
		{"grid empty", with(base, "--grid", " ")},
		{"grid no values", with(base, "--grid", "sigma")},
		{"grid not a number", with(base, "--grid", "sigma=0.1,big")},
		{"grid value twice", with(base, "--grid", "sigma=0.1,0.10")},
		{"grid three settings", with(base, "--grid", "sigma=1:population=10:elite=1")},
		{"grid setting twice", with(base, "--grid", "sigma=1:sigma=2")},
		{"grid unknown setting", with(base, "--grid", "lr=0.1,1")},
		{"grid other optimizer", with(base, "--grid", "backprop.lr=0.1,1")},
		{"grid bad value", with(base, "--grid", "sigma=0.1,-1")},
		{"grid inconsistent point", with(base, "--grid", "population=2,10")},
		{"grid too big", with(base, "--grid", "population=10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30:sigma=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20")},
		{"target unknown", with(grid, "--target", "loss_1e-13")},
		{"target not applicable", with(grid, "--target", "param_1e-07")},
		{"set swept", with(grid, "--set", "ga.population=20")},
		{"set other optimizer", with(grid, "--set", "backprop.lr=1")},
		{"set unknown setting", with(grid, "--set", "ga.populaton=3")},
		{"set syntax", with(grid, "--set", "sigma=3")},
		{"seeds zero", with(grid, "--seeds", "0")},
		{"budget junk", with(grid, "--budget", "1e4")},
		{"eval budget negative", with(grid, "--eval-budget", "-1")},
		{"plateau negative", with(grid, "--plateau", "-1")},
		{"workers zero", with(grid, "--workers", "0")},
		{"default with grid", []string{"sweep", "--default", "--grid", "lr=1"}},
		{"default with optimizer", []string{"sweep", "--default", "--optimizer", "ga"}},
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
			flagName := regexp.MustCompile(`^(sweep: |--[a-z-]+: )`)
			assert.Regexp(t, flagName, err.Error(), "the message names the flag")
			cmd := strings.Join(tt.args, " ")
			fmt.Fprintf(&log, "# %s\n$ %s\noptbench: %v\n\n", tt.name, "optbench "+strings.ReplaceAll(cmd, out, "$OUT"), err)
		})
	}
	golden(t, "sweep-usage-errors", log.Bytes())
}

// TestSweepDefaultConfig checks --default and the flags that override it,
// without running anything.
func TestSweepDefaultConfig(t *testing.T) {
	parse := func(args ...string) []*sweepSpec {
		t.Helper()
		fs, o := newSweepFlags(io.Discard)
		pos, err := parseArgs(fs, args)
		require.NoError(t, err)
		specs, err := parseSweep(fs, o, pos)
		require.NoError(t, err)
		return specs
	}
	specs := parse("--default")
	require.Len(t, specs, len(defaultSweeps))
	var names []string
	for i, s := range specs {
		c := s.plan.Config
		assert.Equal(t, filepath.Join(defaultSweepOut, defaultSweeps[i].name), s.out)
		wantProblem, wantTarget := "xor", "classified"
		if defaultSweeps[i].problem != "" {
			wantProblem, wantTarget = defaultSweeps[i].problem, "param_1e-07"
		}
		assert.Equal(t, wantProblem, c.Problem)
		assert.Equal(t, defaultSweepSeeds, c.Seeds)
		assert.Equal(t, defaultSweepBudget, c.Budget)
		assert.Equal(t, defaultSweepBudget+initEvals, c.EvalBudget)
		assert.Equal(t, wantTarget, c.Target)
		names = append(names, c.Problem+"/"+c.Optimizer)
		// Each default grid holds the optimizer's default setting.
		assert.True(t, holdsDefault(t, s.plan), "%s's grid should hold its default", c.Optimizer)
	}
	assert.Equal(t, []string{"xor/backprop", "xor/irprop-", "xor/ga", "celsius/irprop-"}, names)

	specs = parse("--default", "--out", "x", "--seeds", "3", "--budget", "100", "--workers", "1")
	for i, s := range specs {
		assert.Equal(t, filepath.Join("x", defaultSweeps[i].name), s.out)
		assert.Equal(t, 3, s.plan.Config.Seeds)
		assert.Equal(t, 100, s.plan.Config.Budget)
		assert.Equal(t, 101, s.plan.Config.EvalBudget, "the evaluation budget follows --budget")
		assert.Equal(t, 1, s.opt.Workers)
	}

	specs = parse("--out", "y", "--problem", "celsius", "--optimizer", "irprop+", "--grid", "irprop+.eta+=1.1,1.2",
		"--eval-budget", "0", "--set", "irprop+.delta0=0.5", "--plateau", "0")
	require.Len(t, specs, 1)
	c := specs[0].plan.Config
	assert.Equal(t, bench.DefaultSweepSeeds, c.Seeds)
	assert.Equal(t, bench.DefaultSweepBudget, c.Budget)
	assert.Zero(t, c.EvalBudget)
	assert.Equal(t, -1, c.PlateauMin)
	assert.Equal(t, "param_1e-07", c.Target, "celsius's headline target")
	assert.Equal(t, []bench.Axis{{Setting: "eta+", Values: []float64{1.1, 1.2}}}, c.Axes)
	assert.Equal(t, map[string]float64{"irprop+.delta0": 0.5}, c.Set)
}

// holdsDefault reports whether one of the plan's grid points uses the
// optimizer's default settings on the problem.
func holdsDefault(t *testing.T, sp *bench.SweepPlan) bool {
	t.Helper()
	def, err := bench.NewPlan(bench.Config{Problems: []string{sp.Config.Problem}, Optimizers: []string{sp.Config.Optimizer}, Seeds: 1})
	require.NoError(t, err)
	for _, p := range sp.Plans {
		if p.Tasks[0].Canonical == def.Tasks[0].Canonical {
			return true
		}
	}
	return false
}

var sweepDirRE = regexp.MustCompile(`\S*/tiny\b`)

// TestSweepEndToEnd runs a 2×2 grid × 2 seeds through the command line:
// the files, the printed grids (golden on amd64), resuming, and refusing
// another grid in the same folder.
func TestSweepEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tiny")
	args := []string{"sweep", "--out", dir, "--problem", "xor", "--optimizer", "irprop-", "--grid", "delta0=0.05,0.5:eta+=1.2,1.5",
		"--seeds", "2", "--budget", "300", "--quiet"}
	out, errOut, err := execute(context.Background(), args...)
	require.NoError(t, err)
	assert.Empty(t, errOut)
	for _, f := range []string{bench.SweepFile, bench.SweepCSVFile, report.SweepReportFile, "heatmap-success.png", "heatmap-evals.png",
		filepath.Join("point-0", bench.RunsFile), filepath.Join("point-3", bench.TargetsFile)} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	assert.Contains(t, out, "sweep of irprop- on xor over delta0 × eta+: 4 grid points × 2 seeds = 8 runs into "+dir)
	assert.Contains(t, out, "eta+ \\ delta0")
	assert.Regexp(t, `tuneability T = mean success / best success = (\d\.\d\d|–)`, out)
	if runtime.GOARCH == "amd64" {
		golden(t, "sweep", []byte(sweepDirRE.ReplaceAllString(out, "$$DIR")))
	}

	// The same command resumes: the same output, nothing rerun.
	csv1, err := os.ReadFile(filepath.Join(dir, bench.SweepCSVFile))
	require.NoError(t, err)
	out2, _, err := execute(context.Background(), args...)
	require.NoError(t, err)
	assert.Equal(t, out, out2)
	csv2, err := os.ReadFile(filepath.Join(dir, bench.SweepCSVFile))
	require.NoError(t, err)
	assert.Equal(t, string(csv1), string(csv2))

	// Another grid into the folder: refused (exit status 1) until --force.
	other := append(append([]string(nil), args[:8]...), "delta0=0.1", "--seeds", "2", "--budget", "300", "--quiet")
	_, _, err = execute(context.Background(), other...)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, message(err), "use --force to move the folder's files aside")
	_, _, err = execute(context.Background(), append(other, "--force")...)
	require.NoError(t, err)
	assert.NoDirExists(t, filepath.Join(dir, "point-3"))
}

// TestSweepInterrupted checks that a cancelled sweep exits with status
// 130 and says how to resume.
func TestSweepInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := execute(ctx, "sweep", "--out", dir, "--problem", "xor", "--optimizer", "backprop", "--grid", "lr=1,2",
		"--seeds", "2", "--budget", "100", "--quiet")
	require.Error(t, err)
	assert.Equal(t, 130, exitCode(err))
	assert.Contains(t, err.Error(), "rerun the same command to resume")
}
