package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

// smallRun is the folder in small: 2 problems × 3 optimizers × 2
// seeds.
var smallRun = []string{"run", "--problems", "seed3,xor", "--optimizers", "backprop,irprop-,ga", "--seeds", "2",
	"--budget", "2000", "--quiet"}

func runSmall(t *testing.T, dir string) {
	t.Helper()
	_, _, err := execute(context.Background(), append(slices.Clone(smallRun), "--out", dir)...)
	require.NoError(t, err)
}

// setFinalLoss sets final_loss of the first run with status target to v and
// returns its line.
func setFinalLoss(t *testing.T, dir, v string) int {
	t.Helper()
	path := filepath.Join(dir, bench.RunsFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	st, fl := slices.Index(rows[0], "status"), slices.Index(rows[0], "final_loss")
	for i, row := range rows[1:] {
		if row[st] == string(bench.StatusTarget) {
			row[fl] = v
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			require.NoError(t, w.WriteAll(rows))
			require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
			return i + 2
		}
	}
	t.Fatal("no run reached its targets")
	return 0
}

// snapshot returns the content of every file in dir (not in subfolders).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		if e.Type().IsRegular() {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			out[e.Name()] = string(data)
		}
	}
	return out
}

// TestVerifyCommand: a clean folder verifies (exit 0, "ok" per file); one
// impossible value (issue 13, case 1) makes verify, summarize, report, merge
// and the resume exit 1 naming runs.csv:LINE, and none of them writes
// anything.
func TestVerifyCommand(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	runSmall(t, dir)
	out, errOut, err := execute(ctx, "verify", dir)
	require.NoError(t, err)
	assert.Empty(t, errOut)
	assert.Regexp(t, `(?m)^.*manifest\.json: ok \(config [0-9a-f]{12}, 12 runs planned, complete\)$`, out)
	assert.Regexp(t, `(?m)^.*trace\.csv: ok \(\d+ points, sha256 as recorded\)$`, out)
	assert.Regexp(t, `(?m)^.*runs\.csv: ok \(12 rows, sha256 as recorded\)$`, out)

	line := setFinalLoss(t, dir, "1e308")
	want := regexp.QuoteMeta(filepath.Join(dir, bench.RunsFile)) + `:` + itoa(line) + `: final_loss 1e\+308 differs from the last point of its trajectory, trace\.csv:\d+ \(expected .+, to the last bit\)`
	before := snapshot(t, dir)

	out, errOut, err = execute(ctx, "verify", dir)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
	assert.Regexp(t, `(?m)runs\.csv: DAMAGED: 2 problems, the first at line `+itoa(line)+`$`, out)
	assert.Regexp(t, `(?m)^`+want+`$`, errOut)
	assert.Regexp(t, `runs\.csv: content sha256 .* differs`, errOut)

	merged := filepath.Join(t.TempDir(), "merged")
	for _, args := range [][]string{
		{"summarize", dir},
		{"report", dir},
		{"merge", "--out", merged, dir},
		append(slices.Clone(smallRun), "--out", dir),
	} {
		_, _, err := execute(ctx, args...)
		require.Error(t, err, "%v", args)
		assert.Equal(t, 1, exitCode(err), "%v: %v", args, err)
		assert.Regexp(t, want, err.Error(), "%v", args)
		assert.Equal(t, before, snapshot(t, dir), "%v changed the folder", args)
	}
	assert.NoDirExists(t, merged, "a failed merge left the folder it made")

	// The advice is --force, which moves the damaged files aside.
	_, _, err = execute(ctx, append(slices.Clone(smallRun), "--out", dir)...)
	assert.Contains(t, message(err), "--force to move the folder's files aside")
	_, _, err = execute(ctx, append(slices.Clone(smallRun), "--out", dir, "--force")...)
	require.NoError(t, err)
	old, err := filepath.Glob(filepath.Join(dir, ".old-*", bench.RunsFile))
	require.NoError(t, err)
	require.Len(t, old, 1)
	data, err := os.ReadFile(old[0])
	require.NoError(t, err)
	assert.Equal(t, before[bench.RunsFile], string(data))
	_, _, err = execute(ctx, "verify", dir)
	require.NoError(t, err)
}

// TestLockedFolder: summarize and a run are refused (exit 1, naming the
// holder's PID) while another process writes the folder.
func TestLockedFolder(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	runSmall(t, dir)
	l, err := bench.LockDir(dir)
	require.NoError(t, err)
	defer l.Unlock()
	for _, args := range [][]string{{"summarize", dir}, append(slices.Clone(smallRun), "--out", dir)} {
		_, _, err := execute(ctx, args...)
		require.ErrorIs(t, err, bench.ErrLocked, "%v", args)
		assert.Equal(t, 1, exitCode(err))
		assert.Regexp(t, `is being written by pid \d+ host `, err.Error())
	}
	// verify only reads: it is not refused.
	_, _, err = execute(ctx, "verify", dir)
	require.NoError(t, err)
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestSignals: summarize, report and merge stop on the first SIGINT or
// SIGTERM (sent here as soon as the signals are handled) with exit status
// 130 or 143, without writing anything.
func TestSignals(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	runSmall(t, dir)
	require.NoError(t, os.Remove(filepath.Join(dir, bench.SummaryFile)))
	// A temporary file of a write killed by SIGKILL.
	stale := filepath.Join(dir, ".summary.csv.tmp123")
	require.NoError(t, os.WriteFile(stale, []byte("half"), 0o644))
	merged := filepath.Join(t.TempDir(), "merged")
	for _, tt := range []struct {
		sig  syscall.Signal
		args []string
		code int
	}{
		{syscall.SIGINT, []string{"summarize", dir}, 130},
		{syscall.SIGTERM, []string{"summarize", dir}, 143},
		{syscall.SIGTERM, []string{"report", dir}, 143},
		{syscall.SIGINT, []string{"merge", "--out", merged, dir}, 130},
	} {
		afterNotify = func(ctx context.Context) {
			syscall.Kill(os.Getpid(), tt.sig)
			<-ctx.Done()
		}
		var stdout, stderr bytes.Buffer
		code := Main(tt.args, &stdout, &stderr)
		afterNotify = nil
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, stderr.String())
		assert.Contains(t, stderr.String(), "interrupted before writing anything")
		assert.NoFileExists(t, filepath.Join(dir, bench.SummaryFile))
		assert.NoFileExists(t, filepath.Join(dir, "REPORT.md"))
		assert.NoFileExists(t, filepath.Join(merged, bench.RunsFile))
	}
	assert.NoFileExists(t, stale, "the lock's holder removes stale temporary files")

	// run and sweep: SIGTERM is 143 too, and the same command resumes.
	for _, args := range [][]string{
		append(slices.Clone(smallRun), "--out", filepath.Join(t.TempDir(), "run")),
		{"sweep", "--out", filepath.Join(t.TempDir(), "sweep"), "--problem", "xor", "--optimizer", "backprop", "--grid", "lr=1,2",
			"--seeds", "2", "--budget", "50", "--quiet"},
	} {
		afterNotify = func(ctx context.Context) {
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			<-ctx.Done()
		}
		var stdout, stderr bytes.Buffer
		code := Main(args, &stdout, &stderr)
		afterNotify = nil
		assert.Equal(t, 143, code, "%v: %s", args, stderr.String())
		assert.Contains(t, stderr.String(), "rerun the same command to resume")
		assert.Contains(t, stderr.String(), "(SIGTERM)")
		assert.Equal(t, 0, Main(args, &stdout, &stderr), "%v: %s", args, stderr.String())
	}
}

// TestVerifySweep: verify checks every grid point of a sweep folder.
func TestVerifySweep(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "sweep")
	_, _, err := execute(ctx, "sweep", "--out", dir, "--problem", "xor", "--optimizer", "backprop", "--grid", "lr=1,2",
		"--seeds", "2", "--budget", "50", "--quiet")
	require.NoError(t, err)
	out, _, err := execute(ctx, "verify", dir)
	require.NoError(t, err)
	assert.Regexp(t, `(?m)point-1/runs\.csv: ok \(2 rows, sha256 as recorded\)$`, out)

	line := 2
	path := filepath.Join(dir, "point-1", bench.RunsFile)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	ls := strings.SplitAfter(string(data), "\n")
	ls[line-1] = strings.Replace(ls[line-1], ",budget,", ",plateau,", 1)
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(ls, "")), 0o644))
	out, errOut, err := execute(ctx, "verify", dir)
	require.Error(t, err)
	assert.Equal(t, 1, exitCode(err))
	assert.Regexp(t, `(?m)point-1/runs\.csv: DAMAGED: 2 problems, the first at line 2$`, out)
	assert.Contains(t, errOut, path+`:2: floor "", floor_iteration "" with status plateau (expected both)`)
	assert.Contains(t, err.Error(), "1 of 2 grid points are damaged")
}

// TestEstimate: a very large experiment is announced with its size before
// it starts; an ordinary one is not.
func TestEstimate(t *testing.T) {
	for _, tt := range []struct {
		cfg  bench.Config
		want string
	}{
		{bench.Config{Problems: []string{"xor"}, Optimizers: []string{"backprop"}, Seeds: 100000, Budget: 1000000000},
			"optbench: note: a large experiment: 100000 runs × up to 1000000000 iterations, 1e+14 iterations at most"},
		{bench.Config{Problems: []string{"xor"}, Optimizers: []string{"backprop"}, Seeds: 30, Budget: 100000}, ""},
	} {
		plan, err := bench.NewPlan(tt.cfg)
		require.NoError(t, err)
		var b bytes.Buffer
		estimate(&b, plan)
		if tt.want == "" {
			assert.Empty(t, b.String())
		} else {
			assert.Contains(t, b.String(), tt.want)
		}
	}
}
