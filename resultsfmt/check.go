package resultsfmt

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

// FileVerdict is what Check found in one file of a results folder.
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

// unwrapPath drops the path of a *os.PathError, which the finding names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Checksum is the hex sha256 of data, as a manifest records it.
func Checksum(data []byte) string {
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
	fl := FormatFloat
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

// CheckOptions are what a caller knows about the folder beyond its two
// files: whether it is finished, and which runs it should hold. The zero
// value checks a finished pair on its own (any run, no checksums).
type CheckOptions struct {
	// Unfinished tolerates what an interrupted or running append leaves:
	// a torn last line in either file, and at the end of trace.csv the
	// points of runs whose rows are not appended yet. It also skips the
	// checksums and the runs missing.
	Unfinished bool
	// Outside returns why run id does not belong in the folder ("" when
	// it does); nil: every run does. A row of such a run, and in trace.csv
	// a block of points of one without a row, is a finding with that
	// message.
	Outside func(id RunID) string
	// Row checks a row that parses (once per run, not Outside) against
	// what produced it, and returns what is wrong, or "". It replaces
	// CheckRow, which it should call (or its parts, CheckRowCounts,
	// CheckRowValues and CheckHit, in its own order); nil: CheckRow, which
	// knows no problem and so takes every optimum's loss E* as 0 (a folder
	// of a problem whose loss targets are on E − E* needs a Row that passes
	// CheckHit its E*, as bench.Verify does).
	Row func(r *Record) string
	// Want, when not nil, are the runs a finished folder must hold, in
	// the order their missing rows are reported; a trajectory without a
	// row is then reported as its run's missing row.
	Want []RunID
	// Recorded are the checksums (Checksum) of the files by name, recorded
	// when the folder was finished, and RecordedIn names where (for the
	// message). A finished folder's files are checksummed, and compared
	// with a recorded checksum that is not empty.
	Recorded   map[string]string
	RecordedIn string
}

// Checked is the outcome of Check.
type Checked struct {
	// Runs and Trace are the verdicts on runs.csv and trace.csv.
	Runs, Trace FileVerdict
	// Records are the runs that passed, in runs.csv's order, with their
	// trajectories.
	Records []*Record
}

// Check checks the results files runs.csv and trace.csv in dir, each
// finding named FILE:LINE:
//
//   - both files can be read and have their exact headers (no byte-order
//     mark, columns in order);
//   - every row parses to in-range values (ReadRuns's rules), once per
//     run, and passes o.Row (CheckRow: consistent with itself);
//   - every run's trajectory in trace.csv is one block of points at the
//     checkpoints (Checkpoints) up to its last iteration, with counts that
//     never decrease, best never increasing and never above the loss, and
//     its last point equal to the row to the last bit (iterations,
//     evaluations, grad_evaluations, final_loss, best_loss, param_error);
//   - every trajectory has its row (but the trailing ones of an
//     unfinished folder), every run of o.Want its row, nothing is torn,
//     and the files' sha256 match those recorded (o.Recorded), in a
//     finished folder.
func Check(dir string, o CheckOptions) *Checked {
	c := &Checked{Runs: FileVerdict{File: filepath.Join(dir, RunsFile)}, Trace: FileVerdict{File: filepath.Join(dir, TraceFile)}}
	rv, tv := &c.Runs, &c.Trace
	runsData, rerr := os.ReadFile(rv.File)
	traceData, terr := os.ReadFile(tv.File)
	for _, x := range []struct {
		fv  *FileVerdict
		err error
	}{{rv, rerr}, {tv, terr}} {
		if x.err != nil {
			x.fv.Findings = append(x.fv.Findings, Finding{x.fv.File, 0, fmt.Sprintf("cannot be read: %v (expected the file)", unwrapPath(x.err))})
		}
	}
	if rerr == nil && terr == nil {
		c.Records = checkFiles(rv, tv, runsData, traceData, o)
	}
	if !o.Unfinished {
		for _, x := range []struct {
			fv   *FileVerdict
			data []byte
			err  error
		}{{rv, runsData, rerr}, {tv, traceData, terr}} {
			if x.err != nil {
				continue
			}
			x.fv.Checksum = Checksum(x.data)
			x.fv.Recorded = o.Recorded[filepath.Base(x.fv.File)]
			if x.fv.Recorded != "" && x.fv.Recorded != x.fv.Checksum {
				x.fv.Findings = append(x.fv.Findings, Finding{x.fv.File, 0, fmt.Sprintf("content sha256 %.12s… differs from the %.12s… that %s recorded when the experiment finished (expected the file unchanged since)",
					x.fv.Checksum, x.fv.Recorded, o.RecordedIn)})
			}
		}
	}
	return c
}

// checkFiles checks runs.csv and trace.csv and returns the runs that
// passed, with their trajectories.
func checkFiles(rv, tv *FileVerdict, runsData, traceData []byte, o CheckOptions) []*Record {
	unfinished := o.Unfinished
	add := func(fv *FileVerdict, line int, format string, args ...any) {
		fv.Findings = append(fv.Findings, Finding{fv.File, line, fmt.Sprintf(format, args...)})
	}
	outside := func(id RunID) string {
		if o.Outside == nil {
			return ""
		}
		return o.Outside(id)
	}
	checkRow := o.Row
	if checkRow == nil {
		checkRow = CheckRow
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
					add(tv, line, "best_loss %s after %s (expected a best loss that never increases)", FormatFloat(p.Best), FormatFloat(q.Best))
					cur.bad = true
				}
			}
			switch {
			case math.IsNaN(p.Loss) || math.IsNaN(p.Best):
				add(tv, line, "loss %q, best_loss %q (expected numbers)", FormatFloat(p.Loss), FormatFloat(p.Best))
				cur.bad = true
			case p.Best > p.Loss:
				add(tv, line, "best_loss %s above loss %s (expected the best loss so far)", FormatFloat(p.Best), FormatFloat(p.Loss))
				cur.bad = true
			case p.GradEvals > p.Evals:
				add(tv, line, "grad_evaluations %d above evaluations %d (expected a gradient evaluation to count as an evaluation too)", p.GradEvals, p.Evals)
				cur.bad = true
			case math.IsInf(p.Seconds, 0) || math.IsNaN(p.Seconds) || p.Seconds < 0:
				add(tv, line, "seconds %q (expected a finite time ≥ 0)", FormatFloat(p.Seconds))
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
		if msg := outside(id); msg != "" {
			add(rv, line, "%s", msg)
			continue
		}
		if msg := checkRow(r); msg != "" {
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
		msg := outside(id)
		if unfinished && msg == "" && i >= trailing {
			tv.Tolerated += len(tp.points)
			continue
		}
		if msg != "" {
			add(tv, tp.first, "%s", msg)
			continue
		}
		if !unfinished && o.Want != nil {
			continue // reported as a missing row below
		}
		add(tv, tp.first, "points of run %s, which has no row in %s (expected a row for every trajectory)", id, RunsFile)
	}
	if !unfinished {
		for _, id := range o.Want {
			if _, ok := seen[id]; ok {
				continue
			}
			if tp := traces[id]; tp != nil && traceOK {
				add(rv, 0, "no row for run %s, whose trajectory is at %s:%d–%d (expected every planned run in a finished folder)", id, TraceFile, tp.first, tp.last)
				continue
			}
			add(rv, 0, "no row for run %s (expected every planned run in a finished folder)", id)
		}
	}
	return recs
}

// CheckRow returns what is wrong with row r on its own, or "": its counts
// (CheckRowCounts), its values and status (CheckRowValues), then each
// target it reached (CheckHit).
func CheckRow(r *Record) string {
	if msg := CheckRowCounts(r); msg != "" {
		return msg
	}
	if msg := CheckRowValues(r); msg != "" {
		return msg
	}
	targets := AllTargets()
	for i, h := range r.Hits {
		if i < len(targets) {
			if msg := CheckHit(r, targets[i], h, nil); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// CheckRowCounts returns what is wrong with row r's counts, or "":
// iterations at most the budget, grad_evaluations at most evaluations.
func CheckRowCounts(r *Record) string {
	switch {
	case r.Iters > r.Budget:
		return fmt.Sprintf("iterations %d above the budget %d (expected at most the budget)", r.Iters, r.Budget)
	case r.GradEvals > r.Evals:
		return fmt.Sprintf("grad_evaluations %d above evaluations %d (expected a gradient evaluation to count as an evaluation too)", r.GradEvals, r.Evals)
	}
	return ""
}

// CheckRowValues returns what is wrong with row r's time, losses, floor
// and status, or "": a finite time ≥ 0, losses that are numbers (+Inf
// exactly for a diverged run), best_loss ≤ final_loss, and a finite floor
// with its iteration exactly for a plateau.
func CheckRowValues(r *Record) string {
	fl := FormatFloat
	switch {
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
	}
	return ""
}

// CheckHit returns what is wrong with h, row r's first hit of target tg,
// or "" (also when the target was not reached, h.Iter < 0): within the
// run's iterations and evaluations, at a finite time ≥ 0, and for a loss
// target with best_loss at most its value above eStar, the loss at the
// problem's optimum when it is not 0 (loss targets are then on the excess
// loss; nil means 0, and eStar is called only when needed).
func CheckHit(r *Record, tg Target, h Hit, eStar func() float64) string {
	fl := FormatFloat
	switch {
	case h.Iter < 0:
	case h.Iter > r.Iters || h.Evals > r.Evals:
		return fmt.Sprintf("%s reached at iteration %d after %d evaluations (expected within the run's %d iterations and %d evaluations)",
			tg.Name, h.Iter, h.Evals, r.Iters, r.Evals)
	case math.IsNaN(h.Seconds) || math.IsInf(h.Seconds, 0) || h.Seconds < 0:
		return fmt.Sprintf("seconds_to_%s %q (expected a finite time ≥ 0)", tg.Name, fl(h.Seconds))
	case tg.Kind == LossTarget && !(r.BestLoss <= tg.Value) && (eStar == nil || !(r.BestLoss-eStar() <= tg.Value)):
		if eStar != nil && eStar() > 0 {
			return fmt.Sprintf("%s reached at iteration %d but best_loss is %s (expected at most %s above the optimum's loss %s)",
				tg.Name, h.Iter, fl(r.BestLoss), fl(tg.Value), fl(eStar()))
		}
		return fmt.Sprintf("%s reached at iteration %d but best_loss is %s (expected at most %s)", tg.Name, h.Iter, fl(r.BestLoss), fl(tg.Value))
	}
	return ""
}
