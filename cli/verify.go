package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/optbench/optbench/bench"
)

func verifySetup(w io.Writer) (*flag.FlagSet, runFunc) {
	fs := newFlagSet("verify", `usage: optbench verify DIR

Check the results folder DIR (or each grid point of the sweep in DIR)
without changing it, as every command that reads one does first
(summarize, report, merge and a resumed run): the manifest's config and
hash, every row of runs.csv and every point of trace.csv (finite,
in-range values; each row consistent with its own columns and, to the
last bit, with its trajectory; every planned run exactly once), and in a
finished folder the sha256 of runs.csv and trace.csv that the manifest
recorded. Prints one verdict line per file, then every problem as
FILE:LINE: what is wrong (expected …) on standard error. Exit status 0
when the folder is sound, 1 otherwise. Useful after copying results
between machines and before publishing them.
`, w)
	return fs, func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		dir, err := folderArg("verify", args)
		if err != nil {
			return err
		}
		return verify(dir, stdout, stderr)
	}
}

// folderArg returns the one results folder of a command's arguments.
func folderArg(cmd string, args []string) (string, error) {
	if len(args) != 1 {
		return "", usagef("%s: want one results folder, got %d arguments", cmd, len(args))
	}
	if args[0] == "" {
		return "", usagef("%s: the results folder is an empty name; want a folder", cmd)
	}
	return args[0], nil
}

// verify checks the results folder dir, or every point of the sweep in
// dir.
func verify(dir string, stdout, stderr io.Writer) error {
	sm, err := bench.ReadSweepManifest(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return verifyOne(dir, stdout, stderr)
	case err != nil:
		return err
	}
	damaged := 0
	for _, pt := range sm.Points {
		if err := verifyOne(filepath.Join(dir, pt.Dir), stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "optbench: %v\n", err)
			damaged++
		}
	}
	if damaged > 0 {
		return fmt.Errorf("sweep %s: %d of %d grid points are damaged or unreadable (listed above)", dir, damaged, len(sm.Points))
	}
	return nil
}

func verifyOne(dir string, stdout, stderr io.Writer) error {
	v, err := bench.Verify(dir)
	if err != nil {
		return err
	}
	n := 0
	for _, f := range v.Files {
		fmt.Fprintf(stdout, "%s: %s\n", f.File, verdict(v, f))
		n += len(f.Findings)
	}
	for _, f := range v.Files {
		for _, fd := range f.Findings {
			fmt.Fprintln(stderr, fd)
		}
	}
	if n > 0 {
		return fmt.Errorf("%s is damaged: %d problems (listed above)", dir, n)
	}
	return nil
}

// verdict is the one-line verdict on a file of a results folder.
func verdict(v *bench.Verification, f bench.FileVerdict) string {
	if k := len(f.Findings); k > 0 {
		first := f.Findings[0]
		at := ""
		if first.Line > 0 {
			at = fmt.Sprintf(", the first at line %d", first.Line)
		}
		if k == 1 {
			return fmt.Sprintf("DAMAGED: 1 problem%s", at)
		}
		return fmt.Sprintf("DAMAGED: %d problems%s", k, at)
	}
	m := v.Manifest
	switch filepath.Base(f.File) {
	case bench.ManifestFile:
		state := "complete"
		if !m.Complete {
			state = "unfinished (rerun its command to resume)"
		}
		return fmt.Sprintf("ok (config %.12s, %d runs planned, %s)", m.ConfigHash, m.Runs, state)
	}
	what := "rows"
	if filepath.Base(f.File) == bench.TraceFile {
		what = "points"
	}
	s := fmt.Sprintf("ok (%d %s", f.Rows, what)
	switch {
	case f.Recorded != "":
		s += ", sha256 as recorded"
	case m.Complete:
		s += ", no sha256 recorded (written by an older optbench)"
	}
	if f.Tolerated > 0 {
		s += fmt.Sprintf("; %d lines of an interrupted append, redone on resume", f.Tolerated)
	}
	return s + ")"
}

// outFolder makes sure the --out (or other) folder path can hold results:
// it creates it if missing and checks that files can be written there. Any
// problem is a usage error naming the flag.
func outFolder(flagName, path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && !fi.IsDir():
		kind := "a file"
		if fi.Mode()&(os.ModeDevice|os.ModeCharDevice) != 0 {
			kind = "a device"
		}
		return usagef("%s %s: is %s, not a folder; want a results folder", flagName, path, kind)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return usagef("%s %s: %v; want a results folder", flagName, path, unwrapPath(err))
	case err != nil:
		if err := os.MkdirAll(path, 0o755); err != nil {
			return usagef("%s %s: cannot create the folder: %v", flagName, path, unwrapPath(err))
		}
	}
	f, err := os.CreateTemp(path, ".optbench-probe-*")
	if err != nil {
		return usagef("%s %s: cannot write into the folder: %v", flagName, path, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// lockFolder takes dir's lock (bench.LockDir) when dir is a folder, for a
// command that writes into it; a missing folder is left for the command to
// report.
func lockFolder(dir string) (*bench.Lock, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, nil
	}
	return bench.LockDir(dir)
}
