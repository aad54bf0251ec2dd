package bench

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/optbench/optbench/optim"
	"github.com/optbench/optbench/resultsfmt"
)

// DamagedError is the error of the readers of a results folder (LoadRuns,
// and through it summarize, report, merge and resume) when the folder fails
// Verify: nothing is derived from it until it is repaired or moved aside.
type DamagedError struct {
	Dir      string
	Findings []Finding // at least one
}

// Error names the folder and its first finding, and how many more there are.
func (e *DamagedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "results folder %s is damaged: %s", e.Dir, e.Findings[0])
	if n := len(e.Findings) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more; 'optbench verify %s' lists them)", n, e.Dir)
	}
	return b.String()
}

// Verification is the outcome of Verify.
type Verification struct {
	Dir      string
	Manifest *Manifest
	Plan     *Plan
	// Files are the verdicts on manifest.json, trace.csv and runs.csv.
	Files []FileVerdict
	// Records are the runs that passed, in runs.csv's order, with their
	// trajectories.
	Records []*Record
}

// Err returns nil when the folder passed, and a *DamagedError listing
// every finding otherwise.
func (v *Verification) Err() error {
	var all []Finding
	for _, f := range v.Files {
		all = append(all, f.Findings...)
	}
	if len(all) == 0 {
		return nil
	}
	return &DamagedError{Dir: v.Dir, Findings: all}
}

// Verify checks the results folder dir. Errors are for a folder that
// cannot be checked at all (no manifest, an optimizer or problem this
// program does not register, a changed data file); everything else found
// is a Finding in the returned Verification:
//
//   - manifest.json parses, its config_hash matches its config and its
//     runs count matches the plan of its shard;
//   - runs.csv and trace.csv have their exact headers (no byte-order mark,
//     columns in order);
//   - every row parses to finite, in-range values: counts are integers
//     ≥ 0, losses are numbers (final_loss +Inf only for a diverged run),
//     iterations ≤ budget, grad_evaluations ≤ evaluations, best_loss ≤
//     final_loss, the status agrees with the values (budget: the iteration
//     or evaluation budget is used up; plateau: a floor and its iteration;
//     target: every target of the problem reached; diverged: final_loss
//     +Inf; without KeepGoing, target exactly when every target is
//     reached; plateau only with plateau detection), targets that do not
//     apply to the problem are empty, a loss target reached means
//     best_loss at most its value, and a hit lies within the run's
//     iterations and evaluations;
//   - budget and settings are the plan's, and every row is a run of the
//     plan (of this folder's shard), once;
//   - every run's trajectory in trace.csv is one block of points at the
//     checkpoints (Checkpoints) up to its last iteration, with counts that
//     never decrease, best never increasing and never above the loss, and
//     its last point equal to the row to the last bit (iterations,
//     evaluations, grad_evaluations, final_loss, best_loss, param_error);
//   - in a finished folder, every planned run has its row, nothing is torn,
//     and the files' sha256 match those the manifest recorded when the run
//     (or merge) finished.
//
// Evaluations ≥ iterations is not checked: whether a method spends an
// evaluation per iteration is not known to the benchmark (a method may
// count several iterations per evaluation).
//
// An unfinished folder (manifest not complete) may end with a torn line in
// either file and, in trace.csv, with the points of planned runs whose rows
// were not yet appended: an interrupted append, which a resume redoes (or
// an experiment still running: runs.csv is read before trace.csv). Nothing
// else is tolerated.
func Verify(dir string) (*Verification, error) {
	man, plan, err := LoadPlan(dir)
	if err != nil {
		return nil, err
	}
	return verify(dir, man, plan), nil
}

// verify checks dir's runs.csv and trace.csv against man and plan.
func verify(dir string, man *Manifest, plan *Plan) *Verification {
	v := &Verification{Dir: dir, Manifest: man, Plan: plan}
	shards := max(man.Shards, 1)
	mine := map[RunID]*Task{}
	seeds := map[GroupID][2]uint64{} // lowest and highest planned seed
	inPlan := map[RunID]int{}        // shard of every planned run
	for i := range plan.Tasks {
		t := &plan.Tasks[i]
		id := t.ID()
		inPlan[id] = t.Index % shards
		if t.Index%shards == man.Shard {
			mine[id] = t
		}
		s, ok := seeds[id.Group]
		if !ok {
			s = [2]uint64{t.Seed, t.Seed}
		}
		seeds[id.Group] = [2]uint64{min(s[0], t.Seed), max(s[1], t.Seed)}
	}

	mv := FileVerdict{File: filepath.Join(dir, ManifestFile)}
	if man.Runs != len(mine) {
		mv.Findings = append(mv.Findings, Finding{File: mv.File, Msg: fmt.Sprintf("runs %d (expected %d, the runs of shard %d/%d of its config)",
			man.Runs, len(mine), man.Shard, shards)})
	}
	v.Files = append(v.Files, mv)

	cfg := man.Config.withDefaults()
	targets := AllTargets()
	outside := func(id RunID) string {
		if mine[id] != nil {
			return ""
		}
		if s, ok := seeds[id.Group]; ok {
			if shard, ok := inPlan[id]; ok {
				return fmt.Sprintf("run %s belongs to shard %d/%d (expected the runs of shard %d)", id, shard, shards, man.Shard)
			}
			return fmt.Sprintf("run %s is not in the experiment (expected seeds %d…%d)", id, s[0], s[1])
		}
		return fmt.Sprintf("run %s is not in the experiment (expected problems %s, optimizers %s)", id,
			strings.Join(configProblems(man.Config), ", "), strings.Join(cfg.Optimizers, ", "))
	}
	want := make([]RunID, 0, len(mine))
	for id := range mine {
		want = append(want, id)
	}
	slices.SortFunc(want, func(a, b RunID) int { return mine[a].Index - mine[b].Index })
	c := resultsfmt.Check(dir, resultsfmt.CheckOptions{
		Unfinished: !man.Complete,
		Outside:    outside,
		Row:        func(r *Record) string { return checkRow(r, mine[r.ID()], targets, cfg) },
		Want:       want,
		Recorded:   man.Checksums,
		RecordedIn: ManifestFile,
	})
	tv, rv := c.Trace, c.Runs
	if man.Complete && len(rv.Findings) == 0 && len(tv.Findings) == 0 {
		// The end column of a finished folder is its runs' causes, which
		// depend on every run (a local minimum is judged against the best).
		for i, cause := range EndCauses(plan, c.Records) {
			if r := c.Records[i]; r.End != string(cause) {
				rv.Findings = append(rv.Findings, Finding{File: rv.File, Line: i + 2,
					Msg: fmt.Sprintf("end %q (expected %q, the cause of the run's end judged against every run of the experiment)", r.End, cause)})
			}
		}
	}
	v.Records = c.Records
	v.Files = append(v.Files, tv, rv) // a damaged trajectory is the cause of its row's findings
	return v
}

// configProblems returns the names of c's problems.
func configProblems(c Config) []string {
	c = c.withDefaults()
	names := slices.Clone(c.Problems)
	for _, d := range c.Data {
		names = append(names, d.Name())
	}
	return names
}

// checkRow returns what is wrong with row r of task t of an experiment
// with configuration cfg (defaults filled in) on its own, or "": the
// plan's checks interleaved with the row's own (resultsfmt.CheckRowCounts,
// CheckRowValues, CheckHit) in the order of their messages' precedence.
func checkRow(r *Record, t *Task, targets []Target, cfg Config) string {
	switch {
	case r.Budget != t.Budget:
		return fmt.Sprintf("budget %d (expected %d, the plan's)", r.Budget, t.Budget)
	case r.Settings != t.Canonical:
		return fmt.Sprintf("settings %q (expected %q, the plan's)", r.Settings, t.Canonical)
	}
	if msg := resultsfmt.CheckRowCounts(r); msg != "" {
		return msg
	}
	if t.Method.Kind == optim.KindGradient && r.Evals < r.Iters {
		return fmt.Sprintf("evaluations %d below iterations %d (expected at least one evaluation per iteration of %s, a gradient method)", r.Evals, r.Iters, t.Method.Name)
	}
	if msg := resultsfmt.CheckRowValues(r); msg != "" {
		return msg
	}
	switch {
	case r.Status == StatusBudget && r.Iters != r.Budget && t.EvalBudget <= 0:
		return fmt.Sprintf("status budget after %d of %d iterations (expected the iteration budget used up)", r.Iters, r.Budget)
	case r.Status == StatusBudget && r.Iters != r.Budget && r.Evals < t.EvalBudget:
		return fmt.Sprintf("status budget after %d of %d iterations and %d of %d evaluations (expected the iteration or the evaluation budget used up)",
			r.Iters, r.Budget, r.Evals, t.EvalBudget)
	}
	switch {
	case r.Status == StatusTarget && cfg.KeepGoing:
		return "status target in an experiment that keeps going after its targets (expected budget, plateau or diverged)"
	case r.Status == StatusPlateau && cfg.PlateauMin < 0:
		return "status plateau in an experiment without plateau detection (expected target, budget or diverged)"
	}
	allHit := true
	for i, h := range r.Hits {
		tg := targets[i]
		if tg.Applies(t.Problem) && h.Iter < 0 {
			allHit = false
		}
		applies := tg.Applies(t.Problem)
		switch {
		case h.Iter < 0 && r.Status == StatusTarget && applies:
			return fmt.Sprintf("iters_to_%s is empty with status target (expected every target of %s reached)", tg.Name, r.Problem)
		case h.Iter < 0:
		case !applies:
			return fmt.Sprintf("iters_to_%s %d (expected empty: the target does not apply to %s)", tg.Name, h.Iter, r.Problem)
		default:
			if msg := resultsfmt.CheckHit(r, tg, h, func() float64 { return optimumLossOf(t.Problem, r.Precision, t.LossEval) }); msg != "" {
				return msg
			}
		}
	}
	if allHit && !cfg.KeepGoing && r.Status != StatusTarget {
		return fmt.Sprintf("status %s with every target of %s reached (expected target: such a run stops when it reaches them)", r.Status, r.Problem)
	}
	return ""
}
