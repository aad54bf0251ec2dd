package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Options control how an experiment is executed; none of them changes its
// results. The zero value runs everything with GOMAXPROCS workers.
type Options struct {
	// Workers is the number of runs in flight. If 0, GOMAXPROCS.
	Workers int
	// Shard and Shards select a deterministic 1/Shards of the runs: those
	// whose index in the canonical order is Shard modulo Shards
	// (0 ≤ Shard < Shards). Shards 0 means 1 (everything).
	Shard, Shards int
	// Force allows overwriting a folder made with another configuration.
	Force bool
	// Progress, if set, is called after each finished run with the number
	// of runs done (including ones found on disk) and the total.
	Progress func(done, total int)
}

// ErrConfigMismatch is returned by Run when the output folder holds results
// of a different configuration and Options.Force is false.
var ErrConfigMismatch = errors.New("bench: output folder holds results of a different configuration")

// Run executes plan into dir: it writes manifest.json, appends each
// finished run to runs.csv and trace.csv, and when every run is done writes
// them again in canonical order with summary.csv, targets.csv, compare.csv
// and results.bench. Rerunning the same plan into the same folder resumes:
// finished runs are kept and a torn last line is dropped and its run redone.
// When ctx is cancelled, Run stops starting runs, abandons those in flight,
// keeps every finished one on disk and returns an error wrapping ctx.Err().
func Run(ctx context.Context, plan *Plan, dir string, opt Options) error {
	if opt.Shards == 0 {
		opt.Shards = 1
	}
	if opt.Shards < 1 || opt.Shard < 0 || opt.Shard >= opt.Shards {
		return fmt.Errorf("bench: shard %d/%d: want 0 ≤ i < n", opt.Shard, opt.Shards)
	}
	if opt.Workers == 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Workers < 1 {
		return fmt.Errorf("bench: workers = %d: want ≥ 1", opt.Workers)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	var mine []Task
	for _, t := range plan.Tasks {
		if t.Index%opt.Shards == opt.Shard {
			mine = append(mine, t)
		}
	}
	man := newManifest(plan, opt, len(mine))
	done, err := prepare(dir, man, opt.Force)
	if err != nil {
		return err
	}
	if err := man.write(dir); err != nil {
		return err
	}
	var todo []Task
	byKey := map[RunID]*Record{}
	for _, r := range done {
		byKey[r.ID()] = r
	}
	for _, t := range mine {
		if _, ok := byKey[t.ID()]; !ok {
			todo = append(todo, t)
		}
	}
	nDone := len(mine) - len(todo)
	if opt.Progress != nil {
		opt.Progress(nDone, len(mine))
	}

	j, err := openJournal(dir)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	tasks := make(chan Task)
	results := make(chan *Record)
	runErr := make(chan error, opt.Workers)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range tasks {
				r, err := Execute(ctx, t, plan.Config)
				if err != nil {
					if ctx.Err() == nil {
						select {
						case runErr <- fmt.Errorf("bench: run %s: %w", t.ID(), err):
						default: // the buffer holds enough errors to report
						}
					}
					continue
				}
				results <- r
			}
		}()
	}
	go func() {
		defer close(tasks)
		for _, t := range todo {
			select {
			case tasks <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var werr error
	for r := range results {
		if werr == nil {
			if werr = j.add(r); werr == nil {
				byKey[r.ID()] = r
				nDone++
				if opt.Progress != nil {
					opt.Progress(nDone, len(mine))
				}
			}
		}
	}
	if err := j.close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("bench: append results in %s: %w", dir, werr)
	}
	select {
	case err := <-runErr:
		return err
	default:
	}
	if ctx.Err() != nil {
		return fmt.Errorf("bench: interrupted with %d of %d runs on disk in %s; rerun the same command to resume: %w",
			nDone, len(mine), dir, ctx.Err())
	}
	// Everything is done: rewrite in canonical order and summarize.
	recs := make([]*Record, 0, len(mine))
	for _, t := range mine {
		recs = append(recs, byKey[t.ID()])
	}
	if err := writeRecords(dir, recs); err != nil {
		return err
	}
	if err := WriteSummaries(dir, plan, recs); err != nil {
		return err
	}
	man.End, man.Complete = time.Now().UTC(), true
	return man.write(dir)
}

// prepare checks dir against the manifest, and returns the runs already
// finished there after rewriting runs.csv and trace.csv without torn lines
// or partial trajectories.
func prepare(dir string, man *Manifest, force bool) ([]*Record, error) {
	old, err := ReadManifest(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, err := os.Stat(filepath.Join(dir, RunsFile)); err == nil && !force {
			return nil, fmt.Errorf("%w: %s has %s but no %s; use --force to overwrite", ErrConfigMismatch, dir, RunsFile, ManifestFile)
		}
		return nil, fresh(dir)
	case err != nil:
		if !force {
			return nil, fmt.Errorf("%w: %v; use --force to overwrite", ErrConfigMismatch, err)
		}
		return nil, fresh(dir)
	case old.ConfigHash != man.ConfigHash || old.Shard != man.Shard || old.Shards != man.Shards:
		if !force {
			what := DiffConfig(old.Config, man.Config)
			if old.Shard != man.Shard || max(old.Shards, 1) != max(man.Shards, 1) {
				what = append(what, fmt.Sprintf("shard %d/%d → %d/%d", old.Shard, max(old.Shards, 1), man.Shard, max(man.Shards, 1)))
			}
			if len(what) == 0 {
				what = []string{fmt.Sprintf("config hash %.12s → %.12s (written by another version of optbench)", old.ConfigHash, man.ConfigHash)}
			}
			return nil, fmt.Errorf("%w: %s was made with another configuration: %s; use --force to overwrite, or another --out",
				ErrConfigMismatch, dir, strings.Join(what, "; "))
		}
		return nil, fresh(dir)
	}
	recs, err := LoadRuns(dir)
	if err != nil {
		if !force {
			return nil, fmt.Errorf("%w: %v; use --force to start over", ErrConfigMismatch, err)
		}
		return nil, fresh(dir)
	}
	// Runs whose trace is missing (interrupted between the two appends)
	// are redone.
	kept := recs[:0]
	for _, r := range recs {
		if len(r.Trace) > 0 && r.Trace[len(r.Trace)-1].Iter == r.Iters {
			kept = append(kept, r)
		}
	}
	if err := writeRecords(dir, kept); err != nil {
		return nil, err
	}
	return kept, nil
}

// fresh empties dir's results files and writes empty runs.csv and trace.csv.
func fresh(dir string) error {
	for _, name := range []string{SummaryFile, TargetsFile, CompareFile, BenchFile} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("bench: %w", err)
		}
	}
	return writeRecords(dir, nil)
}

// DiffConfig lists what differs between two configurations, field by field
// as the manifest spells them ("seeds 5 → 10"), with a sentence for each
// problem whose data or network changed. Both are compared with defaults
// filled in.
func DiffConfig(old, cur Config) []string {
	a, b := old.withDefaults(), cur.withDefaults()
	var out []string
	for name, fp := range a.Fingerprints {
		if nfp, ok := b.Fingerprints[name]; ok && nfp != fp {
			out = append(out, fmt.Sprintf("the data or network of problem %s changed (fingerprint %.12s → %.12s)", name, fp, nfp))
		}
	}
	a.Fingerprints, b.Fingerprints = nil, nil
	var ma, mb map[string]any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	json.Unmarshal(ja, &ma)
	json.Unmarshal(jb, &mb)
	keys := map[string]bool{}
	for k := range ma {
		keys[k] = true
	}
	for k := range mb {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		va, _ := json.Marshal(ma[k])
		vb, _ := json.Marshal(mb[k])
		if string(va) != string(vb) {
			out = append(out, fmt.Sprintf("%s %s → %s", k, va, vb))
		}
	}
	return out
}
