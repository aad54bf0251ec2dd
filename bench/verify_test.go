package bench_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// vfConfig is the issue's folder in small: runs that stop at their targets
// (irprop-), that use their whole budget (backprop) and the GA.
var vfConfig = bench.Config{Problems: []string{"seed3", "xor"}, Optimizers: []string{"backprop", "irprop-", "ga"},
	Seeds: 3, Budget: 2000}

var (
	vfOnce sync.Once
	vfDir  string
	vfErr  error
)

// vfFolder returns a copy of a finished folder of vfConfig in a new
// temporary folder.
func vfFolder(t *testing.T) string {
	t.Helper()
	vfOnce.Do(func() {
		vfDir, vfErr = os.MkdirTemp("", "verify-ref-")
		if vfErr == nil {
			plan, err := bench.NewPlan(vfConfig)
			if err != nil {
				vfErr = err
				return
			}
			vfErr = bench.Run(context.Background(), plan, vfDir, bench.Options{Workers: 2})
		}
	})
	require.NoError(t, vfErr)
	dir := t.TempDir()
	for _, name := range []string{bench.ManifestFile, bench.RunsFile, bench.TraceFile, bench.SummaryFile,
		bench.TargetsFile, bench.CompareFile, bench.BenchFile} {
		data, err := os.ReadFile(filepath.Join(vfDir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	return dir
}

// csvRows reads dir/name as CSV rows, header first.
func csvRows(t *testing.T, dir, name string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	return rows
}

// writeRows writes rows as dir/name.
func writeRows(t *testing.T, dir, name string, rows [][]string) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644))
}

// editRuns changes runs.csv's first data row for which pick is true with
// edit; it returns that row's line number.
func editRuns(t *testing.T, dir string, pick func(col func(string) string) bool, edit func(row []string, col func(string) int)) int {
	t.Helper()
	rows := csvRows(t, dir, bench.RunsFile)
	idx := func(name string) int { return slices.Index(rows[0], name) }
	for i, row := range rows[1:] {
		if pick(func(name string) string { return row[idx(name)] }) {
			edit(row, idx)
			writeRows(t, dir, bench.RunsFile, rows)
			return i + 2
		}
	}
	t.Fatal("no row picked")
	return 0
}

func withStatus(s bench.Status) func(col func(string) string) bool {
	return func(col func(string) string) bool { return col("status") == string(s) }
}

func setCell(name, v string) func(row []string, col func(string) int) {
	return func(row []string, col func(string) int) { row[col(name)] = v }
}

// TestVerifyIssueCases reproduces the damaged folders of issue 13: each is
// refused with FILE:LINE and what was expected.
func TestVerifyIssueCases(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string) // returns nothing; want may use %d for a line set by damage
		want   []string                       // regexps, each matching a finding
	}{
		{"clean", func(*testing.T, string) {}, nil},
		{"final_loss 1e308", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusTarget), setCell("final_loss", "1e308"))
		}, []string{`runs\.csv:\d+: final_loss 1e\+308 differs from the last point of its trajectory, trace\.csv:\d+ \(expected .*, to the last bit\)`}},
		{"best_loss +Inf", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusTarget), setCell("best_loss", "+Inf"))
		}, []string{`runs\.csv:\d+: best_loss \+Inf with status target \(expected a finite loss\)`}},
		{"final_loss NaN", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusBudget), setCell("final_loss", "NaN"))
		}, []string{`runs\.csv:\d+: final_loss "NaN" \(expected a number, or empty for none\)`}},
		{"final_loss empty", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusBudget), setCell("final_loss", ""))
		}, []string{`runs\.csv:\d+: final_loss is empty \(expected a number\)`}},
		{"status target changed to budget", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusTarget), setCell("status", "budget"))
		}, []string{`runs\.csv:\d+: status budget after \d+ of 2000 iterations \(expected the iteration budget used up\)`}},
		{"status budget changed to diverged", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusBudget), setCell("status", "diverged"))
		}, []string{`runs\.csv:\d+: final_loss \S+ with status diverged \(expected \+Inf\)`}},
		{"iterations and evaluations swapped", func(t *testing.T, dir string) {
			rows := csvRows(t, dir, bench.RunsFile)
			i, e := slices.Index(rows[0], "iterations"), slices.Index(rows[0], "evaluations")
			for _, row := range rows[1:] {
				row[i], row[e] = row[e], row[i]
			}
			writeRows(t, dir, bench.RunsFile, rows)
		}, []string{`runs\.csv:\d+: iterations 2001 above the budget 2000 \(expected at most the budget\)`}},
		{"trace truncated to half", func(t *testing.T, dir string) {
			data, err := os.ReadFile(filepath.Join(dir, bench.TraceFile))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.TraceFile), data[:len(data)/2], 0o644))
		}, []string{`runs\.csv:\d+: run .+ has no points in trace\.csv \(expected its trajectory\)`}},
		{"trace row xx,yy,zz", func(t *testing.T, dir string) {
			data, err := os.ReadFile(filepath.Join(dir, bench.TraceFile))
			require.NoError(t, err)
			ls := strings.SplitAfter(string(data), "\n")
			ls[10] = "xx,yy,zz\n"
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.TraceFile), []byte(strings.Join(ls, "")), 0o644))
		}, []string{`trace\.csv:11: 3 fields \(expected 11\)`, `runs\.csv:\d+: run seed3/backprop/seed 1 has a damaged trajectory in trace\.csv at lines 2–12 \(expected it intact\)`}},
		{"row with seed 99", func(t *testing.T, dir string) {
			rows := csvRows(t, dir, bench.RunsFile)
			row := slices.Clone(rows[1])
			row[slices.Index(rows[0], "seed")] = "99"
			writeRows(t, dir, bench.RunsFile, append(rows, row))
		}, []string{`runs\.csv:20: run seed3/backprop/seed 99 is not in the experiment \(expected seeds 1…3\)`}},
		{"iterations -5", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusBudget), setCell("iterations", "-5"))
		}, []string{`runs\.csv:\d+: iterations "-5" \(expected an integer ≥ 0\)`, `runs\.csv: no row for run`}},
		{"torn row", func(t *testing.T, dir string) {
			data, err := os.ReadFile(filepath.Join(dir, bench.RunsFile))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), data[:len(data)-20], 0o644))
		}, []string{`runs\.csv:19: torn last line, without its newline \(expected complete rows in a finished folder\)`}},
		{"deleted header", func(t *testing.T, dir string) {
			rows := csvRows(t, dir, bench.RunsFile)
			writeRows(t, dir, bench.RunsFile, rows[1:])
		}, []string{`runs\.csv:1: no header: the file starts with seed3,backprop`}},
		{"swapped columns", func(t *testing.T, dir string) {
			rows := csvRows(t, dir, bench.RunsFile)
			i, e := slices.Index(rows[0], "iterations"), slices.Index(rows[0], "evaluations")
			for _, row := range rows {
				row[i], row[e] = row[e], row[i]
			}
			writeRows(t, dir, bench.RunsFile, rows)
		}, []string{`runs\.csv:1: columns in another order: column 8 is evaluations \(expected iterations\)`}},
		{"BOM", func(t *testing.T, dir string) {
			data, err := os.ReadFile(filepath.Join(dir, bench.RunsFile))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), append([]byte("\ufeff"), data...), 0o644))
		}, []string{`runs\.csv:1: starts with a byte-order mark`}},
		{"silent edit of a timing", func(t *testing.T, dir string) {
			editRuns(t, dir, withStatus(bench.StatusBudget), setCell("seconds", "12345"))
		}, []string{`runs\.csv: content sha256 [0-9a-f]{12}… differs from the [0-9a-f]{12}… that manifest\.json recorded`}},
		{"runs count", func(t *testing.T, dir string) {
			editManifest(t, dir, func(m map[string]any) { m["runs"] = 1260 })
		}, []string{`manifest\.json: runs 1260 \(expected 18, the runs of shard 0/1 of its config\)`}},
		{"duplicate row", func(t *testing.T, dir string) {
			rows := csvRows(t, dir, bench.RunsFile)
			writeRows(t, dir, bench.RunsFile, append(rows, rows[3]))
		}, []string{`runs\.csv:20: run .+ again \(expected one row per run; the first is at line 4\)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := vfFolder(t)
			tt.damage(t, dir)
			v, err := bench.Verify(dir)
			require.NoError(t, err)
			var got []string
			for _, f := range v.Files {
				for _, fd := range f.Findings {
					got = append(got, fd.String())
				}
			}
			if tt.want == nil {
				assert.Empty(t, got)
				assert.NoError(t, v.Err())
				assert.Len(t, v.Records, 18)
				return
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					if regexp.MustCompile(w).MatchString(strings.TrimPrefix(g, dir+string(filepath.Separator))) {
						found = true
					}
				}
				assert.True(t, found, "no finding matches %s; got:\n%s", w, strings.Join(got, "\n"))
			}
			// Every reader refuses it, naming the first finding.
			summaryBefore, err := os.ReadFile(filepath.Join(dir, bench.SummaryFile))
			require.NoError(t, err)
			_, err = bench.LoadRuns(dir)
			var derr *bench.DamagedError
			require.ErrorAs(t, err, &derr)
			assert.Contains(t, err.Error(), got[0])
			summaryAfter, err := os.ReadFile(filepath.Join(dir, bench.SummaryFile))
			require.NoError(t, err)
			assert.Equal(t, summaryBefore, summaryAfter)
		})
	}
}

// TestVerifyManifest: a manifest whose config was deleted (hash intact) is
// refused before any row is read.
func TestVerifyManifest(t *testing.T) {
	dir := vfFolder(t)
	editManifest(t, dir, func(m map[string]any) { delete(m, "config") })
	_, err := bench.Verify(dir)
	require.Error(t, err)
	assert.Regexp(t, `manifest\.json: config_hash [0-9a-f]{12} does not match its config`, err.Error())
}

func editManifest(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, bench.ManifestFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	edit(m)
	data, err = json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// TestVerifyUnfinished: an unfinished folder may end with the points of
// runs whose rows are not yet appended, and with a torn line; a row missing
// in the middle is damage all the same.
func TestVerifyUnfinished(t *testing.T) {
	dir := t.TempDir()
	n := xpInterrupt(t, xpConfig, dir, 4)
	runs := rawRows(t, dir, bench.RunsFile) // header, n rows, ""
	require.Len(t, runs, n+2)

	// The last two rows dropped, and a torn line: their points trail.
	require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), []byte(strings.Join(runs[:n-1], "")+"seed3,ir"), 0o644))
	v, err := bench.Verify(dir)
	require.NoError(t, err)
	require.NoError(t, v.Err())
	assert.Len(t, v.Records, n-2)

	// A row dropped in the middle: its points are not at the end.
	require.NoError(t, os.WriteFile(filepath.Join(dir, bench.RunsFile), []byte(runs[0]+strings.Join(runs[2:], "")), 0o644))
	v, err = bench.Verify(dir)
	require.NoError(t, err)
	require.Error(t, v.Err())
	assert.Regexp(t, `trace\.csv:2: points of run .+, which has no row in runs\.csv \(expected a row for every trajectory\)`, v.Err().Error())
}
