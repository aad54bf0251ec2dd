package cli

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
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// copyFolder copies the regular files of src into a new folder.
func copyFolder(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, os.MkdirAll(dst, 0o755))
	for name, data := range snapshot(t, src) {
		require.NoError(t, os.WriteFile(filepath.Join(dst, name), []byte(data), 0o644))
	}
	return dst
}

// editCSV rewrites dir/name with edit applied to its rows (header first).
func editCSV(t *testing.T, dir, name string, edit func(rows [][]string)) {
	t.Helper()
	path := filepath.Join(dir, name)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	edit(rows)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
}

// editFirst sets column col of the first runs.csv row with the given status.
func editFirst(status bench.Status, col, v string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		editCSV(t, dir, bench.RunsFile, func(rows [][]string) {
			st, c := slices.Index(rows[0], "status"), slices.Index(rows[0], col)
			for _, row := range rows[1:] {
				if row[st] == string(status) {
					row[c] = v
					return
				}
			}
			t.Fatalf("no run with status %s", status)
		})
	}
}

// TestIssue13Cases runs the damaged folders of issue 13 through summarize,
// report, merge and a resume: each exits 1, names FILE:LINE (or the
// manifest's fault) and writes nothing.
func TestIssue13Cases(t *testing.T) {
	ref := filepath.Join(t.TempDir(), "ref")
	runSmall(t, ref)
	tests := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   string // regexp of the error, after the folder's path
	}{
		{"final_loss 1e308", editFirst(bench.StatusTarget, "final_loss", "1e308"),
			`runs\.csv:\d+: final_loss 1e\+308 differs from the last point of its trajectory, trace\.csv:\d+ \(expected \S+, to the last bit\)`},
		{"best_loss +Inf", editFirst(bench.StatusTarget, "best_loss", "+Inf"),
			`runs\.csv:\d+: best_loss \+Inf with status target \(expected a finite loss\)`},
		{"final_loss NaN", editFirst(bench.StatusBudget, "final_loss", "NaN"),
			`runs\.csv:\d+: final_loss "NaN" \(expected a number, or empty for none\)`},
		{"iterations and evaluations swapped", func(t *testing.T, dir string) {
			editCSV(t, dir, bench.RunsFile, func(rows [][]string) {
				i, e := slices.Index(rows[0], "iterations"), slices.Index(rows[0], "evaluations")
				for _, row := range rows[1:] {
					row[i], row[e] = row[e], row[i]
				}
			})
		}, `runs\.csv:\d+: iterations 2001 above the budget 2000 \(expected at most the budget\)`},
		{"trace truncated to half", func(t *testing.T, dir string) {
			path := filepath.Join(dir, bench.TraceFile)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, data[:len(data)/2], 0o644))
		}, `trace\.csv:\d+: torn last line|runs\.csv:\d+: run .* (has no points in|ends at iteration)`},
		{"trace row xx,yy,zz", func(t *testing.T, dir string) {
			path := filepath.Join(dir, bench.TraceFile)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			ls := strings.SplitAfter(string(data), "\n")
			ls[5] = "xx,yy,zz\n"
			require.NoError(t, os.WriteFile(path, []byte(strings.Join(ls, "")), 0o644))
		}, `trace\.csv:6: 3 fields \(expected 11\)`},
		{"row with seed 99", func(t *testing.T, dir string) {
			editCSV(t, dir, bench.RunsFile, func(rows [][]string) {})
			path := filepath.Join(dir, bench.RunsFile)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			ls := strings.SplitAfter(string(data), "\n")
			f := strings.Split(ls[1], ",")
			f[4] = "99"
			require.NoError(t, os.WriteFile(path, []byte(string(data)+strings.Join(f, ",")), 0o644))
		}, `runs\.csv:14: run seed3/backprop/seed 99 is not in the experiment \(expected seeds 1…2\)`},
		{"iterations -5", editFirst(bench.StatusBudget, "iterations", "-5"),
			`runs\.csv:\d+: iterations "-5" \(expected an integer ≥ 0\)`},
		{"torn row", func(t *testing.T, dir string) {
			path := filepath.Join(dir, bench.RunsFile)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, data[:len(data)-30], 0o644))
		}, `runs\.csv:13: torn last line, without its newline \(expected complete rows in a finished folder\)`},
		{"config deleted from the manifest", func(t *testing.T, dir string) {
			path := filepath.Join(dir, bench.ManifestFile)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			delete(m, "config")
			data, err = json.Marshal(m)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, data, 0o644))
		}, `manifest\.json: config_hash [0-9a-f]{12} does not match its config`},
		{"deleted header", func(t *testing.T, dir string) {
			editCSV(t, dir, bench.RunsFile, func(rows [][]string) { rows[0] = rows[1] })
		}, `runs\.csv:1: no header: the file starts with seed3,backprop`},
		{"BOM", func(t *testing.T, dir string) {
			path := filepath.Join(dir, bench.RunsFile)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, append([]byte("\ufeff"), data...), 0o644))
		}, `runs\.csv:1: starts with a byte-order mark`},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyFolder(t, ref)
			tt.damage(t, dir)
			before := snapshot(t, dir)
			want := regexp.MustCompile(regexp.QuoteMeta(dir+string(filepath.Separator)) + `(` + tt.want + `)`)
			merged := filepath.Join(t.TempDir(), "merged")
			for _, args := range [][]string{
				{"verify", dir},
				{"summarize", dir},
				{"report", dir},
				{"merge", "--out", merged, dir},
				append(slices.Clone(smallRun), "--out", dir),
			} {
				_, errOut, err := execute(ctx, args...)
				require.Error(t, err, "%v", args)
				assert.Equal(t, 1, exitCode(err), "%v: %v", args, err)
				if args[0] == "verify" && tt.name != "config deleted from the manifest" {
					assert.Regexp(t, want, errOut, "%v", args)
				} else {
					assert.Regexp(t, want, err.Error(), "%v", args)
				}
				assert.NotContains(t, err.Error(), "different configuration", "%v", args)
				assert.Equal(t, before, snapshot(t, dir), "%v changed the folder", args)
			}
			assert.NoFileExists(t, filepath.Join(merged, bench.RunsFile))
		})
	}
}
