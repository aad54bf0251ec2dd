package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Merge combines the folders of a sharded experiment (Run with
// Options.Shards = n, one folder per shard) into out, which then holds what
// an unsharded run would have written: runs.csv and trace.csv in canonical
// order, the summaries and a complete manifest with Shard 0 and Shards 1.
// Only the timing columns (TimingColumns) differ from an unsharded run.
//
// Every folder must hold a complete shard of the same configuration, and
// shards 0 … n−1 must each be given exactly once; every planned run must be
// present exactly once, in the shard it belongs to. out may not be one of
// dirs, and if it already holds results they must be of the same
// configuration and unsharded (a previous merge), so that merging never
// overwrites another experiment.
//
// The manifest records the earliest shard start and the latest shard end;
// its machine fields (Go version, CPU, revision, …) list the distinct values
// of the shards, joined by " | "; Workers is the sum of the shards' workers
// and GOMAXPROCS their maximum; History lists the shards' invocations and
// the merge's.
//
// When ctx is cancelled, Merge stops before writing anything and returns
// an error wrapping ctx.Err().
func Merge(ctx context.Context, out string, dirs []string) error {
	if len(dirs) == 0 {
		return errors.New("bench: merge: no shard folders")
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	mans := make([]*Manifest, len(dirs))
	for i, d := range dirs {
		if abs, err := filepath.Abs(d); err == nil && abs == absOut {
			return fmt.Errorf("bench: merge: output folder %s is one of the shard folders", out)
		}
		m, err := ReadManifest(d)
		if err != nil {
			return fmt.Errorf("bench: merge: %w", err)
		}
		mans[i] = m
	}
	first := mans[0]
	n := first.Shards
	if n < 1 {
		n = 1
	}
	byShard := make([]string, n) // folder of each shard
	for i, m := range mans {
		switch {
		case m.ConfigHash != first.ConfigHash:
			return fmt.Errorf("bench: merge: %s has config %.12s, %s has %.12s; shards must come from the same configuration",
				dirs[i], m.ConfigHash, dirs[0], first.ConfigHash)
		case max(m.Shards, 1) != n:
			return fmt.Errorf("bench: merge: %s is one of %d shards, %s one of %d", dirs[i], m.Shards, dirs[0], n)
		case m.Shard < 0 || m.Shard >= n:
			return fmt.Errorf("bench: merge: %s has shard %d, want 0 ≤ shard < %d", dirs[i], m.Shard, n)
		case byShard[m.Shard] != "":
			return fmt.Errorf("bench: merge: shard %d/%d given twice: %s and %s", m.Shard, n, byShard[m.Shard], dirs[i])
		}
		byShard[m.Shard] = dirs[i]
	}
	// Every reason not to merge yet, at once: unfinished shards (still
	// running, or stopped) and shards without a folder.
	var problems []string
	for i, m := range mans {
		if m.Complete {
			continue
		}
		state := "it stopped before finishing: rerun its command to finish it (finished runs are kept)"
		if l, err := LockDir(dirs[i]); err != nil {
			var le *LockedError
			if errors.As(err, &le) {
				state = "it is still running (" + le.Holder + "): wait for it"
			}
		} else {
			l.Unlock()
		}
		problems = append(problems, fmt.Sprintf("shard %d/%d in %s is unfinished, %s", m.Shard, n, dirs[i], state))
	}
	var absent []string
	for i, d := range byShard {
		if d == "" {
			absent = append(absent, fmt.Sprint(i))
		}
	}
	if len(absent) > 0 {
		problems = append(problems, fmt.Sprintf("shards %s of 0…%d have no folder among the arguments (not started, or not given); want one folder per shard", strings.Join(absent, ", "), n-1))
	}
	if len(problems) > 0 {
		return fmt.Errorf("bench: merge: %s", strings.Join(problems, "; "))
	}
	if err := checkMergeTarget(out, first.ConfigHash); err != nil {
		return err
	}

	_, plan, err := LoadPlan(dirs[0])
	if err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	index := make(map[RunID]int, len(plan.Tasks))
	for _, t := range plan.Tasks {
		index[t.ID()] = t.Index
	}
	recs := make([]*Record, len(plan.Tasks))
	for i, d := range dirs {
		shard := mans[i].Shard
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bench: merge: interrupted before writing anything: %w", err)
		}
		rs, err := LoadRuns(d)
		if err != nil {
			return fmt.Errorf("bench: merge: %w", err)
		}
		for _, r := range rs {
			k := r.ID()
			idx, ok := index[k]
			switch {
			case !ok:
				return fmt.Errorf("bench: merge: %s has run %s, which is not in the experiment", d, k)
			case idx%n != shard:
				return fmt.Errorf("bench: merge: %s (shard %d/%d) has run %s, which belongs to shard %d", d, shard, n, k, idx%n)
			case recs[idx] != nil:
				return fmt.Errorf("bench: merge: run %s appears twice", k)
			case len(r.Trace) == 0 || r.Trace[len(r.Trace)-1].Iter != r.Iters:
				return fmt.Errorf("bench: merge: run %s in %s has an incomplete trajectory in %s", k, d, TraceFile)
			}
			recs[idx] = r
		}
	}
	var missing []string
	for i, r := range recs {
		if r == nil {
			t := plan.Tasks[i]
			missing = append(missing, fmt.Sprintf("%s (shard %d)", t.ID(), i%n))
		}
	}
	if nm := len(missing); nm > 0 {
		more := ""
		if nm > 3 {
			more = fmt.Sprintf(" and %d more", nm-3)
			missing = missing[:3]
		}
		return fmt.Errorf("bench: merge: %d of %d runs are missing: %s%s", nm, len(recs), strings.Join(missing, ", "), more)
	}

	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bench: merge: interrupted before writing anything: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	lock, err := LockDir(out)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := checkMergeTarget(out, first.ConfigHash); err != nil {
		return err
	}
	setEnds(plan, recs)
	sums, err := writeRecords(out, recs)
	if err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bench: merge: interrupted after writing %s and %s, before the summaries and manifest; rerun the merge: %w",
			RunsFile, TraceFile, err)
	}
	if err := WriteSummaries(out, plan, recs); err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	man := mergedManifest(plan, mans, len(recs))
	man.Checksums = sums
	if err := man.write(out); err != nil {
		return fmt.Errorf("bench: merge: %w", err)
	}
	return nil
}

// checkMergeTarget refuses an output folder that holds results other than
// an unsharded run (or merge) of the configuration with the given hash.
func checkMergeTarget(out, hash string) error {
	m, err := ReadManifest(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, err := os.Stat(filepath.Join(out, RunsFile)); err == nil {
			return fmt.Errorf("bench: merge: %s has %s but no %s; choose an empty output folder", out, RunsFile, ManifestFile)
		}
		return nil
	case err != nil:
		return fmt.Errorf("bench: merge: output folder: %w", err)
	case m.ConfigHash != hash || max(m.Shards, 1) != 1:
		return fmt.Errorf("bench: merge: output folder %s holds other results (config %.12s, shard %d/%d); choose an empty output folder",
			out, m.ConfigHash, m.Shard, m.Shards)
	}
	return nil
}

// mergedManifest describes the union of the shards' manifests.
func mergedManifest(plan *Plan, mans []*Manifest, runs int) *Manifest {
	m := newManifest(plan, Options{Shard: 0, Shards: 1}, runs)
	m.Complete = true
	m.Start, m.End = mans[0].Start, mans[0].End
	m.Workers, m.GOMAXPROCS = 0, 0
	distinct := func(field func(*Manifest) string) string {
		var vals []string
		for _, s := range mans {
			if v := field(s); !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		return strings.Join(vals, " | ")
	}
	m.GoVersion = distinct(func(s *Manifest) string { return s.GoVersion })
	m.GOOS = distinct(func(s *Manifest) string { return s.GOOS })
	m.GOARCH = distinct(func(s *Manifest) string { return s.GOARCH })
	m.CPU = distinct(func(s *Manifest) string { return s.CPU })
	m.Module = distinct(func(s *Manifest) string { return s.Module })
	m.Revision = distinct(func(s *Manifest) string { return s.Revision })
	for _, s := range mans {
		m.Workers += s.Workers
		m.GOMAXPROCS = max(m.GOMAXPROCS, s.GOMAXPROCS)
		if s.Start.Before(m.Start) {
			m.Start = s.Start
		}
		if s.End.After(m.End) {
			m.End = s.End
		}
	}
	if m.End.IsZero() {
		m.End = time.Now().UTC()
	}
	for _, s := range mans {
		if len(s.History) == 0 {
			s.History = []Invocation{{Start: s.Start, End: s.End, Workers: s.Workers, Revision: s.Revision}}
		}
		m.History = append(m.History, s.History...)
	}
	slices.SortStableFunc(m.History, func(a, b Invocation) int { return a.Start.Compare(b.Start) })
	now := time.Now().UTC()
	m.History = append(m.History, Invocation{Start: now, End: now, Revision: m.Revision})
	return m
}
