package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mergeConfig is a tiny experiment: 2 problems × 2 optimizers × 3 seeds.
var mergeConfig = Config{Problems: []string{"seed3", "xor"}, Optimizers: []string{"backprop", "irprop+"},
	Seeds: 3, Budget: 200}

func runInto(t *testing.T, cfg Config, dir string, opt Options) {
	t.Helper()
	plan, err := NewPlan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), plan, dir, opt); err != nil {
		t.Fatal(err)
	}
}

// untimed returns the CSV file dir/name without its timing columns.
func untimed(t *testing.T, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: empty", name)
	}
	drop := TimingColumns(rows[0])
	if len(drop) == 0 {
		t.Fatalf("%s: no timing columns in %v", name, rows[0])
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, row := range rows {
		var keep []string
		for i, v := range row {
			if !slices.Contains(drop, i) {
				keep = append(keep, v)
			}
		}
		w.Write(keep)
	}
	w.Flush()
	return buf.Bytes()
}

func TestMergeMatchesUnsharded(t *testing.T) {
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	runInto(t, mergeConfig, whole, Options{Workers: 3})
	const n = 3
	var shards []string
	for i := n - 1; i >= 0; i-- { // any order
		d := filepath.Join(root, "shard"+string(rune('0'+i)))
		runInto(t, mergeConfig, d, Options{Workers: 2, Shard: i, Shards: n})
		shards = append(shards, d)
	}
	merged := filepath.Join(root, "merged")
	if err := Merge(context.Background(), merged, shards); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{RunsFile, TraceFile} {
		if got, want := untimed(t, merged, name), untimed(t, whole, name); !bytes.Equal(got, want) {
			t.Errorf("%s of merged shards differs from the unsharded run:\n got: %s\nwant: %s", name, got, want)
		}
	}
	// compare.csv has no timing columns.
	got, _ := os.ReadFile(filepath.Join(merged, CompareFile))
	want, _ := os.ReadFile(filepath.Join(whole, CompareFile))
	if !bytes.Equal(got, want) {
		t.Errorf("%s of merged shards differs from the unsharded run", CompareFile)
	}
	for _, name := range []string{SummaryFile, TargetsFile, BenchFile} {
		if _, err := os.Stat(filepath.Join(merged, name)); err != nil {
			t.Error(err)
		}
	}
	m, err := ReadManifest(merged)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ReadManifest(whole)
	if m.Shard != 0 || m.Shards != 1 || !m.Complete || m.ConfigHash != w.ConfigHash || m.Runs != w.Runs {
		t.Errorf("merged manifest: shard %d/%d complete %v hash %.12s runs %d; want 0/1 true %.12s %d",
			m.Shard, m.Shards, m.Complete, m.ConfigHash, m.Runs, w.ConfigHash, w.Runs)
	}
	if m.Workers != n*2 {
		t.Errorf("merged manifest: workers = %d, want %d", m.Workers, n*2)
	}
	if len(m.History) != n+1 || m.History[n].Workers != 0 {
		t.Errorf("merged manifest: history %+v, want the %d shards' runs and the merge", m.History, n)
	}
	if len(m.Checksums) != 2 {
		t.Errorf("merged manifest: checksums %v, want runs.csv's and trace.csv's", m.Checksums)
	}
	// Merging again into the same folder is allowed and gives the same runs.
	if err := Merge(context.Background(), merged, shards); err != nil {
		t.Errorf("second merge into %s: %v", merged, err)
	}
	// The merged folder resumes as a finished unsharded run.
	runInto(t, mergeConfig, merged, Options{Workers: 1})
	if got, want := untimed(t, merged, RunsFile), untimed(t, whole, RunsFile); !bytes.Equal(got, want) {
		t.Errorf("rerun over the merged folder changed %s", RunsFile)
	}
}

func TestMergeErrors(t *testing.T) {
	root := t.TempDir()
	shard := func(name string, cfg Config, i, n int) string {
		d := filepath.Join(root, name)
		runInto(t, cfg, d, Options{Workers: 2, Shard: i, Shards: n})
		return d
	}
	s0 := shard("s0", mergeConfig, 0, 2)
	s1 := shard("s1", mergeConfig, 1, 2)
	other := mergeConfig
	other.Seeds = 2
	o1 := shard("o1", other, 1, 2)
	t0 := shard("t0", mergeConfig, 0, 3)
	whole := shard("whole", mergeConfig, 0, 1)

	// A shard whose manifest says incomplete.
	inc := filepath.Join(root, "inc")
	runInto(t, mergeConfig, inc, Options{Workers: 2, Shard: 1, Shards: 2})
	man, err := ReadManifest(inc)
	if err != nil {
		t.Fatal(err)
	}
	man.Complete = false
	if err := man.write(inc); err != nil {
		t.Fatal(err)
	}
	// A shard with a run missing from runs.csv.
	short := filepath.Join(root, "short")
	runInto(t, mergeConfig, short, Options{Workers: 2, Shard: 1, Shards: 2})
	data, err := os.ReadFile(filepath.Join(short, RunsFile))
	if err != nil {
		t.Fatal(err)
	}
	ls := strings.SplitAfter(string(data), "\n")
	if err := os.WriteFile(filepath.Join(short, RunsFile), []byte(strings.Join(ls[:len(ls)-2], "")), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		out  string
		dirs []string
		want string // substring of the error
	}{
		{"none", filepath.Join(root, "m0"), nil, "no shard folders"},
		{"one missing", filepath.Join(root, "m1"), []string{s0}, "shards 1 of 0…1 have no folder among the arguments"},
		{"twice", filepath.Join(root, "m2"), []string{s0, s0}, "given twice"},
		{"other config", filepath.Join(root, "m3"), []string{s0, o1}, "same configuration"},
		{"other shard count", filepath.Join(root, "m4"), []string{s0, t0}, "shards"},
		{"incomplete", filepath.Join(root, "m5"), []string{s0, inc}, "unfinished, it stopped before finishing: rerun its command"},
		{"run missing", filepath.Join(root, "m6"), []string{s0, short}, "no row for run xor/irprop+/seed 3, whose trajectory is at trace.csv:"},
		{"out is a shard", s0, []string{s0, s1}, "is one of the shard folders"},
		{"out holds other results", o1, []string{s0, s1}, "holds other results"},
		{"not a results folder", filepath.Join(root, "m7"), []string{s0, filepath.Join(root, "nope")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Merge(context.Background(), tt.out, tt.dirs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Merge(%v) = %v, want an error containing %q", tt.dirs, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "bench: merge: ") {
				t.Errorf("error %q lacks the bench: merge: prefix", err)
			}
			if tt.out != s0 && tt.out != o1 {
				if _, err := os.Stat(filepath.Join(tt.out, RunsFile)); err == nil {
					t.Errorf("a failed merge wrote %s", filepath.Join(tt.out, RunsFile))
				}
			}
		})
	}
	// The unsharded folder counts as "one shard of one": merging it alone works.
	if err := Merge(context.Background(), filepath.Join(root, "copy"), []string{whole}); err != nil {
		t.Errorf("merging an unsharded folder: %v", err)
	}
}

// TestMergeShardStillRunning checks that merge tells a shard still being
// written (its folder locked by a running process) from one that stopped.
func TestMergeShardStillRunning(t *testing.T) {
	root := t.TempDir()
	cfg := Config{Problems: []string{"seed3"}, Optimizers: []string{"irprop-"}, Seeds: 4, Budget: 20}
	plan, err := NewPlan(cfg)
	require.NoError(t, err)
	s0, s1 := filepath.Join(root, "s0"), filepath.Join(root, "s1")
	require.NoError(t, Run(context.Background(), plan, s0, Options{Shard: 0, Shards: 2}))
	require.NoError(t, Run(context.Background(), plan, s1, Options{Shard: 1, Shards: 2}))
	man, err := ReadManifest(s1)
	require.NoError(t, err)
	man.Complete = false
	b, err := json.Marshal(man)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(s1, ManifestFile), b, 0o644))
	l, err := LockDir(s1) // as the shard's running process would hold it
	require.NoError(t, err)
	err = Merge(context.Background(), filepath.Join(root, "m"), []string{s0, s1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is still running")
	require.NoError(t, l.Unlock())
	err = Merge(context.Background(), filepath.Join(root, "m"), []string{s0, s1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stopped before finishing")
}
