package report

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// runTiny runs a small experiment (2 problems × 2 optimizers × 3 seeds)
// into a temporary folder.
func runTiny(t *testing.T, problems, optimizers []string) string {
	t.Helper()
	dir := t.TempDir()
	plan, err := bench.NewPlan(bench.Config{Problems: problems, Optimizers: optimizers, Seeds: 3,
		Budget: 300, KeepGoing: true, PlateauMin: 50})
	require.NoError(t, err)
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{Workers: 2}))
	return dir
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// TestWriteEndToEnd runs a tiny experiment and the report into a temp dir
// and checks every expected file: the results files, one PNG per chart
// (with SVG on request), and a REPORT.md that embeds exactly the charts
// drawn, has the headline and comparison tables and the generated
// sentences.
func TestWriteEndToEnd(t *testing.T) {
	problems := []string{"celsius", "xor"}
	opts := []string{"irprop-", "ga"}
	dir := runTiny(t, problems, opts)
	var log bytes.Buffer
	require.NoError(t, Write(dir, &log, Options{SVG: true}))

	for _, f := range []string{"runs.csv", "trace.csv", "summary.csv", "targets.csv", "compare.csv", "results.bench", "manifest.json", ReportFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, f)
		assert.Greater(t, st.Size(), int64(0), f)
	}
	var want []string
	for _, p := range problems {
		want = append(want, "convergence-"+p+"-iters", "convergence-"+p+"-evals", "convergence-"+p+"-seconds",
			"precision-"+p, "ecdf-"+p, "final-"+p, "speed-"+p+"-iter", "speed-"+p+"-eval")
	}
	want = append(want, "landscape-celsius", "ecdf-all", "profile-data", "verdict-cd", "verdict-profile", "a12-celsius", "a12-xor",
		"outcomes-xor") // xor splits: some seeds solve it, some do not
	md, err := os.ReadFile(filepath.Join(dir, ReportFile))
	require.NoError(t, err)
	for _, name := range want {
		data, err := os.ReadFile(filepath.Join(dir, name+".png"))
		require.NoError(t, err, name)
		assert.True(t, bytes.HasPrefix(data, pngMagic), "%s.png is not a PNG", name)
		svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
		require.NoError(t, err, name)
		assert.Contains(t, string(svg[:min(len(svg), 512)]), "<svg", name)
		assert.Contains(t, string(md), "]("+name+".png)", "REPORT.md should embed %s", name)
		assert.Contains(t, log.String(), filepath.Join(dir, name+".png"))
	}
	// Every embedded image exists, and there are no others.
	imgs := regexp.MustCompile(`\]\(([^)]+\.png)\)`).FindAllStringSubmatch(string(md), -1)
	assert.Len(t, imgs, len(want))
	assert.NotContains(t, string(md), "landscape-xor", "xor has 9 parameters: no landscape")

	text := string(md)
	for _, s := range []string{"## What was run", "## What the data shows", "## Headline results", "## Pairwise comparisons",
		"### `celsius` — headline target `param_1e-07`", "### `xor` — headline target `classified`",
		"| `irprop-` |", "| `ga` |", "Why the runs on `celsius`", "Why the runs on `xor`",
		"## Verdict", "a failed run those it spent until it stopped — its budget only if it ran to the budget", "aRT (evals) [95% CI]",
		"Charging every failed run its whole budget instead of what it spent (so that the plateau rule cannot make failures cheap), the mean ranks are"} {
		assert.Contains(t, text, s)
	}
	// One A12 matrix per problem instead of the pairwise tables, and one
	// line per problem on what the paired tests establish.
	assert.NotContains(t, text, "| irprop- | ga |")
	assert.Equal(t, 2, strings.Count(text, "the sign test orders"))
	assert.NotContains(t, text, "NaN")
}

// TestWriteRefusesUnfinished checks that a folder whose experiment did not
// finish is refused with a message saying how to finish it.
func TestWriteRefusesUnfinished(t *testing.T) {
	dir := t.TempDir()
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"seed3"}, Optimizers: []string{"backprop"}, Seeds: 4, Budget: 100})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	err = bench.Run(ctx, plan, dir, bench.Options{Workers: 1, Progress: func(done, total int) {
		if done >= 2 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	err = Write(dir, &bytes.Buffer{}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unfinished")

	err = Write(filepath.Join(dir, "missing"), &bytes.Buffer{}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "manifest.json")
}

// TestDivergedRunsAreCounted checks that diverged runs are reported in the
// findings and chart captions instead of being dropped silently.
func TestDivergedRunsAreCounted(t *testing.T) {
	dir := t.TempDir()
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"celsius"}, Optimizers: []string{"backprop", "irprop-"},
		Seeds: 3, Budget: 200, Set: map[string]float64{"backprop.lr": 1}})
	require.NoError(t, err)
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{}))
	require.NoError(t, Write(dir, &bytes.Buffer{}, Options{}))
	md, err := os.ReadFile(filepath.Join(dir, ReportFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "`backprop` diverged in 3 of 3 runs")
	assert.Contains(t, string(md), "Diverged runs (loss +∞ from their divergence on): backprop 3 of 3")
}

// TestNoHiddenSeries fails when a chart has a series with no visible
// point or whose last point (the run's result) is not drawn. On seed3 Rprop reaches a loss of exactly 0 within ~50 iterations:
// its curves must be drawn down into the "= 0" strip, not vanish.
func TestNoHiddenSeries(t *testing.T) {
	dir := t.TempDir()
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"seed3", "celsius"}, Optimizers: []string{"rprop+", "backprop", "ga"},
		Seeds: 3, Budget: 3000, KeepGoing: true, PlateauMin: 50, LossEval: "careful"})
	require.NoError(t, err)
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{Workers: 2}))
	w, err := write(context.Background(), dir, &bytes.Buffer{}, Options{})
	require.NoError(t, err)
	// The premise: rprop+ ends at a loss of exactly 0 on seed3.
	zeros := 0
	for _, r := range w.e.group("seed3", "rprop+").Runs {
		if r.BestLoss == 0 {
			zeros++
		}
	}
	require.Equal(t, 3, zeros, "rprop+ no longer reaches 0 on seed3: the test checks nothing")
	n := 0
	for section, cs := range w.charts {
		for _, c := range cs {
			n++
			assert.Empty(t, c.Hidden, "%s: %s has series whose result is not drawn", section, c.File)
		}
	}
	assert.Greater(t, n, 10)
	md, err := os.ReadFile(filepath.Join(dir, ReportFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "Values a log axis cannot show are drawn in the shaded strip below it: exact zeros and losses below")
	assert.Contains(t, string(md), "runs ending there: rprop+ 3/3")
}

// TestWriteContextCancelled checks that a cancelled report stops before
// its next chart, returns the context's error, and leaves REPORT.md as it
// was.
func TestWriteContextCancelled(t *testing.T) {
	dir := runTiny(t, []string{"seed3"}, []string{"irprop-"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WriteContext(ctx, dir, io.Discard, Options{})
	require.ErrorIs(t, err, context.Canceled)
	_, statErr := os.Stat(filepath.Join(dir, ReportFile))
	assert.True(t, os.IsNotExist(statErr), "REPORT.md written after cancellation")
}

// TestStepBoundMeasured checks that a floor at Rprop's step-size bound is
// backed by a measurement when a sweep over delta-min on that problem was
// run: the finding cites the sweep's success at each delta-min.
func TestStepBoundMeasured(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "exp")
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"celsius"}, Optimizers: []string{"irprop-"},
		Seeds: 3, Budget: 3000, KeepGoing: true, PlateauMin: 200})
	require.NoError(t, err)
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{}))
	sp, err := bench.NewSweep(bench.SweepConfig{Problem: "celsius", Optimizer: "irprop-", Seeds: 3, Budget: 500,
		Axes: []bench.Axis{{Setting: "delta-min", Values: []float64{1e-6, 0}}}})
	require.NoError(t, err)
	sweep := filepath.Join(root, SweepsDir, "dmin")
	require.NoError(t, bench.RunSweep(context.Background(), sp, sweep, bench.Options{}))
	w, err := write(context.Background(), dir, io.Discard, Options{Sweeps: []string{sweep}})
	require.NoError(t, err)
	md := string(w.markdown())
	assert.Contains(t, md, "at its step-size bound delta-min = 1e-06")
	assert.Regexp(t, "measured in the sweep `dmin` \\(3 seeds, budget 500\\), runs reaching `param_1e-07` by delta-min: delta-min = 1e-06: 0/3; delta-min = 0 \\(none\\): 3/3", md)
}
