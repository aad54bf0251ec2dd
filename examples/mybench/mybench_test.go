package mybench_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
	"github.com/optbench/optbench/cli"
	"github.com/optbench/optbench/report"

	"example.com/mybench"
)

func TestMain(m *testing.M) {
	if err := mybench.Register(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// optbench runs the command line as cmd/mybench does and requires exit 0.
func optbench(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(args, &out, &errOut)
	require.Equal(t, 0, code, "optbench %s:\n%s%s", strings.Join(args, " "), out.String(), errOut.String())
	return out.String()
}

// column returns the values of the named columns of a CSV file.
func column(t *testing.T, path string, names ...string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows, path)
	var vals []string
	for _, name := range names {
		i := slices.Index(rows[0], name)
		require.GreaterOrEqual(t, i, 0, "%s has no column %s", path, name)
		for _, r := range rows[1:] {
			vals = append(vals, r[i])
		}
	}
	return vals
}

// requireInFolder checks that signgd is in every results file of dir and
// in the charts REPORT.md shows (drawn as SVG, whose legends are text).
func requireInFolder(t *testing.T, dir, problem string) {
	t.Helper()
	require.Contains(t, column(t, filepath.Join(dir, bench.RunsFile), "optimizer"), "signgd")
	require.Contains(t, column(t, filepath.Join(dir, bench.RunsFile), "problem"), problem)
	require.Contains(t, column(t, filepath.Join(dir, bench.SummaryFile), "optimizer"), "signgd")
	require.Contains(t, column(t, filepath.Join(dir, bench.CompareFile), "optimizer_a", "optimizer_b"), "signgd")
	md, err := os.ReadFile(filepath.Join(dir, report.ReportFile))
	require.NoError(t, err)
	require.Contains(t, string(md), "signgd")
	charts := regexp.MustCompile(`\]\(([^)]+\.png)\)`).FindAllStringSubmatch(string(md), -1)
	require.NotEmpty(t, charts, "REPORT.md shows no chart")
	withSignGD := 0
	for _, c := range charts {
		svg, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(c[1], ".png")+".svg"))
		require.NoError(t, err, "chart %s has no SVG copy", c[1])
		if bytes.Contains(svg, []byte("signgd")) {
			withSignGD++
		}
	}
	require.GreaterOrEqual(t, withSignGD, 3, "signgd is in only %d of the %d charts of REPORT.md", withSignGD, len(charts))
}

// TestOwnBinary runs the user's problem and optimizer through optbench's
// command line (as cmd/mybench does), then the report.
func TestOwnBinary(t *testing.T) {
	dir := t.TempDir()
	optbench(t, "run", "--problems", "circles", "--optimizers", "signgd,irprop-,backprop", "--seeds", "5",
		"--budget", "300", "--out", dir, "--quiet")
	optbench(t, "report", "--svg", dir)
	requireInFolder(t, dir, "circles")
	require.Contains(t, optbench(t, "summarize", dir), "signgd")
	require.Contains(t, optbench(t, "list"), "signgd")
}

// TestData runs a CSV file given on the command line (--data).
func TestData(t *testing.T) {
	data, err := os.ReadFile("circles/circles.csv")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "points.csv")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	dir := t.TempDir()
	optbench(t, "run", "--data", path, "--net", "4tanh-2sigmoid", "--optimizers", "signgd,irprop-,ga", "--seeds", "4",
		"--budget", "200", "--out", dir, "--quiet")
	optbench(t, "report", "--svg", dir)
	requireInFolder(t, dir, "points")
}

// TestLibrary runs the same experiment through the library: bench.NewPlan,
// bench.Run and report.Write.
func TestLibrary(t *testing.T) {
	plan, err := bench.NewPlan(bench.Config{Problems: []string{"circles"}, Optimizers: []string{"signgd", "irprop-"},
		Seeds: 4, Budget: 200})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, bench.Run(context.Background(), plan, dir, bench.Options{}))
	var log bytes.Buffer
	require.NoError(t, report.Write(dir, &log, report.Options{SVG: true}))
	requireInFolder(t, dir, "circles")
}

// TestSweep runs optbench's hyperparameter sweep over the user's optimizer
// on the user's problem.
func TestSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	optbench(t, "sweep", "--problem", "circles", "--optimizer", "signgd", "--grid", "lr=0.02,0.1:decay=0.99,1",
		"--seeds", "2", "--budget", "100", "--out", dir)
	require.Len(t, column(t, filepath.Join(dir, "sweep.csv"), "lr"), 4, "one row per grid point")
	md, err := os.ReadFile(filepath.Join(dir, "SWEEP.md"))
	require.NoError(t, err)
	require.Contains(t, string(md), "signgd")
}
