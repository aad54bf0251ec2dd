package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockFile is the name of the lock file of a results folder (see Lock).
const LockFile = ".lock"

// ErrLocked is returned (wrapped in a *LockedError) when another process
// holds a results folder's lock.
var ErrLocked = errors.New("bench: results folder is locked")

// LockedError says who holds the lock of a results folder.
type LockedError struct {
	Dir    string
	Holder string // the lock file's content: "pid N host H since T", or "" if unknown
}

// Error names the folder, the lock's holder and what to do.
func (e *LockedError) Error() string {
	h := e.Holder
	if h == "" {
		h = "another process"
	}
	return fmt.Sprintf("bench: %s is being written by %s (lock %s); wait for it to finish, or use another folder",
		e.Dir, h, filepath.Join(e.Dir, LockFile))
}

// Unwrap returns ErrLocked.
func (e *LockedError) Unwrap() error { return ErrLocked }

// Lock is an exclusive advisory lock on a results folder, held by one
// process while it writes there (run, sweep, merge, summarize, report).
type Lock struct {
	f *os.File
}

// LockDir takes the exclusive lock of the results folder dir, which must
// exist: an advisory lock (flock) on dir/.lock, into which it writes this
// process's PID, host and start time. Once it holds the lock it removes
// the temporary files of interrupted atomic writes (".NAME.tmp…") left by
// a killed process. If another process holds it, it
// returns a *LockedError naming the holder at once rather than waiting. The
// kernel releases the lock when its process ends, however it ends, so the
// lock of a process that was killed is simply taken over.
func LockDir(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("bench: lock %s: %w", dir, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: lock %s: %w", dir, err)
	}
	if !held {
		data, _ := os.ReadFile(path)
		f.Close()
		return nil, &LockedError{Dir: dir, Holder: strings.TrimSpace(string(data))}
	}
	host, _ := os.Hostname()
	info := fmt.Sprintf("pid %d host %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(info), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("bench: lock %s: %w", dir, err)
	}
	removeStaleTemps(dir)
	return &Lock{f: f}, nil
}

// removeStaleTemps removes the temporary files of atomic writes
// (".NAME.tmp…", see WriteFileAtomic and plots.Save) left in dir by a
// process that was killed: with dir locked, no live writer owns one.
func removeStaleTemps(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp") {
			os.Remove(filepath.Join(dir, n))
		}
	}
}

// Unlock releases the lock; the lock file stays (removing it would let two
// processes lock two different files).
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing releases the flock
	l.f = nil
	return err
}
