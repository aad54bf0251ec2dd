package bench

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"github.com/optbench/optbench/optim"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Names of the files an experiment writes into its output folder.
const (
	RunsFile     = "runs.csv"
	TraceFile    = "trace.csv"
	SummaryFile  = "summary.csv"
	TargetsFile  = "targets.csv"
	CompareFile  = "compare.csv"
	ManifestFile = "manifest.json"
	BenchFile    = "results.bench"
)

// WriteFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so readers never see a partial file.
func WriteFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// RunsHeader returns the columns of runs.csv.
func RunsHeader() []string {
	h := []string{"problem", "optimizer", "precision", "settings", "seed", "budget", "status", "iterations",
		"evaluations", "grad_evaluations", "seconds", "final_loss", "best_loss", "floor",
		"floor_iteration", "param_error"}
	for _, t := range AllTargets() {
		h = append(h, "iters_to_"+t.Name, "evals_to_"+t.Name, "seconds_to_"+t.Name)
	}
	return h
}

// TraceHeader returns the columns of trace.csv.
func TraceHeader() []string {
	return []string{"problem", "optimizer", "precision", "seed", "iteration", "evaluations", "grad_evaluations",
		"seconds", "loss", "best_loss", "param_error"}
}

// TimingColumns are the columns whose values depend on the machine's speed;
// everything else in runs.csv and trace.csv is bit-identical for one
// configuration whatever the worker count, order or sharding.
func TimingColumns(header []string) []int {
	var idx []int
	for i, h := range header {
		if h == "seconds" || strings.HasPrefix(h, "seconds_to_") {
			idx = append(idx, i)
		}
	}
	return idx
}

// fmtFloat formats v exactly (shortest round-trip form); NaN is empty.
func fmtFloat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func parseFloat(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

func fmtIter(i int) string {
	if i < 0 {
		return ""
	}
	return strconv.Itoa(i)
}

func parseIter(s string) (int, error) {
	if s == "" {
		return -1, nil
	}
	v, err := strconv.Atoi(s)
	if err == nil && v < 0 {
		err = fmt.Errorf("negative count %d", v)
	}
	return v, err
}

// runRow returns r as a runs.csv row.
func runRow(r *Record) []string {
	row := []string{r.Problem, r.Optimizer, precisionOr64(r.Precision), r.Settings, strconv.FormatUint(r.Seed, 10),
		strconv.Itoa(r.Budget), string(r.Status), strconv.Itoa(r.Iters), strconv.Itoa(r.Evals),
		strconv.Itoa(r.GradEvals), fmtFloat(r.Seconds), fmtFloat(r.FinalLoss), fmtFloat(r.BestLoss),
		fmtFloat(r.Floor), fmtIter(r.FloorIter), fmtFloat(r.ParamErr)}
	for _, h := range r.Hits {
		if h.Iter < 0 {
			row = append(row, "", "", "")
			continue
		}
		row = append(row, strconv.Itoa(h.Iter), strconv.Itoa(h.Evals), fmtFloat(h.Seconds))
	}
	return row
}

// traceRows returns r's trajectory as trace.csv rows.
func traceRows(r *Record) [][]string {
	rows := make([][]string, 0, len(r.Trace))
	seed := strconv.FormatUint(r.Seed, 10)
	for _, p := range r.Trace {
		rows = append(rows, []string{r.Problem, r.Optimizer, precisionOr64(r.Precision), seed, strconv.Itoa(p.Iter),
			strconv.Itoa(p.Evals), strconv.Itoa(p.GradEvals), fmtFloat(p.Seconds), fmtFloat(p.Loss),
			fmtFloat(p.Best), fmtFloat(p.ParamErr)})
	}
	return rows
}

// parseRunRow parses one runs.csv row; the trace is left empty.
func parseRunRow(f []string) (*Record, error) {
	nt := len(AllTargets())
	if len(f) != 16+3*nt {
		return nil, fmt.Errorf("%d fields, want %d", len(f), 16+3*nt)
	}
	r := &Record{Problem: f[0], Optimizer: f[1], Precision: f[2], Settings: f[3], Status: Status(f[6])}
	if _, err := optim.ParsePrecision(r.Precision); err != nil {
		return nil, err
	}
	f = append(f[:2:2], f[3:]...) // the columns before precision existed
	if r.Problem == "" || r.Optimizer == "" {
		return nil, fmt.Errorf("empty problem or optimizer")
	}
	switch r.Status {
	case StatusTarget, StatusBudget, StatusPlateau, StatusDiverged:
	default:
		return nil, fmt.Errorf("unknown status %q", f[5])
	}
	var err error
	seterr := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	atoi := func(s string) int {
		v, e := strconv.Atoi(s)
		if e == nil && v < 0 {
			e = fmt.Errorf("negative count %d", v)
		}
		seterr(e)
		return v
	}
	pf := func(s string) float64 {
		v, e := parseFloat(s)
		seterr(e)
		return v
	}
	r.Seed, err = strconv.ParseUint(f[3], 10, 64)
	r.Budget = atoi(f[4])
	r.Iters = atoi(f[6])
	r.Evals = atoi(f[7])
	r.GradEvals = atoi(f[8])
	r.Seconds = pf(f[9])
	r.FinalLoss = pf(f[10])
	r.BestLoss = pf(f[11])
	r.Floor = pf(f[12])
	var e error
	r.FloorIter, e = parseIter(f[13])
	seterr(e)
	r.ParamErr = pf(f[14])
	r.Hits = make([]Hit, nt)
	for i := range r.Hits {
		c := f[15+3*i : 18+3*i]
		if c[0] == "" {
			r.Hits[i].Iter = -1
			continue
		}
		r.Hits[i] = Hit{Iter: atoi(c[0]), Evals: atoi(c[1]), Seconds: pf(c[2])}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// parsePoint parses one trace.csv row.
func parsePoint(f []string) (RunID, Point, error) {
	if len(f) != 11 {
		return RunID{}, Point{}, fmt.Errorf("%d fields, want 11", len(f))
	}
	prec := f[2]
	if _, err := optim.ParsePrecision(prec); err != nil {
		return RunID{}, Point{}, err
	}
	f = append(f[:2:2], f[3:]...)
	var p Point
	var err error
	seterr := func(e error) {
		if err == nil && e != nil {
			err = e
		}
	}
	seed, e := strconv.ParseUint(f[2], 10, 64)
	seterr(e)
	p.Iter, e = strconv.Atoi(f[3])
	seterr(e)
	p.Evals, e = strconv.Atoi(f[4])
	seterr(e)
	p.GradEvals, e = strconv.Atoi(f[5])
	seterr(e)
	for i, dst := range []*float64{&p.Seconds, &p.Loss, &p.Best, &p.ParamErr} {
		*dst, e = parseFloat(f[6+i])
		seterr(e)
	}
	return RunID{GroupID{f[0], f[1], prec}, seed}, p, err
}

// lines splits data into complete lines; a last line without its newline
// is torn (an interrupted write) and reported separately.
func lines(data []byte) (complete [][]byte, torn bool) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return complete, true
		}
		complete = append(complete, bytes.TrimSuffix(data[:i], []byte("\r")))
		data = data[i+1:]
	}
	return complete, false
}

func parseCSVLine(line []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(line))
	r.FieldsPerRecord = -1
	return r.Read()
}

// ReadRuns parses runs.csv content, as written (and appended to) by Run.
// It keeps every valid row and skips the rest: a torn last line, rows that
// do not parse and later duplicates of a run. skipped counts what it
// dropped. A wrong header is an error.
func ReadRuns(data []byte) (recs []*Record, skipped int, err error) {
	ls, torn := lines(data)
	if torn {
		skipped++
	}
	if len(ls) == 0 {
		return nil, skipped, nil
	}
	hdr, err := parseCSVLine(ls[0])
	if err != nil || strings.Join(hdr, ",") != strings.Join(RunsHeader(), ",") {
		return nil, skipped, fmt.Errorf("unexpected header (written by another version of optbench?)")
	}
	seen := map[RunID]bool{}
	for _, l := range ls[1:] {
		f, err := parseCSVLine(l)
		if err != nil {
			skipped++
			continue
		}
		r, err := parseRunRow(f)
		if err != nil || seen[r.ID()] {
			skipped++
			continue
		}
		seen[r.ID()] = true
		recs = append(recs, r)
	}
	return recs, skipped, nil
}

// readTraces parses trace.csv content into trajectories per run, skipping
// rows that do not parse (and a torn last line).
func readTraces(data []byte) (map[RunID][]Point, error) {
	ls, _ := lines(data)
	out := map[RunID][]Point{}
	if len(ls) == 0 {
		return out, nil
	}
	hdr, err := parseCSVLine(ls[0])
	if err != nil || strings.Join(hdr, ",") != strings.Join(TraceHeader(), ",") {
		return nil, fmt.Errorf("unexpected header (written by another version of optbench?)")
	}
	for _, l := range ls[1:] {
		f, err := parseCSVLine(l)
		if err != nil {
			continue
		}
		k, p, err := parsePoint(f)
		if err != nil {
			continue
		}
		out[k] = append(out[k], p)
	}
	return out, nil
}

// LoadRuns reads the finished runs in dir with their trajectories.
func LoadRuns(dir string) ([]*Record, error) {
	path := filepath.Join(dir, RunsFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	recs, _, err := ReadRuns(data)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	tpath := filepath.Join(dir, TraceFile)
	tdata, err := os.ReadFile(tpath)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", tpath, err)
	}
	traces, err := readTraces(tdata)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", tpath, err)
	}
	for _, r := range recs {
		r.Trace = dedupPoints(traces[r.ID()])
	}
	return recs, nil
}

// dedupPoints keeps the first point per iteration, in iteration order
// (a run redone after an interruption may have left a partial trace).
func dedupPoints(ps []Point) []Point {
	var out []Point
	for _, p := range ps {
		if len(out) > 0 && p.Iter <= out[len(out)-1].Iter {
			// A new attempt restarted the trajectory: keep the latest one.
			out = out[:0]
		}
		out = append(out, p)
	}
	return out
}

// encodeCSV renders rows (with header) as CSV.
func encodeCSV(header []string, rows [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	w.WriteAll(rows)
	return buf.Bytes()
}

// writeRecords writes runs.csv and trace.csv for recs (in the given order)
// atomically.
func writeRecords(dir string, recs []*Record) error {
	var runs, trace [][]string
	for _, r := range recs {
		runs = append(runs, runRow(r))
		trace = append(trace, traceRows(r)...)
	}
	if err := WriteFileAtomic(filepath.Join(dir, TraceFile), encodeCSV(TraceHeader(), trace)); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, RunsFile), encodeCSV(RunsHeader(), runs))
}

// journal appends finished runs to runs.csv and trace.csv: the trace rows
// first, then the run's row, which marks the run as done.
type journal struct {
	runs, trace *os.File
	rw, tw      *bufio.Writer
}

func openJournal(dir string) (*journal, error) {
	j := &journal{}
	var err error
	if j.runs, err = os.OpenFile(filepath.Join(dir, RunsFile), os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		return nil, err
	}
	if j.trace, err = os.OpenFile(filepath.Join(dir, TraceFile), os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		j.runs.Close()
		return nil, err
	}
	j.rw, j.tw = bufio.NewWriter(j.runs), bufio.NewWriter(j.trace)
	return j, nil
}

func (j *journal) add(r *Record) error {
	tw := csv.NewWriter(j.tw)
	tw.WriteAll(traceRows(r))
	if err := tw.Error(); err != nil {
		return err
	}
	if err := j.tw.Flush(); err != nil {
		return err
	}
	rw := csv.NewWriter(j.rw)
	rw.Write(runRow(r))
	rw.Flush()
	if err := rw.Error(); err != nil {
		return err
	}
	return j.rw.Flush()
}

func (j *journal) close() error {
	err1 := j.runs.Close()
	err2 := j.trace.Close()
	if err1 != nil {
		return err1
	}
	return err2
}
