package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// pointsCSV is a small classification data set: two inputs, a label.
const pointsCSV = `x,y,label
0.1,0.2,a
0.9,0.8,b
0.2,0.1,a
0.8,0.9,b
0.3,0.2,a
0.7,0.6,b
`

// writeFile writes content to dir/name and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

// TestDataBadInput checks that every bad --data input exits 2 with a
// message naming the file (and the line where one is at fault), before
// anything is written into the results folder.
func TestDataBadInput(t *testing.T) {
	tests := []struct {
		name, content string
		args          []string
		want          []string // substrings of the message
	}{
		{name: "missing", want: []string{"missing.csv", "no such file"}},
		{name: "empty", content: "", want: []string{"empty.csv", "empty"}},
		{name: "no header", content: "1,2,3\n4,5,6\n7,8,9\n", want: []string{"no header.csv:1", "header"}},
		{name: "ragged", content: "x,y,label\n1,2,a\n3,b\n4,5,b\n", want: []string{"ragged.csv:3", "2 fields"}},
		{name: "non-numeric", content: "x,y,label\n1,2,a\n3,oops,b\n4,5,b\n", want: []string{"non-numeric.csv:3", `"y"`, "oops"}},
		{name: "nan", content: "x,y,label\n1,2,a\n3,NaN,b\n4,5,b\n", want: []string{"nan.csv:3", "NaN"}},
		{name: "inf", content: "x,y,label\n1,2,a\n+Inf,4,b\n4,5,b\n", want: []string{"inf.csv:3", "Inf"}},
		{name: "one row", content: "x,y,label\n1,2,a\n", want: []string{"one row.csv:2", "at least 2"}},
		{name: "target out of range", content: pointsCSV, args: []string{"--target", "7"}, want: []string{"target out of range.csv", "7"}},
		{name: "target unknown", content: pointsCSV, args: []string{"--target", "z"}, want: []string{"target unknown.csv:1", `"z"`}},
		{name: "bad spec", content: pointsCSV, args: []string{"--net", "8tanh-x"}, want: []string{"bad spec.csv", `"8tanh-x"`, "layer 2"}},
		{name: "output mismatch", content: pointsCSV, args: []string{"--net", "8tanh-3sigmoid"}, want: []string{"output mismatch.csv", "3 outputs", "2 classes"}},
		{name: "bad scale", content: pointsCSV, args: []string{"--scale", "log"}, want: []string{"--scale", "zscore"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.name+".csv")
			if tt.name != "missing" {
				writeFile(t, dir, tt.name+".csv", tt.content)
			}
			out := filepath.Join(dir, "out")
			args := append([]string{"run", "--data", path, "--optimizers", "irprop-", "--seeds", "1", "--budget", "5", "--out", out, "--quiet"}, tt.args...)
			_, _, err := execute(context.Background(), args...)
			require.Error(t, err)
			assert.Equal(t, 2, exitCode(err), "exit status for %v", err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			_, statErr := os.Stat(out)
			assert.True(t, errors.Is(statErr, os.ErrNotExist), "the results folder was created")
		})
	}
}

// TestDataRun runs a CSV file end to end: the problem is named after the
// file, its targets are kept, the report describes it, and a changed file
// is refused rather than resumed; summarize and report then say the data
// changed, and that a missing file is missing.
func TestDataRun(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "points.csv", pointsCSV)
	out := filepath.Join(dir, "out")
	args := []string{"run", "--data", path, "--net", "3tanh-2sigmoid", "--optimizers", "backprop,irprop-,ga",
		"--seeds", "3", "--budget", "200", "--out", out, "--quiet"}
	stdout, _, err := execute(context.Background(), args...)
	require.NoError(t, err)
	assert.Contains(t, stdout, "points")

	man, err := bench.ReadManifest(out)
	require.NoError(t, err)
	require.Len(t, man.Problems, 1)
	assert.Equal(t, "points", man.Problems[0].Name)
	require.NotNil(t, man.Problems[0].Source)
	assert.Equal(t, path, man.Problems[0].Source.Path)
	assert.Len(t, man.Problems[0].Source.SHA256, 64)
	targets, err := os.ReadFile(filepath.Join(out, bench.TargetsFile))
	require.NoError(t, err)
	assert.Contains(t, string(targets), "points,irprop-,float64,classified", "the classified target is kept")

	_, _, err = execute(context.Background(), "report", out)
	require.NoError(t, err)
	md, err := os.ReadFile(filepath.Join(out, "REPORT.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "`points`")
	assert.Contains(t, string(md), "convergence-points-evals.png")

	// Rerunning the same command resumes (nothing to do); a changed file is
	// refused, naming the problem whose data changed.
	_, _, err = execute(context.Background(), args...)
	require.NoError(t, err)
	writeFile(t, dir, "points.csv", strings.Replace(pointsCSV, "0.9,0.8,b", "0.9,0.7,b", 1))
	_, _, err = execute(context.Background(), args...)
	require.ErrorIs(t, err, bench.ErrConfigMismatch)
	assert.Contains(t, err.Error(), "data or network of problem points changed")
	for _, cmd := range []string{"summarize", "report"} {
		_, _, err = execute(context.Background(), cmd, out)
		require.ErrorIs(t, err, bench.ErrDataChanged, cmd)
		assert.Contains(t, err.Error(), "was made from data file "+path)
	}
	require.NoError(t, os.Remove(path))
	_, _, err = execute(context.Background(), "summarize", out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "was made from data file "+path)
	assert.Contains(t, err.Error(), "no such file")
}

// TestUnregisteredOptimizer checks that a folder naming an optimizer this
// program does not register gets a clear error from summarize and report,
// naming it, instead of a panic or an empty summary.
func TestUnregisteredOptimizer(t *testing.T) {
	out := t.TempDir()
	_, _, err := execute(context.Background(), "run", "--problems", "seed3", "--optimizers", "irprop-", "--seeds", "1",
		"--budget", "10", "--out", out, "--quiet")
	require.NoError(t, err)
	path := filepath.Join(out, bench.ManifestFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(strings.ReplaceAll(string(b), `"irprop-"`, `"signgd"`)), 0o644))
	for _, cmd := range []string{"summarize", "report"} {
		_, _, err = execute(context.Background(), cmd, out)
		require.Error(t, err, cmd)
		assert.Contains(t, err.Error(), `optimizer "signgd"`)
		assert.Contains(t, err.Error(), "does not register")
	}
}

// TestDataSweep sweeps an optimizer's settings on a CSV file (--data).
func TestDataSweep(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "points.csv", pointsCSV)
	out := filepath.Join(dir, "sweep")
	_, _, err := execute(context.Background(), "sweep", "--data", path, "--net", "3tanh-2sigmoid", "--optimizer", "irprop-",
		"--grid", "delta0=0.05,0.1", "--seeds", "2", "--budget", "100", "--out", out, "--quiet")
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(out, "SWEEP.md"))
	require.NoError(t, err)
	assert.Contains(t, string(b), "points")
	_, _, err = execute(context.Background(), "sweep", "--data", path, "--problem", "xor", "--optimizer", "irprop-",
		"--grid", "delta0=0.05,0.1", "--out", out)
	require.Error(t, err)
	assert.Equal(t, 2, exitCode(err))
}
