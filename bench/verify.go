package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/optbench/optbench/optim"
)

// Finding is one thing wrong in a results folder: the file, the line
// (1-based; 0 when it concerns the whole file) and what is wrong, ending
// with what was expected.
type Finding struct {
	File string // path of the file, the folder joined with its name
	Line int
	Msg  string
}

// String formats f as FILE:LINE: what is wrong (expected …), or FILE: … for
// a finding about the whole file.
func (f Finding) String() string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Msg)
	}
	return fmt.Sprintf("%s: %s", f.File, f.Msg)
}

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

// FileVerdict is what Verify found in one file of a results folder.
type FileVerdict struct {
	File     string // path: the folder joined with the file's name
	Rows     int    // data rows read (runs, or trajectory points)
	Findings []Finding
	// Tolerated counts lines of an unfinished folder that a resume redoes:
	// a torn last line, and the points of a run whose row was not yet
	// appended when the experiment was interrupted.
	Tolerated int
	// Checksum is the file's content sha256 ("" when not read), and
	// Recorded the one in the manifest ("" when the folder is unfinished).
	Checksum, Recorded string
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
		mv.Findings = append(mv.Findings, Finding{mv.File, 0, fmt.Sprintf("runs %d (expected %d, the runs of shard %d/%d of its config)",
			man.Runs, len(mine), man.Shard, shards)})
	}
	v.Files = append(v.Files, mv)

	rv := FileVerdict{File: filepath.Join(dir, RunsFile)}
	tv := FileVerdict{File: filepath.Join(dir, TraceFile)}
	runsData, rerr := os.ReadFile(rv.File)
	traceData, terr := os.ReadFile(tv.File)
	for _, x := range []struct {
		fv  *FileVerdict
		err error
	}{{&rv, rerr}, {&tv, terr}} {
		if x.err != nil {
			x.fv.Findings = append(x.fv.Findings, Finding{x.fv.File, 0, fmt.Sprintf("cannot be read: %v (expected the file)", unwrapPath(x.err))})
		}
	}
	if rerr == nil && terr == nil {
		v.Records = checkFiles(&rv, &tv, runsData, traceData, man, mine, inPlan, seeds)
	}
	if man.Complete {
		for _, x := range []struct {
			fv   *FileVerdict
			data []byte
			err  error
		}{{&rv, runsData, rerr}, {&tv, traceData, terr}} {
			if x.err != nil {
				continue
			}
			x.fv.Checksum = checksum(x.data)
			x.fv.Recorded = man.Checksums[filepath.Base(x.fv.File)]
			if x.fv.Recorded != "" && x.fv.Recorded != x.fv.Checksum {
				x.fv.Findings = append(x.fv.Findings, Finding{x.fv.File, 0, fmt.Sprintf("content sha256 %.12s… differs from the %.12s… that %s recorded when the experiment finished (expected the file unchanged since)",
					x.fv.Checksum, x.fv.Recorded, ManifestFile)})
			}
		}
	}
	v.Files = append(v.Files, tv, rv) // a damaged trajectory is the cause of its row's findings
	return v
}

// unwrapPath drops the path of a *os.PathError, which the finding names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checksum is the hex sha256 of data, as the manifest records it.
func checksum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// checkHeader reports what is wrong with the first line of a file whose
// header should be want, or "" when it is right.
func checkHeader(first []byte, want []string) string {
	wantText := strings.Join(want, ",")
	if bytes.HasPrefix(first, []byte("\xef\xbb\xbf")) {
		return fmt.Sprintf("starts with a byte-order mark (expected the header %s without one)", abbrev(wantText))
	}
	got, err := parseCSVLine(first)
	if err != nil {
		return fmt.Sprintf("header does not parse as CSV: %v (expected %s)", err, abbrev(wantText))
	}
	if slices.Equal(got, want) {
		return ""
	}
	if len(got) == len(want) {
		a, b := slices.Clone(got), slices.Clone(want)
		slices.Sort(a)
		slices.Sort(b)
		if slices.Equal(a, b) {
			for i := range got {
				if got[i] != want[i] {
					return fmt.Sprintf("columns in another order: column %d is %s (expected %s)", i+1, got[i], want[i])
				}
			}
		}
	}
	if len(got) > 0 && !slices.Contains(want, got[0]) {
		return fmt.Sprintf("no header: the file starts with %s (expected the header %s)", abbrev(string(first)), abbrev(wantText))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("header column %d is %q (expected %q; written by another version of optbench?)", i+1, got[i], want[i])
		}
	}
	return fmt.Sprintf("header has %d columns (expected %d: %s; written by another version of optbench?)", len(got), len(want), abbrev(wantText))
}

// abbrev shortens s for a message.
func abbrev(s string) string {
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}

// tracePoints are the points of one run in trace.csv: one block of lines.
type tracePoints struct {
	first, last int // line numbers of the block
	points      []Point
	lines       []int
	bad         bool // a point of the block is wrong (already reported)
}

// checkFiles checks runs.csv and trace.csv and returns the runs that
// passed, with their trajectories.
func checkFiles(rv, tv *FileVerdict, runsData, traceData []byte, man *Manifest, mine map[RunID]*Task,
	inPlan map[RunID]int, seeds map[GroupID][2]uint64) []*Record {
	unfinished := !man.Complete
	add := func(fv *FileVerdict, line int, format string, args ...any) {
		fv.Findings = append(fv.Findings, Finding{fv.File, line, fmt.Sprintf(format, args...)})
	}
	outside := func(id RunID) string {
		if s, ok := seeds[id.Group]; ok {
			if shard, ok := inPlan[id]; ok {
				return fmt.Sprintf("run %s belongs to shard %d/%d (expected the runs of shard %d)", id, shard, max(man.Shards, 1), man.Shard)
			}
			return fmt.Sprintf("run %s is not in the experiment (expected seeds %d…%d)", id, s[0], s[1])
		}
		return fmt.Sprintf("run %s is not in the experiment (expected problems %s, optimizers %s)", id,
			strings.Join(configProblems(man.Config), ", "), strings.Join(man.Config.withDefaults().Optimizers, ", "))
	}

	// trace.csv: one block of points per run.
	traces := map[RunID]*tracePoints{}
	var order []RunID // blocks in file order
	tls, ttorn := lines(traceData)
	if ttorn {
		if unfinished {
			tv.Tolerated++
		} else {
			add(tv, len(tls)+1, "torn last line, without its newline (expected complete lines in a finished folder)")
		}
	}
	traceOK := true
	switch {
	case len(tls) == 0:
		if !ttorn {
			add(tv, 1, "empty file (expected the header %s)", abbrev(strings.Join(TraceHeader(), ",")))
		}
		traceOK = false
	default:
		if msg := checkHeader(tls[0], TraceHeader()); msg != "" {
			add(tv, 1, "%s", msg)
			traceOK = false
		}
	}
	// A line that does not parse is inside the block before it, or the
	// first of the next: the block before is marked damaged.
	markBad := func(tp *tracePoints) {
		if tp != nil {
			tp.bad = true
		}
	}
	if traceOK {
		var cur *tracePoints
		var curID RunID
		for i, l := range tls[1:] {
			line := i + 2
			f, err := parseCSVLine(l)
			if err != nil {
				add(tv, line, "does not parse as CSV: %v (expected a point of a trajectory)", err)
				markBad(cur)
				continue
			}
			id, p, err := parsePoint(f)
			if err != nil {
				add(tv, line, "%v", err)
				markBad(cur)
				continue
			}
			tv.Rows++
			if cur == nil || id != curID {
				if prev, ok := traces[id]; ok {
					add(tv, line, "more points of run %s, apart from its block at lines %d–%d (expected one block per run)", id, prev.first, prev.last)
					prev.bad = true
					cur, curID = nil, RunID{}
					continue
				}
				cur, curID = &tracePoints{first: line}, id
				traces[id] = cur
				order = append(order, id)
			}
			cur.last = line
			if n := len(cur.points); n > 0 {
				q := cur.points[n-1]
				switch {
				case p.Iter <= q.Iter:
					add(tv, line, "iteration %d after %d (expected increasing iterations within a run)", p.Iter, q.Iter)
					cur.bad = true
				case p.Evals < q.Evals || p.GradEvals < q.GradEvals:
					add(tv, line, "evaluations %d, grad_evaluations %d after %d, %d (expected counts that never decrease)", p.Evals, p.GradEvals, q.Evals, q.GradEvals)
					cur.bad = true
				case !(p.Best <= q.Best) && !(math.IsInf(p.Best, 1) && math.IsInf(q.Best, 1)):
					add(tv, line, "best_loss %s after %s (expected a best loss that never increases)", fmtFloat(p.Best), fmtFloat(q.Best))
					cur.bad = true
				}
			}
			switch {
			case math.IsNaN(p.Loss) || math.IsNaN(p.Best):
				add(tv, line, "loss %q, best_loss %q (expected numbers)", fmtFloat(p.Loss), fmtFloat(p.Best))
				cur.bad = true
			case p.Best > p.Loss:
				add(tv, line, "best_loss %s above loss %s (expected the best loss so far)", fmtFloat(p.Best), fmtFloat(p.Loss))
				cur.bad = true
			case p.GradEvals > p.Evals:
				add(tv, line, "grad_evaluations %d above evaluations %d (expected a gradient evaluation to count as an evaluation too)", p.GradEvals, p.Evals)
				cur.bad = true
			case math.IsInf(p.Seconds, 0) || math.IsNaN(p.Seconds) || p.Seconds < 0:
				add(tv, line, "seconds %q (expected a finite time ≥ 0)", fmtFloat(p.Seconds))
				cur.bad = true
			}
			cur.points = append(cur.points, p)
			cur.lines = append(cur.lines, line)
		}
	}

	// runs.csv: one row per planned run, consistent with its trajectory.
	rls, rtorn := lines(runsData)
	if rtorn {
		if unfinished {
			rv.Tolerated++
		} else {
			add(rv, len(rls)+1, "torn last line, without its newline (expected complete rows in a finished folder)")
		}
	}
	switch {
	case len(rls) == 0:
		if !rtorn {
			add(rv, 1, "empty file (expected the header %s)", abbrev(strings.Join(RunsHeader(), ",")))
		}
		return nil
	default:
		if msg := checkHeader(rls[0], RunsHeader()); msg != "" {
			add(rv, 1, "%s", msg)
			return nil
		}
	}
	targets := AllTargets()
	cfg := man.Config.withDefaults()
	seen := map[RunID]int{}
	var recs []*Record
	for i, l := range rls[1:] {
		line := i + 2
		f, err := parseCSVLine(l)
		if err != nil {
			add(rv, line, "does not parse as CSV: %v (expected a run's row)", err)
			continue
		}
		r, err := parseRunRow(f)
		if err != nil {
			add(rv, line, "%v", err)
			continue
		}
		rv.Rows++
		id := r.ID()
		if first, dup := seen[id]; dup {
			add(rv, line, "run %s again (expected one row per run; the first is at line %d)", id, first)
			continue
		}
		seen[id] = line
		t := mine[id]
		if t == nil {
			add(rv, line, "%s", outside(id))
			continue
		}
		if msg := checkRow(r, t, targets, cfg); msg != "" {
			add(rv, line, "%s", msg)
			continue
		}
		if !traceOK {
			continue // trace.csv's header is reported
		}
		tp := traces[id]
		if tp == nil {
			add(rv, line, "run %s has no points in %s (expected its trajectory)", id, TraceFile)
			continue
		}
		if tp.bad {
			add(rv, line, "run %s has a damaged trajectory in %s at lines %d–%d (expected it intact)", id, TraceFile, tp.first, tp.last)
			continue
		}
		if msg := checkTrace(r, tp); msg != "" {
			add(rv, line, "%s", msg)
			continue
		}
		r.Trace = tp.points
		recs = append(recs, r)
	}
	// Points of runs without a row: only at the end of an unfinished
	// folder, the runs whose rows were not appended yet (one when the
	// append was interrupted; more when Verify read runs.csv while a run
	// was appending to both files).
	trailing := len(order)
	for trailing > 0 {
		if _, ok := seen[order[trailing-1]]; ok {
			break
		}
		trailing--
	}
	for i, id := range order {
		if !traceOK {
			break
		}
		if _, ok := seen[id]; ok {
			continue
		}
		tp := traces[id]
		if _, planned := mine[id]; unfinished && planned && i >= trailing {
			tv.Tolerated += len(tp.points)
			continue
		}
		if _, ok := mine[id]; !ok {
			add(tv, tp.first, "%s", outside(id))
			continue
		}
		if !unfinished {
			continue // reported as a missing row below
		}
		add(tv, tp.first, "points of run %s, which has no row in %s (expected a row for every trajectory)", id, RunsFile)
	}
	if !unfinished {
		var missing []RunID
		for id := range mine {
			if _, ok := seen[id]; !ok {
				missing = append(missing, id)
			}
		}
		slices.SortFunc(missing, func(a, b RunID) int { return mine[a].Index - mine[b].Index })
		for _, id := range missing {
			if tp := traces[id]; tp != nil && traceOK {
				add(rv, 0, "no row for run %s, whose trajectory is at %s:%d–%d (expected every planned run in a finished folder)", id, TraceFile, tp.first, tp.last)
				continue
			}
			add(rv, 0, "no row for run %s (expected every planned run in a finished folder)", id)
		}
	}
	return recs
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
// with configuration cfg (defaults filled in) on its own, or "".
func checkRow(r *Record, t *Task, targets []Target, cfg Config) string {
	fl := fmtFloat
	switch {
	case r.Budget != t.Budget:
		return fmt.Sprintf("budget %d (expected %d, the plan's)", r.Budget, t.Budget)
	case r.Settings != t.Canonical:
		return fmt.Sprintf("settings %q (expected %q, the plan's)", r.Settings, t.Canonical)
	case r.Iters > r.Budget:
		return fmt.Sprintf("iterations %d above the budget %d (expected at most the budget)", r.Iters, r.Budget)
	case r.GradEvals > r.Evals:
		return fmt.Sprintf("grad_evaluations %d above evaluations %d (expected a gradient evaluation to count as an evaluation too)", r.GradEvals, r.Evals)
	case t.Method.Kind == optim.KindGradient && r.Evals < r.Iters:
		return fmt.Sprintf("evaluations %d below iterations %d (expected at least one evaluation per iteration of %s, a gradient method)", r.Evals, r.Iters, t.Method.Name)
	case math.IsNaN(r.Seconds) || math.IsInf(r.Seconds, 0) || r.Seconds < 0:
		return fmt.Sprintf("seconds %q (expected a finite time ≥ 0)", fl(r.Seconds))
	case math.IsNaN(r.FinalLoss):
		return "final_loss is empty (expected a number)"
	case math.IsNaN(r.BestLoss):
		return "best_loss is empty (expected a number)"
	case math.IsInf(r.FinalLoss, 1) != (r.Status == StatusDiverged) || math.IsInf(r.FinalLoss, -1):
		if r.Status == StatusDiverged {
			return fmt.Sprintf("final_loss %s with status diverged (expected +Inf)", fl(r.FinalLoss))
		}
		return fmt.Sprintf("final_loss %s with status %s (expected a finite loss; only a diverged run ends at +Inf)", fl(r.FinalLoss), r.Status)
	case math.IsInf(r.BestLoss, -1) || math.IsInf(r.BestLoss, 1) && r.Status != StatusDiverged:
		return fmt.Sprintf("best_loss %s with status %s (expected a finite loss)", fl(r.BestLoss), r.Status)
	case r.BestLoss > r.FinalLoss:
		return fmt.Sprintf("best_loss %s above final_loss %s (expected the best loss at most the final one)", fl(r.BestLoss), fl(r.FinalLoss))
	case (r.Status == StatusPlateau) != (!math.IsNaN(r.Floor) || r.FloorIter >= 0):
		if r.Status == StatusPlateau {
			return fmt.Sprintf("floor %q, floor_iteration %q with status plateau (expected both)", fl(r.Floor), fmtIter(r.FloorIter))
		}
		return fmt.Sprintf("floor %q, floor_iteration %q with status %s (expected both empty: only a plateau has a floor)", fl(r.Floor), fmtIter(r.FloorIter), r.Status)
	case r.Status == StatusPlateau && (math.IsNaN(r.Floor) || math.IsInf(r.Floor, 0) || r.FloorIter < 0 || r.FloorIter > r.Iters):
		return fmt.Sprintf("floor %q, floor_iteration %q (expected a finite floor reached within the run's %d iterations)", fl(r.Floor), fmtIter(r.FloorIter), r.Iters)
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
		case h.Iter > r.Iters || h.Evals > r.Evals:
			return fmt.Sprintf("%s reached at iteration %d after %d evaluations (expected within the run's %d iterations and %d evaluations)",
				tg.Name, h.Iter, h.Evals, r.Iters, r.Evals)
		case math.IsNaN(h.Seconds) || math.IsInf(h.Seconds, 0) || h.Seconds < 0:
			return fmt.Sprintf("seconds_to_%s %q (expected a finite time ≥ 0)", tg.Name, fl(h.Seconds))
		case tg.Kind == LossTarget && !(r.BestLoss <= tg.Value) && !(r.BestLoss-optimumLossOf(t.Problem, r.Precision, t.LossEval) <= tg.Value):
			return fmt.Sprintf("%s reached at iteration %d but best_loss is %s (expected at most %s above the optimum's loss %s)",
				tg.Name, h.Iter, fl(r.BestLoss), fl(tg.Value), fl(optimumLossOf(t.Problem, r.Precision, t.LossEval)))
		}
	}
	if allHit && !cfg.KeepGoing && r.Status != StatusTarget {
		return fmt.Sprintf("status %s with every target of %s reached (expected target: such a run stops when it reaches them)", r.Status, r.Problem)
	}
	return ""
}

// expectedIters returns the iterations of the trajectory of a run of iters
// iterations with the given budget: the checkpoints up to iters, and iters.
func expectedIters(budget, iters int) []int {
	var out []int
	for _, c := range Checkpoints(budget) {
		if c <= iters {
			out = append(out, c)
		}
	}
	if len(out) == 0 || out[len(out)-1] != iters {
		out = append(out, iters)
	}
	return out
}

// sameBits reports whether a and b are the same number to the last bit
// (any NaN matching any NaN: an empty cell).
func sameBits(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// checkTrace returns what is wrong with row r given its trajectory, or "".
func checkTrace(r *Record, tp *tracePoints) string {
	want := expectedIters(r.Budget, r.Iters)
	for i, it := range want {
		if i >= len(tp.points) {
			return fmt.Sprintf("run %s ends at iteration %d but its trajectory (%s:%d–%d) stops at iteration %d (expected points at iterations %s)",
				r.ID(), r.Iters, TraceFile, tp.first, tp.last, tp.points[len(tp.points)-1].Iter, itersText(want))
		}
		if got := tp.points[i].Iter; got != it {
			return fmt.Sprintf("run %s has a point at iteration %d at %s:%d (expected iteration %d: the checkpoints up to its last iteration %d)",
				r.ID(), got, TraceFile, tp.lines[i], it, r.Iters)
		}
	}
	if len(tp.points) > len(want) {
		return fmt.Sprintf("run %s ends at iteration %d but its trajectory goes on to iteration %d at %s:%d (expected it to end with the run)",
			r.ID(), r.Iters, tp.points[len(tp.points)-1].Iter, TraceFile, tp.last)
	}
	last := tp.points[len(tp.points)-1]
	where := fmt.Sprintf("%s:%d", TraceFile, tp.last)
	fl := fmtFloat
	switch {
	case r.Evals != last.Evals:
		return fmt.Sprintf("evaluations %d differs from the last point of its trajectory, %s (expected %d)", r.Evals, where, last.Evals)
	case r.GradEvals != last.GradEvals:
		return fmt.Sprintf("grad_evaluations %d differs from the last point of its trajectory, %s (expected %d)", r.GradEvals, where, last.GradEvals)
	case !sameBits(r.FinalLoss, last.Loss):
		return fmt.Sprintf("final_loss %s differs from the last point of its trajectory, %s (expected %s, to the last bit)", fl(r.FinalLoss), where, fl(last.Loss))
	case !sameBits(r.BestLoss, last.Best):
		return fmt.Sprintf("best_loss %s differs from the last point of its trajectory, %s (expected %s, to the last bit)", fl(r.BestLoss), where, fl(last.Best))
	case !sameBits(r.ParamErr, last.ParamErr):
		return fmt.Sprintf("param_error %q differs from the last point of its trajectory, %s (expected %q, to the last bit)", fl(r.ParamErr), where, fl(last.ParamErr))
	}
	return ""
}

// itersText lists iterations for a message, eliding the middle of long lists.
func itersText(its []int) string {
	var s []string
	for i, it := range its {
		if len(its) > 8 && i == 4 {
			s = append(s, "…")
		}
		if len(its) > 8 && i >= 4 && i < len(its)-3 {
			continue
		}
		s = append(s, fmt.Sprint(it))
	}
	return strings.Join(s, ", ")
}
