package resultsfmt

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/optbench/optbench/optim"
)

// Names of the results files in a results folder.
const (
	RunsFile  = "runs.csv"  // one row per finished run
	TraceFile = "trace.csv" // the runs' trajectories, one block of points per run
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
	return append(h, "end")
}

// runsHeader and traceHeader are RunsHeader and TraceHeader, computed
// once for the readers (not to be modified).
var (
	runsHeader  = sync.OnceValue(RunsHeader)
	traceHeader = sync.OnceValue(TraceHeader)
)

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

// FormatFloat formats v exactly (shortest round-trip form); NaN is empty.
func FormatFloat(v float64) string {
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

// RunRow returns r as a runs.csv row.
func RunRow(r *Record) []string {
	row := []string{r.Problem, r.Optimizer, precisionOr64(r.Precision), r.Settings, strconv.FormatUint(r.Seed, 10),
		strconv.Itoa(r.Budget), string(r.Status), strconv.Itoa(r.Iters), strconv.Itoa(r.Evals),
		strconv.Itoa(r.GradEvals), FormatFloat(r.Seconds), FormatFloat(r.FinalLoss), FormatFloat(r.BestLoss),
		FormatFloat(r.Floor), fmtIter(r.FloorIter), FormatFloat(r.ParamErr)}
	for _, h := range r.Hits {
		if h.Iter < 0 {
			row = append(row, "", "", "")
			continue
		}
		row = append(row, strconv.Itoa(h.Iter), strconv.Itoa(h.Evals), FormatFloat(h.Seconds))
	}
	return append(row, r.End)
}

// TraceRows returns r's trajectory as trace.csv rows.
func TraceRows(r *Record) [][]string {
	rows := make([][]string, 0, len(r.Trace))
	seed := strconv.FormatUint(r.Seed, 10)
	for _, p := range r.Trace {
		rows = append(rows, []string{r.Problem, r.Optimizer, precisionOr64(r.Precision), seed, strconv.Itoa(p.Iter),
			strconv.Itoa(p.Evals), strconv.Itoa(p.GradEvals), FormatFloat(p.Seconds), FormatFloat(p.Loss),
			FormatFloat(p.Best), FormatFloat(p.ParamErr)})
	}
	return rows
}

// parseRunRow parses one runs.csv row; the trace is left empty. An error
// names the first column at fault and what it allows.
func parseRunRow(f []string) (*Record, error) {
	header := runsHeader()
	nt := (len(header) - 17) / 3 // 16 columns, 3 per target, end
	if len(f) != len(header) {
		return nil, fmt.Errorf("%d fields (expected %d)", len(f), len(header))
	}
	p := &fieldParser{header: header, f: f}
	r := &Record{Problem: f[0], Optimizer: f[1], Precision: f[2], Settings: f[3], Status: Status(f[6]), End: f[len(f)-1]}
	if r.Problem == "" || r.Optimizer == "" {
		return nil, fmt.Errorf("empty problem or optimizer (expected their names)")
	}
	if _, err := optim.ParsePrecision(r.Precision); err != nil {
		return nil, fmt.Errorf("precision %q (expected %s)", r.Precision, strings.Join(optim.PrecisionNames(), " or "))
	}
	switch r.Status {
	case StatusTarget, StatusBudget, StatusPlateau, StatusDiverged:
	default:
		return nil, fmt.Errorf("status %q (expected %s, %s, %s or %s)", f[6], StatusTarget, StatusBudget, StatusPlateau, StatusDiverged)
	}
	r.Seed = p.seed(4)
	r.Budget = p.count(5)
	r.Iters = p.count(7)
	r.Evals = p.count(8)
	r.GradEvals = p.count(9)
	r.Seconds = p.float(10)
	r.FinalLoss = p.float(11)
	r.BestLoss = p.float(12)
	r.Floor = p.float(13)
	r.FloorIter = p.optCount(14)
	r.ParamErr = p.float(15)
	r.Hits = make([]Hit, nt)
	for i := range r.Hits {
		c := 16 + 3*i
		if f[c] == "" && f[c+1] == "" && f[c+2] == "" {
			r.Hits[i].Iter = -1
			continue
		}
		r.Hits[i] = Hit{Iter: p.count(c), Evals: p.count(c + 1), Seconds: p.float(c + 2)}
	}
	if p.err != nil {
		return nil, p.err
	}
	return r, nil
}

// fieldParser parses the fields f of a CSV row with the given header,
// keeping the first error, which names its column.
type fieldParser struct {
	header []string
	f      []string
	err    error
}

func (p *fieldParser) fail(i int, want string) {
	if p.err == nil {
		p.err = fmt.Errorf("%s %q (expected %s)", p.header[i], p.f[i], want)
	}
}

func (p *fieldParser) seed(i int) uint64 {
	v, err := strconv.ParseUint(p.f[i], 10, 64)
	if err != nil {
		p.fail(i, "an integer ≥ 0")
	}
	return v
}

func (p *fieldParser) count(i int) int {
	v, err := strconv.Atoi(p.f[i])
	if err != nil || v < 0 {
		p.fail(i, "an integer ≥ 0")
	}
	return v
}

// optCount is count, or -1 for an empty field.
func (p *fieldParser) optCount(i int) int {
	if p.f[i] == "" {
		return -1
	}
	return p.count(i)
}

// float parses a number; an empty field is NaN.
func (p *fieldParser) float(i int) float64 {
	v, err := parseFloat(p.f[i])
	if err != nil || p.f[i] == "NaN" {
		p.fail(i, "a number, or empty for none")
	}
	return v
}

// parsePoint parses one trace.csv row. An error names the first column at
// fault and what it allows.
func parsePoint(f []string) (RunID, Point, error) {
	if len(f) != 11 {
		return RunID{}, Point{}, fmt.Errorf("%d fields (expected 11)", len(f))
	}
	prec := f[2]
	if f[0] == "" || f[1] == "" {
		return RunID{}, Point{}, fmt.Errorf("empty problem or optimizer (expected their names)")
	}
	if _, err := optim.ParsePrecision(prec); err != nil {
		return RunID{}, Point{}, fmt.Errorf("precision %q (expected %s)", prec, strings.Join(optim.PrecisionNames(), " or "))
	}
	fp := &fieldParser{header: traceHeader(), f: f}
	seed := fp.seed(3)
	p := Point{Iter: fp.count(4), Evals: fp.count(5), GradEvals: fp.count(6), Seconds: fp.float(7), Loss: fp.float(8),
		Best: fp.float(9), ParamErr: fp.float(10)}
	return RunID{GroupID{f[0], f[1], prec}, seed}, p, fp.err
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

// parseCSVLine parses one line of CSV. A line without quotes, as nearly
// every line optbench writes, is split at its commas directly (what the
// CSV reader would return, many times faster).
func parseCSVLine(line []byte) ([]string, error) {
	if len(line) > 0 && bytes.IndexByte(line, '"') < 0 {
		return strings.Split(string(line), ","), nil
	}
	r := csv.NewReader(bytes.NewReader(line))
	r.FieldsPerRecord = -1
	return r.Read()
}

// ReadRuns parses runs.csv content, as written (and appended to through a
// Journal) by an experiment.
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

// EncodeCSV renders rows (with header) as CSV.
func EncodeCSV(header []string, rows [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	w.WriteAll(rows)
	return buf.Bytes()
}

// WriteRecords writes runs.csv and trace.csv into dir for recs (in the
// given order), each atomically (trace.csv first), and returns their
// checksums (Checksum) by file name. It refuses before writing either when
// the file system has not the room for the larger one beside the old.
func WriteRecords(dir string, recs []*Record) (map[string]string, error) {
	var runs, trace [][]string
	for _, r := range recs {
		runs = append(runs, RunRow(r))
		trace = append(trace, TraceRows(r)...)
	}
	tdata, rdata := EncodeCSV(TraceHeader(), trace), EncodeCSV(RunsHeader(), runs)
	// Each file is written in full beside the old one before the rename:
	// refuse before touching either rather than fail half-way.
	need := uint64(max(len(tdata), len(rdata))) + 1<<20
	if free, ok := freeSpace(dir); ok && free < need {
		return nil, fmt.Errorf("not enough free space in %s to rewrite %s and %s: %d MB needed, %d MB free",
			dir, RunsFile, TraceFile, need>>20, free>>20)
	}
	if err := WriteFileAtomic(filepath.Join(dir, TraceFile), tdata); err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(filepath.Join(dir, RunsFile), rdata); err != nil {
		return nil, err
	}
	return map[string]string{RunsFile: Checksum(rdata), TraceFile: Checksum(tdata)}, nil
}

// Journal appends finished runs to runs.csv and trace.csv: the trace rows
// first, then the run's row, which marks the run as done. A reader of the
// pair while it is appended to, or after an interruption, sees at most a
// torn last line and the points of runs without their rows at the end.
type Journal struct {
	runs, trace *os.File
	rw, tw      *bufio.Writer
}

// OpenJournal opens dir's runs.csv and trace.csv, which exist with their
// headers, for appending.
func OpenJournal(dir string) (*Journal, error) {
	j := &Journal{}
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

// Add appends r's trajectory to trace.csv, then its row to runs.csv, each
// flushed to the file before the next.
func (j *Journal) Add(r *Record) error {
	tw := csv.NewWriter(j.tw)
	tw.WriteAll(TraceRows(r))
	if err := tw.Error(); err != nil {
		return err
	}
	if err := j.tw.Flush(); err != nil {
		return err
	}
	rw := csv.NewWriter(j.rw)
	rw.Write(RunRow(r))
	rw.Flush()
	if err := rw.Error(); err != nil {
		return err
	}
	return j.rw.Flush()
}

// Close closes both files.
func (j *Journal) Close() error {
	err1 := j.runs.Close()
	err2 := j.trace.Close()
	if err1 != nil {
		return err1
	}
	return err2
}
