package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/optbench/optbench/resultsfmt"
)

// Options control how an experiment is executed; none of them changes its
// results. The zero value runs everything with AvailableCPUs workers.
type Options struct {
	// Workers is the number of runs in flight. If 0, AvailableCPUs (the
	// CPUs the process may use: GOMAXPROCS, the affinity mask and a Slurm
	// task's SLURM_CPUS_PER_TASK); the manifest records which decided.
	Workers int
	// Shard and Shards select a deterministic 1/Shards of the runs: those
	// whose index in the canonical order is Shard modulo Shards
	// (0 ≤ Shard < Shards). Shards 0 means 1 (everything).
	Shard, Shards int
	// Force starts over in a folder made with another configuration, or
	// a damaged one, after moving its files into dir/.old-<time>/.
	Force bool
	// Progress, if set, is called after each finished run with the number
	// of runs done (including ones found on disk) and the total.
	Progress func(done, total int)
	// Phase, if set, is called as each phase after the runs begins:
	// "rewrite" (runs.csv and trace.csv in canonical order) and
	// "summaries", with the number of runs, so that a long bookkeeping
	// phase can be announced.
	Phase func(name string, runs int)
}

// RefusedError is returned by Run and RunSweep when the output folder
// holds results they will not resume (another configuration, or damaged
// files): nothing was changed. With Options.Force the folder's files are
// moved aside into Aside and the experiment starts over.
type RefusedError struct {
	Err   error  // why, wrapping ErrConfigMismatch or naming the damage
	Aside string // where Force would move the old files
}

// Error implements the error interface.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("%v; Options.Force moves the folder's files aside into %s and starts over", e.Err, e.Aside)
}

// Unwrap returns the reason.
func (e *RefusedError) Unwrap() error { return e.Err }

// ErrConfigMismatch is returned by Run when the output folder holds results
// of a different configuration and Options.Force is false.
var ErrConfigMismatch = errors.New("bench: output folder holds results of a different configuration")

// Run executes plan into dir: it writes manifest.json, appends each
// finished run to runs.csv and trace.csv, and when every run is done writes
// them again in canonical order with summary.csv, targets.csv, compare.csv
// and results.bench, and records the files' checksums in the manifest.
// Rerunning the same plan into the same folder resumes: finished runs are
// kept and a torn last line is dropped and its run redone. A folder that
// fails Verify otherwise is refused with a *DamagedError naming its files
// and lines, and one of another configuration with ErrConfigMismatch, unless
// opt.Force. Run holds dir's lock (LockDir) throughout: a folder another
// process writes is refused with a *LockedError.
// When ctx is cancelled, Run stops starting runs, abandons those in flight,
// keeps every finished one on disk and returns an error wrapping ctx.Err().
func Run(ctx context.Context, plan *Plan, dir string, opt Options) error {
	if opt.Shards == 0 {
		opt.Shards = 1
	}
	if opt.Shards < 1 || opt.Shard < 0 || opt.Shard >= opt.Shards {
		return fmt.Errorf("bench: shard %d/%d: want 0 ≤ i < n", opt.Shard, opt.Shards)
	}
	workersFrom := "option"
	if opt.Workers == 0 {
		opt.Workers, workersFrom = AvailableCPUs()
	}
	if opt.Workers < 1 {
		return fmt.Errorf("bench: workers = %d: want ≥ 1", opt.Workers)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	lock, err := LockDir(dir)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	var mine []Task
	for _, t := range plan.Tasks {
		if t.Index%opt.Shards == opt.Shard {
			mine = append(mine, t)
		}
	}
	man := newManifest(plan, opt, len(mine))
	man.WorkersFrom = workersFrom
	done, old, err := prepare(dir, man, plan, opt.Force)
	if err != nil {
		return err
	}
	if old != nil {
		man.History = old.History
	}
	man.History = append(man.History, Invocation{Start: man.Start, Workers: man.Workers, Revision: man.Revision})
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

	j, err := resultsfmt.OpenJournal(dir)
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
			if werr = j.Add(r); werr == nil {
				byKey[r.ID()] = r
				nDone++
				if opt.Progress != nil {
					opt.Progress(nDone, len(mine))
				}
			}
		}
	}
	if err := j.Close(); werr == nil {
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
	if opt.Phase != nil {
		opt.Phase("rewrite", len(recs))
	}
	setEnds(plan, recs)
	sums, err := writeRecords(dir, recs)
	if err != nil {
		return fmt.Errorf("bench: the final rewrite of %s and %s in canonical order failed (%w); all %d runs are safe on disk as appended, "+
			"and rerunning the same command (with free space for a copy of %s) finishes it", RunsFile, TraceFile, err, len(mine), TraceFile)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("bench: interrupted before the summaries, with all %d runs on disk in %s; rerun the same command to finish: %w",
			len(mine), dir, ctx.Err())
	}
	if opt.Phase != nil {
		opt.Phase("summaries", len(recs))
	}
	if err := WriteSummaries(dir, plan, recs); err != nil {
		return err
	}
	man.End, man.Complete, man.Checksums = time.Now().UTC(), true, sums
	man.History[len(man.History)-1].End = man.End
	return man.write(dir)
}

// prepare checks dir against the manifest man of plan, and returns the
// runs already finished there and the manifest it held (nil for a new
// folder). It rewrites runs.csv and trace.csv only when they end with an
// interrupted append (a torn line, the points of a run without its row),
// which is dropped and its run redone. Any other damage stops it, naming
// the files and lines; with force, the folder's old files are moved aside
// (see moveAside) and the experiment starts over.
func prepare(dir string, man *Manifest, plan *Plan, force bool) ([]*Record, *Manifest, error) {
	old, err := ReadManifest(dir)
	var refuse error
	switch {
	case errors.Is(err, os.ErrNotExist):
		var present []string
		for _, name := range []string{RunsFile, TraceFile} {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				present = append(present, name)
			}
		}
		if len(present) == 0 {
			return nil, nil, fresh(dir)
		}
		refuse = fmt.Errorf("bench: %s has %s but no %s, so its runs cannot be checked or resumed", dir, strings.Join(present, " and "), ManifestFile)
	case err != nil:
		refuse = fmt.Errorf("results folder %s is damaged: %w", dir, err)
	case old.Config.Hash() != old.ConfigHash:
		refuse = fmt.Errorf("results folder %s is damaged: %s: config_hash %.12s does not match its config (hash %.12s): the manifest was edited or written by another version of optbench",
			dir, filepath.Join(dir, ManifestFile), old.ConfigHash, old.Config.Hash())
	case old.ConfigHash != man.ConfigHash || old.Shard != man.Shard || max(old.Shards, 1) != max(man.Shards, 1):
		what := DiffConfig(old.Config, man.Config)
		if old.Shard != man.Shard || max(old.Shards, 1) != max(man.Shards, 1) {
			what = append(what, fmt.Sprintf("shard %d/%d → %d/%d", old.Shard, max(old.Shards, 1), man.Shard, max(man.Shards, 1)))
		}
		if len(what) == 0 {
			what = []string{fmt.Sprintf("config hash %.12s → %.12s (written by another version of optbench, or its manifest was edited)", old.ConfigHash, man.ConfigHash)}
		}
		refuse = fmt.Errorf("%w: %s was made with another configuration: %s", ErrConfigMismatch, dir, strings.Join(what, "; "))
	default:
		v := verify(dir, old, plan)
		if err := v.Err(); err != nil {
			refuse = fmt.Errorf("%w; nothing was changed", err)
			break
		}
		tolerated := 0
		for _, f := range v.Files {
			tolerated += f.Tolerated
		}
		if tolerated > 0 {
			if _, err := writeRecords(dir, v.Records); err != nil {
				return nil, nil, err
			}
		}
		return v.Records, old, nil
	}
	if !force {
		return nil, nil, &RefusedError{Err: refuse, Aside: filepath.Join(dir, oldDirPattern)}
	}
	if _, err := moveAside(dir); err != nil {
		return nil, nil, err
	}
	return nil, nil, fresh(dir)
}

// oldDirPattern names the subfolder moveAside moves a folder's files into.
const oldDirPattern = ".old-<time>"

// moveAside moves every regular file of dir (but its lock) into a new
// subfolder dir/.old-<UTC time>, so that starting over never deletes
// results, and returns that subfolder.
func moveAside(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("bench: move the old results aside: %w", err)
	}
	aside := filepath.Join(dir, ".old-"+time.Now().UTC().Format("20060102T150405.000000000Z"))
	if err := os.Mkdir(aside, 0o755); err != nil {
		return "", fmt.Errorf("bench: move the old results aside: %w", err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || e.Name() == LockFile {
			continue
		}
		if err := os.Rename(filepath.Join(dir, e.Name()), filepath.Join(aside, e.Name())); err != nil {
			return "", fmt.Errorf("bench: move the old results aside: %w", err)
		}
	}
	return aside, nil
}

// fresh empties dir's results files and writes empty runs.csv and trace.csv.
func fresh(dir string) error {
	for _, name := range []string{SummaryFile, TargetsFile, CompareFile, BenchFile} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("bench: %w", err)
		}
	}
	_, err := writeRecords(dir, nil)
	return err
}

// DiffConfig lists what differs between two configurations, field by field
// as the manifest spells them ("seeds 5 → 10"), with a sentence for each
// problem whose data or network changed. Both are compared with defaults
// filled in.
func DiffConfig(old, cur Config) []string {
	a, b := old.withDefaults(), cur.withDefaults()
	var out []string
	for _, name := range sortedKeys(a.Fingerprints) {
		fp := a.Fingerprints[name]
		if nfp, ok := b.Fingerprints[name]; ok && nfp != fp {
			out = append(out, fmt.Sprintf("the data or network of problem %s changed (fingerprint %.12s → %.12s)", name, fp, nfp))
		}
	}
	for _, p := range sortedKeys(a.Resolved) {
		for _, m := range sortedKeys(a.Resolved[p]) {
			if s, ok := b.Resolved[p][m]; ok && s != a.Resolved[p][m] {
				out = append(out, fmt.Sprintf("the settings of %s on %s changed (%s → %s)", m, p, a.Resolved[p][m], s))
			}
		}
	}
	a.Fingerprints, b.Fingerprints = nil, nil
	a.Resolved, b.Resolved = nil, nil
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
