package bench_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/optim"
)

// TestRunPrecision runs a float32 and float64 experiment end to end and
// checks the precision column of every results file, that float32 and
// float64 runs are distinct runs, and that a float32 loss is a float32
// value.
func TestRunPrecision(t *testing.T) {
	dir := t.TempDir()
	cfg := bench.Config{Problems: []string{"seed3", "celsius"}, Optimizers: []string{"backprop", "irprop-"},
		Seeds: 2, Budget: 300, Precision: []string{"float32", "float64"}}
	xpRun(t, cfg, dir, bench.Options{Workers: 2})
	recs, err := bench.LoadRuns(dir)
	require.NoError(t, err)
	require.Len(t, recs, 2*2*2*2)
	count := map[string]int{}
	for _, r := range recs {
		count[r.Precision]++
		require.NotEmpty(t, r.Trace)
		if r.Precision == "float32" {
			assert.Equal(t, r.FinalLoss, float64(float32(r.FinalLoss)), "float32 run's loss is not a float32")
		}
	}
	assert.Equal(t, map[string]int{"float32": 8, "float64": 8}, count)
	for _, name := range []string{bench.RunsFile, bench.TraceFile, bench.SummaryFile, bench.TargetsFile, bench.CompareFile} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		require.NoError(t, err, name)
		col := -1
		for i, h := range rows[0] {
			if h == "precision" {
				col = i
			}
		}
		require.GreaterOrEqual(t, col, 0, "%s has no precision column", name)
		seen := map[string]bool{}
		for _, row := range rows[1:] {
			seen[row[col]] = true
		}
		assert.Equal(t, map[string]bool{"float32": true, "float64": true}, seen, name)
	}
	data, err := os.ReadFile(filepath.Join(dir, bench.BenchFile))
	require.NoError(t, err)
	assert.Contains(t, string(data), "BenchmarkTrain/problem=seed3/optimizer=irprop-/precision=float32 ")
	assert.Contains(t, string(data), "BenchmarkTrain/problem=seed3/optimizer=irprop-/precision=float64 ")

	// Float64 runs are those of a float64-only experiment, bit for bit.
	dir64 := t.TempDir()
	cfg.Precision = nil
	xpRun(t, cfg, dir64, bench.Options{Workers: 1})
	recs64, err := bench.LoadRuns(dir64)
	require.NoError(t, err)
	i := 0
	for _, r := range recs {
		if r.Precision != "float64" {
			continue
		}
		for _, q := range recs64 {
			if q.Problem == r.Problem && q.Optimizer == r.Optimizer && q.Seed == r.Seed {
				assert.Equal(t, q.FinalLoss, r.FinalLoss)
				assert.Equal(t, q.Iters, r.Iters)
				i++
			}
		}
	}
	assert.Equal(t, 8, i)
}

func TestPlanPrecisionErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  bench.Config
		want []string
	}{
		{bench.Config{Precision: []string{"float16"}}, []string{"precision", "float16", "float32 or float64"}},
		{bench.Config{Precision: []string{"float32", "float32"}}, []string{"precision", "twice"}},
		{bench.Config{Optimizers: []string{"lbfgs"}, Precision: []string{"float32"}}, []string{"lbfgs", "float64"}},
	} {
		_, err := bench.NewPlan(tc.cfg)
		require.Error(t, err)
		for _, w := range tc.want {
			assert.Contains(t, err.Error(), w)
		}
	}
	_, err := bench.NewPlan(bench.Config{Optimizers: []string{"lbfgs"}, Precision: []string{"float64"}})
	require.NoError(t, err)
	assert.Equal(t, bench.Config{}.Hash(), bench.Config{Precision: []string{optim.Float64}}.Hash())
	assert.NotEqual(t, bench.Config{}.Hash(), bench.Config{Precision: []string{optim.Float32}}.Hash())
}
