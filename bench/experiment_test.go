package bench_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// xpConfig is a small experiment: 2 problems × 2 optimizers × 6 seeds, with
// runs that stop at their targets (irprop-) and runs that use their whole
// budget (backprop).
var xpConfig = bench.Config{Problems: []string{"seed3", "xor"}, Optimizers: []string{"irprop-", "backprop"},
	Seeds: 6, Budget: 2000}

func xpPlan(t testing.TB, cfg bench.Config) *bench.Plan {
	t.Helper()
	plan, err := bench.NewPlan(cfg)
	require.NoError(t, err)
	return plan
}

func xpRun(t testing.TB, cfg bench.Config, dir string, opt bench.Options) {
	t.Helper()
	require.NoError(t, bench.Run(context.Background(), xpPlan(t, cfg), dir, opt))
}

// xpTimed lists the columns of a results file that depend on the machine's
// speed: bench.TimingColumns, plus the seconds medians of the summaries.
func xpTimed(header []string) []int {
	drop := bench.TimingColumns(header)
	for i, h := range header {
		if h == "seconds_median" {
			drop = append(drop, i)
		}
	}
	return drop
}

// xpUntimed returns CSV content without its timing columns.
func xpUntimed(t testing.TB, data []byte) string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows)
	drop := xpTimed(rows[0])
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, row := range rows {
		var keep []string
		for i, v := range row {
			if !slices.Contains(drop, i) {
				keep = append(keep, v)
			}
		}
		require.NoError(t, w.Write(keep))
	}
	w.Flush()
	return buf.String()
}

// xpFile returns dir/name without its timing columns.
func xpFile(t testing.TB, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return xpUntimed(t, data)
}

// xpSameResults checks that two complete results folders hold the same
// results, timing aside.
func xpSameResults(t *testing.T, want, got string) {
	t.Helper()
	for _, name := range []string{bench.RunsFile, bench.TraceFile, bench.SummaryFile, bench.TargetsFile, bench.CompareFile} {
		assert.Equal(t, xpFile(t, want, name), xpFile(t, got, name), "%s differs", name)
	}
	m, err := bench.ReadManifest(got)
	require.NoError(t, err)
	assert.True(t, m.Complete, "manifest not complete")
}

// xpLines returns the data lines of dir/name (without header), untimed.
func xpLines(t testing.TB, dir, name string) []string {
	t.Helper()
	ls := strings.Split(strings.TrimSuffix(xpFile(t, dir, name), "\n"), "\n")
	return ls[1:]
}

// xpInterrupt runs cfg into dir and cancels the context once k runs are
// done; it returns the number of runs on disk.
func xpInterrupt(t *testing.T, cfg bench.Config, dir string, k int) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := bench.Run(ctx, xpPlan(t, cfg), dir, bench.Options{Workers: 2, Progress: func(done, total int) {
		if done >= k {
			cancel()
		}
	}})
	require.Error(t, err)
	require.True(t, errors.Is(err, context.Canceled), "err = %v, want it to wrap context.Canceled", err)
	m, err := bench.ReadManifest(dir)
	require.NoError(t, err)
	assert.False(t, m.Complete)
	for _, name := range []string{bench.SummaryFile, bench.TargetsFile, bench.CompareFile, bench.BenchFile} {
		assert.NoFileExists(t, filepath.Join(dir, name))
	}
	recs, err := bench.LoadRuns(dir)
	require.NoError(t, err)
	return len(recs)
}

func TestRunResumeAfterCancel(t *testing.T) {
	ref := t.TempDir()
	xpRun(t, xpConfig, ref, bench.Options{Workers: 2})
	total := len(xpPlan(t, xpConfig).Tasks)
	refRuns := xpLines(t, ref, bench.RunsFile)
	require.Len(t, refRuns, total)

	for _, k := range []int{1, 5, total / 2} {
		dir := t.TempDir()
		n := xpInterrupt(t, xpConfig, dir, k)
		assert.GreaterOrEqual(t, n, k)
		assert.Less(t, n, total, "cancelling after %d runs stopped nothing", k)
		// Every run on disk is a run of the uninterrupted experiment, with
		// its whole trajectory; its end column is empty until the final
		// rewrite, which judges every run's end against all of them.
		for _, l := range xpLines(t, dir, bench.RunsFile) {
			require.True(t, strings.HasSuffix(l, ","), "an appended row has an empty end: %s", l)
			found := false
			for _, r := range refRuns {
				found = found || strings.HasPrefix(r, l)
			}
			assert.True(t, found, "run not in the uninterrupted experiment: %s", l)
		}
		refTrace := xpLines(t, ref, bench.TraceFile)
		for _, l := range xpLines(t, dir, bench.TraceFile) {
			assert.Contains(t, refTrace, l)
		}

		// Resume with another worker count: the runs on disk are kept.
		var first []int
		err := bench.Run(context.Background(), xpPlan(t, xpConfig), dir, bench.Options{Workers: 3,
			Progress: func(done, total int) { first = append(first, done) }})
		require.NoError(t, err)
		require.NotEmpty(t, first)
		assert.Equal(t, n, first[0], "runs found on disk")
		assert.Equal(t, total, first[len(first)-1])
		assert.Len(t, first, total-n+1, "runs redone")
		xpSameResults(t, ref, dir)
	}
}

// TestRunResumeComplete reruns a finished experiment: nothing is redone and
// nothing changes.
func TestRunResumeComplete(t *testing.T) {
	dir := t.TempDir()
	xpRun(t, xpConfig, dir, bench.Options{})
	before, err := os.ReadFile(filepath.Join(dir, bench.RunsFile))
	require.NoError(t, err)
	var calls [][2]int
	require.NoError(t, bench.Run(context.Background(), xpPlan(t, xpConfig), dir, bench.Options{
		Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }}))
	total := len(xpPlan(t, xpConfig).Tasks)
	assert.Equal(t, [][2]int{{total, total}}, calls)
	after, err := os.ReadFile(filepath.Join(dir, bench.RunsFile))
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "runs.csv rewritten with other values")
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString(s)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// rawFile returns the content of dir/name.
func rawFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return string(data)
}

// rawRows returns the rows (with line endings) of a file in dir, header
// first.
func rawRows(t *testing.T, dir, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	return strings.SplitAfter(string(data), "\n")
}

// TestRunTornLine simulates a crash while appending: a run's trajectory is
// complete but its runs.csv row is torn. The torn row is dropped and the run
// redone; the result equals an uninterrupted experiment's.
func TestRunTornLine(t *testing.T) {
	ref := t.TempDir()
	xpRun(t, xpConfig, ref, bench.Options{Workers: 2})
	total := len(xpPlan(t, xpConfig).Tasks)

	for _, cut := range []float64{0.1, 0.5, 0.97} {
		dir := t.TempDir()
		n := xpInterrupt(t, xpConfig, dir, 4)
		done, err := bench.LoadRuns(dir)
		require.NoError(t, err)
		have := map[string]bool{}
		for _, r := range done {
			have[r.Problem+"/"+r.Optimizer+"/"+strconv.FormatUint(r.Seed, 10)] = true
		}
		// The first run of the reference not yet on disk.
		refRuns := rawRows(t, ref, bench.RunsFile)
		var row string
		for _, l := range refRuns[1:] {
			f := strings.SplitN(l, ",", 6)
			if len(f) == 6 && !have[f[0]+"/"+f[1]+"/"+f[4]] {
				row = l
				break
			}
		}
		require.NotEmpty(t, row)
		f := strings.SplitN(row, ",", 6)
		prefix := f[0] + "," + f[1] + "," + f[2] + ","
		seedField := "," + f[4] + ","
		// Its trajectory made it to disk, its row did not.
		var trace strings.Builder
		for _, l := range rawRows(t, ref, bench.TraceFile)[1:] {
			if strings.HasPrefix(l, prefix) && strings.HasPrefix(l[len(prefix)-1:], seedField) {
				trace.WriteString(l)
			}
		}
		require.NotEmpty(t, trace.String())
		appendFile(t, filepath.Join(dir, bench.TraceFile), trace.String())
		torn := row[:int(cut*float64(len(row)-1))]
		require.False(t, strings.HasSuffix(torn, "\n"))
		appendFile(t, filepath.Join(dir, bench.RunsFile), torn)

		data, err := os.ReadFile(filepath.Join(dir, bench.RunsFile))
		require.NoError(t, err)
		recs, skipped, err := bench.ReadRuns(data)
		require.NoError(t, err)
		assert.Equal(t, 1, skipped, "torn line")
		assert.Len(t, recs, n)

		var first []int
		require.NoError(t, bench.Run(context.Background(), xpPlan(t, xpConfig), dir, bench.Options{Workers: 2,
			Progress: func(done, _ int) { first = append(first, done) }}))
		assert.Equal(t, n, first[0])
		assert.Equal(t, total, first[len(first)-1])
		xpSameResults(t, ref, dir)
	}
}

// TestRunMissingTrace removes the final point of a finished run's
// trajectory (as if trace.csv had lost its tail): the resume stops, naming
// the run's line in runs.csv and the trajectory's lines in trace.csv, and
// changes nothing; --force moves the damaged files aside and starts over.
func TestRunMissingTrace(t *testing.T) {
	ref := t.TempDir()
	xpRun(t, xpConfig, ref, bench.Options{Workers: 2})
	dir := t.TempDir()
	xpInterrupt(t, xpConfig, dir, 3)
	rows := rawRows(t, dir, bench.TraceFile)
	// Drop the last run's final trace point, and add a torn trace line.
	require.Greater(t, len(rows), 2)
	rows = rows[:len(rows)-2] // the last element is "" after the final newline
	damaged := strings.Join(rows, "") + "seed3,irpr"
	require.NoError(t, os.WriteFile(filepath.Join(dir, bench.TraceFile), []byte(damaged), 0o644))
	runsBefore := rawFile(t, dir, bench.RunsFile)
	err := bench.Run(context.Background(), xpPlan(t, xpConfig), dir, bench.Options{Workers: 1})
	var derr *bench.DamagedError
	require.ErrorAs(t, err, &derr)
	assert.Regexp(t, `runs\.csv:\d+: run .* ends at iteration \d+ but its trajectory \(trace\.csv:\d+–\d+\) stops at iteration`, err.Error())
	assert.Contains(t, err.Error(), "Options.Force")
	assert.Equal(t, damaged, rawFile(t, dir, bench.TraceFile), "a refused resume changed trace.csv")
	assert.Equal(t, runsBefore, rawFile(t, dir, bench.RunsFile), "a refused resume changed runs.csv")

	require.NoError(t, bench.Run(context.Background(), xpPlan(t, xpConfig), dir, bench.Options{Workers: 1, Force: true}))
	xpSameResults(t, ref, dir)
	old, err := filepath.Glob(filepath.Join(dir, ".old-*", bench.TraceFile))
	require.NoError(t, err)
	require.Len(t, old, 1, "--force moves the old files aside")
	data, err := os.ReadFile(old[0])
	require.NoError(t, err)
	assert.Equal(t, damaged, string(data))
}

func TestRunConfigMismatch(t *testing.T) {
	small := bench.Config{Problems: []string{"seed3"}, Optimizers: []string{"irprop-", "backprop"}, Seeds: 3, Budget: 500}
	other := small
	other.Seeds = 4
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		xpRun(t, small, dir, bench.Options{})
		return dir
	}
	snapshot := func(t *testing.T, dir string) map[string]string {
		out := map[string]string{}
		for _, name := range []string{bench.RunsFile, bench.TraceFile, bench.ManifestFile, bench.SummaryFile} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				out[name] = string(data)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		cfg    bench.Config
		opt    bench.Options
		damage func(t *testing.T, dir string)
		want   string // in the error of a damaged folder (not a configuration mismatch)
	}{
		{"more seeds", other, bench.Options{}, nil, ""},
		{"other budget", bench.Config{Problems: small.Problems, Optimizers: small.Optimizers, Seeds: 3, Budget: 501}, bench.Options{}, nil, ""},
		{"other setting", bench.Config{Problems: small.Problems, Optimizers: small.Optimizers, Seeds: 3, Budget: 500,
			Set: map[string]float64{"backprop.lr": 1.5}}, bench.Options{}, nil, ""},
		{"keep going", bench.Config{Problems: small.Problems, Optimizers: small.Optimizers, Seeds: 3, Budget: 500, KeepGoing: true}, bench.Options{}, nil, ""},
		{"sharded", small, bench.Options{Shard: 1, Shards: 2}, nil, ""},
		{"no manifest", small, bench.Options{}, func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, bench.ManifestFile)))
		}, "has runs.csv and trace.csv but no manifest.json"},
		{"corrupt manifest", small, bench.Options{}, func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.ManifestFile), []byte("{\"config\": [1,"), 0o644))
		}, "manifest.json:1: unexpected end of JSON input"},
		{"foreign runs.csv", small, bench.Options{}, func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), []byte("a,b,c\n1,2,3\n"), 0o644))
		}, "runs.csv:1: no header"},
		{"deleted header", small, bench.Options{}, func(t *testing.T, dir string) {
			data := rawFile(t, dir, bench.RunsFile)
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), []byte(data[strings.IndexByte(data, '\n')+1:]), 0o644))
		}, "runs.csv:1: no header"},
		{"swapped columns", small, bench.Options{}, func(t *testing.T, dir string) {
			data := rawFile(t, dir, bench.RunsFile)
			data = strings.Replace(data, "iterations,evaluations", "evaluations,iterations", 1)
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), []byte(data), 0o644))
		}, "runs.csv:1: columns in another order: column 8 is evaluations (expected iterations)"},
		{"BOM", small, bench.Options{}, func(t *testing.T, dir string) {
			data := rawFile(t, dir, bench.TraceFile)
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.TraceFile), []byte("\ufeff"+data), 0o644))
		}, "trace.csv:1: starts with a byte-order mark"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := setup(t)
			if tc.damage != nil {
				tc.damage(t, dir)
			}
			before := snapshot(t, dir)
			err := bench.Run(context.Background(), xpPlan(t, tc.cfg), dir, tc.opt)
			require.Error(t, err)
			if tc.want == "" {
				assert.True(t, errors.Is(err, bench.ErrConfigMismatch), "err = %v", err)
			} else {
				assert.False(t, errors.Is(err, bench.ErrConfigMismatch), "a damaged folder called another configuration: %v", err)
				assert.Contains(t, err.Error(), tc.want)
			}
			var re *bench.RefusedError
			assert.ErrorAs(t, err, &re)
			assert.Contains(t, err.Error(), "Options.Force moves the folder's files aside")
			assert.Equal(t, before, snapshot(t, dir), "a refused run changed the folder")

			// Force starts over with the new configuration.
			opt := tc.opt
			opt.Force = true
			require.NoError(t, bench.Run(context.Background(), xpPlan(t, tc.cfg), dir, opt))
			ref := t.TempDir()
			xpRun(t, tc.cfg, ref, tc.opt)
			for _, name := range []string{bench.RunsFile, bench.TraceFile} {
				assert.Equal(t, xpFile(t, ref, name), xpFile(t, dir, name), name)
			}
			m, err := bench.ReadManifest(dir)
			require.NoError(t, err)
			assert.Equal(t, xpPlan(t, tc.cfg).Config.Hash(), m.ConfigHash)
			assert.True(t, m.Complete)
			// ... after moving the old files aside, unchanged.
			old, err := filepath.Glob(filepath.Join(dir, ".old-*"))
			require.NoError(t, err)
			require.Len(t, old, 1)
			assert.Equal(t, before, snapshot(t, old[0]), "--force lost old files")
		})
	}
}

func TestRunBadOptions(t *testing.T) {
	plan := xpPlan(t, bench.Config{Problems: []string{"seed3"}, Optimizers: []string{"irprop-"}, Seeds: 1, Budget: 10})
	for _, opt := range []bench.Options{{Shards: -1}, {Shard: 2, Shards: 2}, {Shard: -1, Shards: 2}, {Shard: 1}, {Workers: -1}} {
		dir := t.TempDir()
		assert.Error(t, bench.Run(context.Background(), plan, dir, opt), "%+v", opt)
		assert.NoFileExists(t, filepath.Join(dir, bench.RunsFile), "%+v", opt)
	}
}

// TestRunWorkersIndependent: the worker count changes nothing but timing.
func TestRunWorkersIndependent(t *testing.T) {
	cfg := xpConfig
	cfg.Problems = append(slices.Clone(cfg.Problems), "celsius")
	ref := t.TempDir()
	xpRun(t, cfg, ref, bench.Options{Workers: 1})
	for _, w := range []int{2, 3} {
		dir := t.TempDir()
		xpRun(t, cfg, dir, bench.Options{Workers: w})
		xpSameResults(t, ref, dir)
	}
}

// TestRunShardsIndependent: the shards of an experiment hold exactly its
// runs and trajectories, each once.
func TestRunShardsIndependent(t *testing.T) {
	ref := t.TempDir()
	xpRun(t, xpConfig, ref, bench.Options{Workers: 2})
	for _, n := range []int{2, 3} {
		var runs, trace []string
		for i := range n {
			dir := t.TempDir()
			xpRun(t, xpConfig, dir, bench.Options{Workers: 2, Shard: i, Shards: n})
			m, err := bench.ReadManifest(dir)
			require.NoError(t, err)
			assert.Equal(t, i, m.Shard)
			assert.Equal(t, n, m.Shards)
			runs = append(runs, xpLines(t, dir, bench.RunsFile)...)
			trace = append(trace, xpLines(t, dir, bench.TraceFile)...)
		}
		want := xpLines(t, ref, bench.RunsFile)
		sort.Strings(want)
		sort.Strings(runs)
		assert.Equal(t, want, runs, "%d shards: runs", n)
		want = xpLines(t, ref, bench.TraceFile)
		sort.Strings(want)
		sort.Strings(trace)
		assert.Equal(t, want, trace, "%d shards: trajectories", n)
	}
}

// TestRunDivergedNeverCrashes: runs that diverge are recorded as such and
// the experiment completes with its summaries.
func TestRunDivergedNeverCrashes(t *testing.T) {
	cfg := bench.Config{Problems: []string{"celsius", "seed3"}, Optimizers: []string{"backprop", "irprop-"}, Seeds: 3, Budget: 3000,
		Set: map[string]float64{"backprop.lr": 1}}
	dir := t.TempDir()
	xpRun(t, cfg, dir, bench.Options{Workers: 2})
	recs, err := bench.LoadRuns(dir)
	require.NoError(t, err)
	require.Len(t, recs, 12)
	for _, r := range recs {
		if r.Problem == "celsius" && r.Optimizer == "backprop" {
			assert.Equal(t, bench.StatusDiverged, r.Status)
			assert.True(t, math.IsInf(r.FinalLoss, 1), "final loss %v", r.FinalLoss)
			assert.Less(t, r.Iters, r.Budget)
		} else {
			assert.NotEqual(t, bench.StatusDiverged, r.Status, "%s/%s/%d", r.Problem, r.Optimizer, r.Seed)
		}
		require.NotEmpty(t, r.Trace)
		assert.Equal(t, r.Iters, r.Trace[len(r.Trace)-1].Iter)
	}
	for _, name := range []string{bench.SummaryFile, bench.TargetsFile, bench.CompareFile, bench.BenchFile} {
		assert.FileExists(t, filepath.Join(dir, name))
	}
	// The diverged runs rank last on the final loss.
	data, err := os.ReadFile(filepath.Join(dir, bench.CompareFile))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	found := false
	for _, row := range rows[1:] {
		if row[0] == "celsius" && row[1] == "float64" && row[2] == "final_loss" {
			found = true
			assert.Equal(t, []string{"backprop", "irprop-", "+Inf"}, []string{row[3], row[4], row[7]})
			assert.Equal(t, "1", row[11], "a12: backprop's final loss is always larger")
		}
	}
	assert.True(t, found, "no final_loss comparison on celsius")
}

// TestRunTaskErrors: runs that fail with an error (not a divergence) make
// Run return an error naming one of them, however many fail, instead of
// hanging.
func TestRunTaskErrors(t *testing.T) {
	good := xpPlan(t, bench.Config{Problems: []string{"seed3"}, Optimizers: []string{"backprop"}, Seeds: 6, Budget: 50})
	// A hand-built plan whose settings NewPlan would have refused.
	bad := &bench.Plan{Config: good.Config}
	for _, tk := range good.Tasks {
		tk.Settings = map[string]float64{"lr": -1}
		bad.Tasks = append(bad.Tasks, tk)
	}
	for _, w := range []int{1, 2} {
		done := make(chan error, 1)
		go func() { done <- bench.Run(context.Background(), bad, t.TempDir(), bench.Options{Workers: w}) }()
		select {
		case err := <-done:
			require.Error(t, err)
			assert.Contains(t, err.Error(), "backprop.lr")
			assert.Contains(t, err.Error(), "seed3/backprop/seed")
		case <-time.After(20 * time.Second):
			t.Fatalf("workers=%d: Run hangs when more runs fail than there are workers", w)
		}
	}
}
