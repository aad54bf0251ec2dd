package bench_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/optbench/optbench/bench"
)

func TestLockDir(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock")
	}
	dir := t.TempDir()
	l, err := bench.LockDir(dir)
	require.NoError(t, err)
	host, _ := os.Hostname()
	_, err = bench.LockDir(dir)
	var lerr *bench.LockedError
	require.ErrorAs(t, err, &lerr)
	assert.ErrorIs(t, err, bench.ErrLocked)
	assert.Contains(t, err.Error(), fmt.Sprintf("pid %d host %s since ", os.Getpid(), host))
	require.NoError(t, l.Unlock())
	l, err = bench.LockDir(dir)
	require.NoError(t, err, "an unlocked folder locks again")
	require.NoError(t, l.Unlock())
}

// TestLockHelper is the process of TestLockStale that takes a lock and is
// killed; it does nothing in a normal test run.
func TestLockHelper(t *testing.T) {
	dir := os.Getenv("OPTBENCH_LOCK_HELPER_DIR")
	if dir == "" {
		return
	}
	if _, err := bench.LockDir(dir); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// TestLockStale: the lock of a process that was killed (SIGKILL: no
// cleanup) is taken over by the next writer.
func TestLockStale(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "OPTBENCH_LOCK_HELPER_DIR="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "locked\n", line)

	_, err = bench.LockDir(dir)
	require.ErrorIs(t, err, bench.ErrLocked)
	assert.Contains(t, err.Error(), fmt.Sprintf("pid %d ", cmd.Process.Pid), "the holder is named")

	require.NoError(t, cmd.Process.Kill())
	cmd.Wait()
	l, err := bench.LockDir(dir)
	require.NoError(t, err, "the lock of a killed process is taken over")
	require.NoError(t, l.Unlock())
}

// TestRunConcurrent starts a second run into a folder while the first is
// writing it: the second is refused with the holder's PID, and the first
// finishes identical to an uninterrupted run.
func TestRunConcurrent(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no flock")
	}
	ref := t.TempDir()
	xpRun(t, xpConfig, ref, bench.Options{Workers: 2})
	dir := t.TempDir()
	started, proceed := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		once := false
		first <- bench.Run(context.Background(), xpPlan(t, xpConfig), dir, bench.Options{Workers: 2, Progress: func(done, _ int) {
			if !once && done >= 3 {
				once = true
				close(started)
				<-proceed
			}
		}})
	}()
	<-started
	before := rawFile(t, dir, bench.RunsFile)
	err := bench.Run(context.Background(), xpPlan(t, xpConfig), dir, bench.Options{Workers: 2})
	var lerr *bench.LockedError
	require.ErrorAs(t, err, &lerr)
	assert.Contains(t, err.Error(), fmt.Sprintf("pid %d ", os.Getpid()))
	assert.Equal(t, before, rawFile(t, dir, bench.RunsFile), "the refused run wrote into the folder")
	// Another configuration is refused by the lock too, before anything.
	other := xpConfig
	other.Seeds = 2
	err = bench.Run(context.Background(), xpPlan(t, other), dir, bench.Options{Force: true})
	require.True(t, errors.Is(err, bench.ErrLocked), "err = %v", err)
	close(proceed)
	require.NoError(t, <-first)
	xpSameResults(t, ref, dir)
}

// TestRunFinalRewriteFails: when the final rewrite cannot be written (here
// trace.csv has become a folder; on a full disk alike), the error says that
// every run is safe on disk and that rerunning finishes.
func TestRunFinalRewriteFails(t *testing.T) {
	dir := t.TempDir()
	plan := xpPlan(t, bench.Config{Problems: []string{"xor"}, Optimizers: []string{"irprop-"}, Seeds: 2, Budget: 50})
	err := bench.Run(context.Background(), plan, dir, bench.Options{Workers: 1, Progress: func(done, total int) {
		if done == total {
			require.NoError(t, os.Remove(filepath.Join(dir, bench.TraceFile)))
			require.NoError(t, os.MkdirAll(filepath.Join(dir, bench.TraceFile, "x"), 0o755))
		}
	}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "final rewrite of runs.csv and trace.csv in canonical order failed")
	assert.Contains(t, err.Error(), "all 2 runs are safe on disk as appended, and rerunning the same command")
}

// TestManifestHistory: a resume adds an invocation to the manifest's
// history instead of overwriting the first one's start, end and workers.
func TestManifestHistory(t *testing.T) {
	dir := t.TempDir()
	xpInterrupt(t, xpConfig, dir, 3)
	first, err := bench.ReadManifest(dir)
	require.NoError(t, err)
	require.Len(t, first.History, 1)
	assert.Equal(t, 2, first.History[0].Workers)
	assert.True(t, first.History[0].End.IsZero(), "an interrupted invocation has no end")

	xpRun(t, xpConfig, dir, bench.Options{Workers: 1})
	m, err := bench.ReadManifest(dir)
	require.NoError(t, err)
	require.Len(t, m.History, 2)
	assert.Equal(t, first.History[0], m.History[0], "the first invocation is kept")
	assert.Equal(t, 1, m.History[1].Workers)
	assert.Equal(t, m.End, m.History[1].End)
	assert.Equal(t, m.Start, m.History[1].Start)
	assert.NotEmpty(t, m.History[1].Revision)
}
